"""YAML → plain Python data, keeping the position of every node.

Why not `yaml.safe_load`: it forgets positions, lets a duplicate key silently win and reads
`no` as False or `010` as 8 (YAML 1.1). Here the node tree is composed once (C parser when present)
and constructed by hand with a small, predictable scalar schema: null, true/false, decimal numbers
without leading zeros, ISO dates; everything else stays text exactly as written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from portfolio.issues import Issue, Location, error

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 5_000_000
MAX_DEPTH = 64
MAX_NODES = 200_000

_NULL = re.compile(r"^(~|null|Null|NULL)?$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceMap:
    """Positions (1-based line, column) of every value and mapping key of one file."""

    path: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def locate(self, *loc: str | int, key: bool = False) -> Location:
        """The position of the deepest node of `loc` that exists in the file.

        Components the file does not have (a missing field, a pydantic union tag) are skipped, so
        an error always points at the closest thing the user wrote.
        """
        found: Path_ = ()
        for part in loc:
            candidate = (*found, part)
            if candidate in self.values:
                found = candidate
        table = self.keys if key and found in self.keys else self.values
        line, column = table.get(found, (1, 1))
        return Location(self.path, line, column)


class _TooBig(Exception):
    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.mark = mark


@dataclass
class _Builder:
    source: SourceMap
    nodes: int = 0
    issues: list[Issue] = field(default_factory=list)

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig(
                f"fichier trop complexe (plus de {MAX_NODES} éléments, souvent dû à des alias "
                "YAML « *nom » imbriqués) : simplifiez-le ou découpez-le",
                node.start_mark,
            )
        if depth > MAX_DEPTH:
            raise _TooBig(
                f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux) : vérifiez l'indentation",
                node.start_mark,
            )
        self.source.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        return _scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.issues.append(
                    error(
                        self._at(key_node),
                        "yaml-key",
                        "une clé doit être un simple mot suivi de « : » : corrigez cette ligne",
                    )
                )
                continue
            key = str(_scalar(key_node))
            key_path = (*path, key)
            if key in result:
                first_line = self.source.keys[key_path][0]
                self.issues.append(
                    error(
                        self._at(key_node),
                        "duplicate-key",
                        f"la clé « {key} » apparaît deux fois (déjà ligne {first_line}) : "
                        "gardez une seule des deux",
                    )
                )
                continue
            mark = key_node.start_mark
            self.source.keys[key_path] = (mark.line + 1, mark.column + 1)
            result[key] = self.build(value_node, key_path, depth + 1)
        return result

    def _at(self, node: yaml.Node) -> Location:
        return Location(self.source.path, node.start_mark.line + 1, node.start_mark.column + 1)


def _scalar(node: yaml.ScalarNode) -> Any:
    text = node.value
    if node.style:  # quoted or block scalar: always text (plain is None or "" by parser)
        return text
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if _DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text  # kept as text so that validation reports the impossible date
    return text


_YAML_HINTS = (
    (
        "mapping values are not allowed",
        "« : » inattendu : mettez la valeur entre guillemets ou corrigez l'indentation",
    ),
    ("could not find expected ':'", "« : » manquant après une clé, ou guillemet non fermé"),
    (
        "cannot start any token",
        "caractère interdit en début de valeur (tabulation ?) : indentez "
        "avec des espaces et mettez la valeur entre guillemets",
    ),
    ("did not find expected key", "indentation incohérente : alignez les clés d'un même niveau"),
    ("did not find expected '-'", "indentation incohérente dans une liste : alignez les « - »"),
    ("found undefined alias", "alias « * » inconnu : définissez l'ancre « & » avant de l'utiliser"),
    ("found duplicate anchor", "ancre « & » définie deux fois : renommez l'une des deux"),
    ("unexpected end of stream", "guillemet ou crochet non fermé avant la fin du fichier"),
    ("expected ',' or ']'", "crochet « ] » manquant ou virgule oubliée dans une liste [a, b]"),
    ("expected ',' or '}'", "accolade « } » manquante ou virgule oubliée dans {clé: valeur}"),
    (
        "found unknown escape character",
        "caractère d'échappement « \\ » invalide entre guillemets "
        "doubles : utilisez des guillemets simples",
    ),
    ("but found another document", "un seul document par fichier : supprimez la ligne « --- »"),
    ("special characters are not allowed", "caractère spécial interdit : supprimez-le"),
)


def _yaml_message(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc)
    for needle, hint in _YAML_HINTS:
        if needle in problem:
            return f"YAML invalide : {hint}"
    return f"YAML invalide ({problem}) : vérifiez l'indentation, les « : » et les guillemets"


def read_yaml(file: Path, display: str) -> tuple[Any, SourceMap, list[Issue]]:
    """Read one YAML file. Returns (data, positions, issues); data is None when unusable."""
    source = SourceMap(display)
    start = Location(display, 1, 1)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return None, source, [error(Location(display), "file-missing", "fichier introuvable")]
    except OSError as exc:
        return (
            None,
            source,
            [
                error(
                    Location(display),
                    "file-unreadable",
                    f"fichier illisible ({exc.strerror}) : vérifiez ses droits",
                )
            ],
        )
    if len(raw) > MAX_FILE_BYTES:
        return (
            None,
            source,
            [
                error(
                    start,
                    "file-too-big",
                    f"fichier trop gros ({len(raw) // 1_000_000} Mo, maximum "
                    f"{MAX_FILE_BYTES // 1_000_000} Mo) : découpez-le",
                )
            ],
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return (
            None,
            source,
            [
                error(
                    Location(display, line, 1),
                    "not-utf8",
                    "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8 depuis votre éditeur",
                )
            ],
        )
    if "\x00" in text:
        return None, source, [error(start, "binary", "fichier binaire, pas du texte YAML")]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(display, mark.line + 1, mark.column + 1) if mark else start
        return None, source, [error(where, "yaml-syntax", _yaml_message(exc))]
    except yaml.YAMLError as exc:
        return None, source, [error(start, "yaml-syntax", _yaml_message(exc))]
    except RecursionError:
        return (
            None,
            source,
            [error(start, "yaml-too-deep", "imbrication trop profonde : vérifiez l'indentation")],
        )
    if node is None:
        return (
            None,
            source,
            [error(start, "file-empty", "fichier vide : remplissez-le ou supprimez-le")],
        )
    builder = _Builder(source)
    try:
        data = builder.build(node, (), 0)
    except _TooBig as exc:
        mark = exc.mark
        where = Location(display, mark.line + 1, mark.column + 1) if mark else start
        return None, source, [error(where, "yaml-too-big", str(exc))]
    return data, source, builder.issues
