"""YAML → plain Python data, keeping the position of every node.

Why not `yaml.safe_load`: it forgets positions, lets a duplicate key silently win and reads
`no` as False or `010` as 8 (YAML 1.1). Here the node tree is composed once (C parser when present)
and constructed by hand with a small, predictable scalar schema: null, true/false, decimal numbers
without leading zeros, ISO dates; everything else stays text exactly as written.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from portfolio.issues import CONTROL_CHARACTERS, Issue, Location, error

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class _UntypedLoader(_Loader):  # type: ignore[misc, valid-type]
    """Composes without resolving tags: `_scalar` types plain scalars itself, and PyYAML's
    resolver took a third of the composing time of a large workspace."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        return ""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


MAX_FILE_BYTES = 5_000_000
MAX_DEPTH = 64
MAX_NODES = 200_000

_NULL = re.compile(r"^(~|null|Null|NULL)?$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_STANDARD_TAG = "tag:yaml.org,2002:"
_STR_TAG = _STANDARD_TAG + "str"
_NULL_INITIALS = "~nN"
_BOOL_INITIALS = "tTfF"
_NUMBER_INITIALS = "+-.0123456789"
"""With the other decimal digits (`_DATE`'s \\d), the first characters of what `_INT`,
`_FLOAT` and `_DATE` match."""
_ScalarNode, _MappingNode = yaml.ScalarNode, yaml.MappingNode


Position = tuple[int, int]
"""1-based line and column."""
Inside = dict[str, "KeyedSpot"] | list["Spot"] | None
"""The positions of what a mapping (by key) or a sequence (by index) holds; None for a scalar."""
Spot = tuple[Position, Inside]
"""Where a value starts, and the positions of what it holds."""
KeyedSpot = tuple[Position, Inside, Position]
"""A mapping's value as a `Spot`, then where its key starts."""


@dataclass(frozen=True)
class SourceMap:
    """Positions of every value and mapping key of one file.

    They are kept as a tree shaped like the data (`values` is the spot of the whole file, None
    when the file was not parsed), not as a table keyed by each value's path: making a path per
    value took half the time of turning a federation's worker files into data, and the paths
    held most of a loaded worker's memory.
    """

    path: str
    values: Spot | None = None
    longest_text: int | None = None
    """The length of the longest scalar value of the file (None: not parsed)."""
    control_in_text: bool = True
    """Whether a scalar value holds a control character (`CONTROL_CHARACTERS`)."""

    def locate(self, *loc: str | int, key: bool = False) -> Location:
        """The position of the deepest node of `loc` that exists in the file.

        Components the file does not have (a missing field, a pydantic union tag) are skipped, so
        an error always points at the closest thing the user wrote.
        """
        if self.values is None:
            return Location(self.path, 1, 1)
        spot: Spot | KeyedSpot = self.values
        for part in loc:
            found = _spot_in(spot[1], part)
            if found is not None:
                spot = found
        line, column = spot[2] if key and len(spot) == 3 else spot[0]  # type: ignore[misc]
        return Location(self.path, line, column)


def _spot_in(inside: Inside, part: str | int) -> Spot | KeyedSpot | None:
    """The spot of a mapping's key or of a sequence's index, None when the file has none."""
    if type(inside) is dict:
        return inside.get(part) if type(part) is str else None
    if type(inside) is list and type(part) is int and 0 <= part < len(inside):
        return inside[part]
    return None


def _grouped(number: int) -> str:
    """A number as French writes it: 200 000."""
    return f"{number:,}".replace(",", " ")


class _TooBig(Exception):
    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.mark = mark


def _too_many_nodes(mark: yaml.Mark | None) -> _TooBig:
    return _TooBig(
        f"fichier trop complexe (plus de {_grouped(MAX_NODES)} éléments, souvent à "
        "cause d'alias YAML « *nom » imbriqués) : écrivez les valeurs sans alias ou "
        "découpez le fichier",
        mark,
    )


def _too_deep(mark: yaml.Mark | None) -> _TooBig:
    return _TooBig(
        f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux) : vérifiez l'indentation", mark
    )


def _check_size(text: str) -> None:
    """Enforce MAX_NODES and MAX_DEPTH on the event stream, before composing.

    Composing builds every node of the file at once (a 5 MB list of short items takes 750 MB and
    10 s), so `_Builder`'s limits come too late for a big file. A node takes at least two
    characters, so files of up to 2 × MAX_NODES characters skip this pass. The count leaves out
    mapping keys and counts an alias once: a file rejected here would be rejected by `_Builder`.
    """
    if len(text) <= 2 * MAX_NODES:
        return
    nodes = 0
    expecting_key: list[bool | None] = []  # per open collection: None for a sequence
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionEndEvent):
            expecting_key.pop()
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        is_key = bool(expecting_key) and expecting_key[-1] is True
        if expecting_key and expecting_key[-1] is not None:
            expecting_key[-1] = not expecting_key[-1]
        if not is_key:
            nodes += 1
            if nodes > MAX_NODES:
                raise _too_many_nodes(event.start_mark)
        if len(expecting_key) > MAX_DEPTH:
            raise _too_deep(event.start_mark)
        if isinstance(event, yaml.MappingStartEvent):
            expecting_key.append(True)
        elif isinstance(event, yaml.SequenceStartEvent):
            expecting_key.append(None)


@dataclass
class _Builder:
    """Plain data from a composed node tree, with the positions of what each node holds.

    A worker file has about a hundred nodes and a federation 180,000 files: the loops below
    keep to local names and handle a scalar without a call of `build`, which halves the time
    of this step (the parsing itself is libyaml's)."""

    path: str
    nodes: int = 0
    issues: list[Issue] = field(default_factory=list)
    scalars: list[str] = field(default_factory=list)
    """The text of every scalar value, as written (keys are not values): for `SourceMap`'s
    `longest_text` and `control_in_text`, gathered here rather than by walking the data again."""

    def build(self, node: yaml.Node, depth: int) -> tuple[Any, Inside]:
        """The node's value, and the positions of what it holds (its own are its parent's)."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _too_many_nodes(node.start_mark)
        if depth > MAX_DEPTH:
            raise _too_deep(node.start_mark)
        tag = node.tag
        if tag and not tag.startswith(_STANDARD_TAG):
            return self._unknown_tag(node), None
        kind = type(node)
        if kind is _ScalarNode:
            self.scalars.append(node.value)
            return (node.value if tag == _STR_TAG else _scalar(node)), None
        if kind is _MappingNode:
            return self._mapping(node, depth)
        return self._sequence(node, depth)  # the third kind `yaml.compose` makes

    def _child(self, node: yaml.Node, depth: int) -> tuple[Any, Inside]:
        """`build(node, depth)`, a plain scalar without the call."""
        if type(node) is not _ScalarNode or node.tag or self.nodes >= MAX_NODES:
            return self.build(node, depth)
        if depth > MAX_DEPTH:
            raise _too_deep(node.start_mark)
        self.nodes += 1
        text = node.value
        self.scalars.append(text)
        if node.style:  # quoted: text, as `_scalar` says
            return text, None
        return (_short_plain(text) if len(text) <= SHORT_PLAIN else _plain(text)), None

    def _sequence(self, node: yaml.SequenceNode, depth: int) -> tuple[list[Any], Inside]:
        result: list[Any] = []
        spots: list[Spot] = []
        child = self._child
        for item in node.value:
            value, inside = child(item, depth + 1)
            mark = item.start_mark
            result.append(value)
            spots.append(((mark.line + 1, mark.column + 1), inside))
        return result, spots

    def _mapping(self, node: yaml.MappingNode, depth: int) -> tuple[dict[str, Any], Inside]:
        result: dict[str, Any] = {}
        spots: dict[str, KeyedSpot] = {}
        child = self._child
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
            key = _scalar(key_node)
            if type(key) is not str:
                key = str(key)
            if key in result:
                first_line = spots[key][2][0]
                self.issues.append(
                    error(
                        self._at(key_node),
                        "duplicate-key",
                        f"la clé « {key} » apparaît deux fois (déjà ligne {first_line}) : "
                        "gardez une seule des deux",
                    )
                )
                continue
            value, inside = child(value_node, depth + 1)
            key_mark, mark = key_node.start_mark, value_node.start_mark
            result[key] = value
            spots[key] = (
                (mark.line + 1, mark.column + 1),
                inside,
                (key_mark.line + 1, key_mark.column + 1),
            )
        return result, spots

    def _unknown_tag(self, node: yaml.Node) -> None:
        self.issues.append(
            error(
                self._at(node),
                "yaml-tag",
                f"« {node.tag} » n'est pas compris ici (un « ! » en début de valeur est une "
                "étiquette YAML) : mettez la valeur entre guillemets",
            )
        )

    def _at(self, node: yaml.Node) -> Location:
        return Location(self.path, node.start_mark.line + 1, node.start_mark.column + 1)


def _scalar(node: yaml.ScalarNode) -> Any:
    text = node.value
    if node.style:  # quoted or block scalar: always text (plain is None or "" by parser)
        return text
    return _short_plain(text) if len(text) <= SHORT_PLAIN else _plain(text)


def _plain(text: str) -> Any:
    """The value of a plain scalar: null, true/false, a decimal number, an ISO date, or the
    text itself."""
    # The patterns are anchored: the first character tells which one may match, and most keys
    # and values start with a letter that none does.
    first = text[:1]
    if first in _NULL_INITIALS:  # "" too
        return None if _NULL.match(text) else text
    if first in _BOOL_INITIALS:
        return _BOOL.get(text, text)
    if first not in _NUMBER_INITIALS and not first.isdecimal():
        return text
    if _INT.match(text):
        try:
            return int(text)
        except ValueError:  # more digits than Python converts: validation reports the text
            return text
    if _FLOAT.match(text):
        number = float(text)
        return number if math.isfinite(number) else text
    if _DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text  # kept as text so that validation reports the impossible date
    return text


SHORT_PLAIN = 32
"""Plain scalars up to this many characters are remembered (`_short_plain`)."""
_short_plain = lru_cache(maxsize=8192)(_plain)
"""`_plain`, remembered: the keys, dates, hours and ids of a federation's 180,000 worker files
are the same few thousand, and typing each of them again was a third of the building. The
values are immutable, so they are shared; a long text is neither worth keeping nor likely to
come back."""


_YAML_HINTS: tuple[tuple[str, str, bool, str], ...] = (
    # (words of the parser's context, words of its problem, point at the context?, French hint)
    (
        "quoted scalar",
        "end of stream",
        True,
        "guillemet ouvert ici mais jamais fermé : ajoutez le guillemet fermant à la fin de "
        "la valeur",
    ),
    (
        "simple key",
        "could not find expected ':'",
        True,
        "« : » manquant après la clé de cette ligne (écrivez « clé: valeur »), ou guillemet "
        "non fermé",
    ),
    (
        "flow sequence",
        "",
        True,
        "le crochet « [ » ouvert ici n'est pas fermé par « ] », ou une virgule manque entre "
        "deux éléments",
    ),
    (
        "flow mapping",
        "",
        True,
        "l'accolade « { » ouverte ici n'est pas fermée par « } », ou une virgule manque entre "
        "deux champs",
    ),
    (
        "",
        "tab character",
        False,
        "tabulation dans l'indentation : indentez seulement avec des espaces",
    ),
    (
        "",
        "mapping values are not allowed",
        False,
        "« : » inattendu : si la valeur contient « : », mettez-la entre guillemets ; sinon "
        "alignez cette ligne sur les clés du même niveau",
    ),
    (
        "",
        "did not find expected key",
        False,
        "ligne inattendue : alignez-la sur les clés du même niveau ; dans un texte entre "
        "guillemets simples, une apostrophe s'écrit ''",
    ),
    (
        "",
        "did not find expected '-'",
        False,
        "indentation incohérente dans une liste : alignez les « - » et les clés de chaque élément",
    ),
    ("", "undefined alias", False, "alias « * » inconnu : définissez l'ancre « & » avant"),
    ("", "duplicate anchor", False, "ancre « & » définie deux fois : renommez l'une des deux"),
    (
        "",
        "unknown escape character",
        False,
        "« \\ » entre guillemets doubles : utilisez des guillemets simples ou écrivez « \\\\ »",
    ),
    ("", "another document", False, "un seul document par fichier : supprimez la ligne « --- »"),
    ("", "nesting depth", False, "imbrication trop profonde : vérifiez l'indentation"),
)


def _yaml_message(exc: yaml.YAMLError, text: str) -> tuple[str, yaml.Mark | None]:
    """A French hint for a PyYAML syntax error, and the mark the user should look at."""
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None) or ""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    if "cannot start any token" in problem:
        return _bad_start(text, problem_mark), problem_mark
    for context_words, problem_words, at_context, hint in _YAML_HINTS:
        if context_words in context and problem_words in problem:
            mark = context_mark if at_context and context_mark else problem_mark
            return f"YAML invalide : {hint}", mark or context_mark
    return (
        f"YAML invalide ({problem}) : vérifiez l'indentation, les « : » et les guillemets",
        problem_mark or context_mark,
    )


def _bad_start(text: str, mark: yaml.Mark | None) -> str:
    lines = text.splitlines()
    char = ""
    if mark is not None and mark.line < len(lines) and mark.column < len(lines[mark.line]):
        char = lines[mark.line][mark.column]
    if char == "\t":
        return "YAML invalide : tabulation interdite : indentez et séparez avec des espaces"
    shown = f"« {char} »" if char.strip() else "ce caractère"
    return (
        f"YAML invalide : une valeur ne peut pas commencer par {shown} : mettez-la entre guillemets"
    )


def read_yaml(file: Path, display: str) -> tuple[Any, SourceMap, list[Issue]]:
    """Read one YAML file. Returns (data, positions, issues); data is None when unusable."""
    try:
        with open(file, "rb", buffering=0) as handle:  # one read: half the time of read_bytes
            raw = handle.readall()
    except FileNotFoundError:
        issue = error(Location(display, 1, 1), "file-missing", "fichier introuvable")
        return None, SourceMap(display), [issue]
    except OSError as exc:
        message = f"fichier illisible ({exc.strerror}) : vérifiez qu'il existe et ses droits"
        issue = error(Location(display, 1, 1), "file-unreadable", message)
        return None, SourceMap(display), [issue]
    return _parse(raw, display)


def parse_yaml_text(text: str, display: str) -> tuple[Any, SourceMap, list[Issue]]:
    """Parse YAML text exactly as `read_yaml` reads it from the file `display` saved in UTF-8.

    A worker file is judged before it is written (recording, SPEC §9): its text must meet the
    same limits and get the same messages and positions as the file it will become.
    """
    return _parse(text.encode("utf-8"), display)


def _parse(raw: bytes, display: str) -> tuple[Any, SourceMap, list[Issue]]:
    source = SourceMap(display)
    text, problem = _decode(raw, display)
    if text is None:
        return None, source, [problem] if problem else []
    try:
        _check_size(text)
        node = yaml.compose(text, Loader=_UntypedLoader)
    except _TooBig as exc:
        return None, source, [error(_where(display, exc.mark), "yaml-too-big", str(exc))]
    except yaml.YAMLError as exc:
        message, mark = _yaml_message(exc, text)
        return None, source, [error(_in_text(_where(display, mark), text), "yaml-syntax", message)]
    except RecursionError:
        message = "imbrication trop profonde : vérifiez l'indentation"
        return None, source, [error(Location(display, 1, 1), "yaml-too-deep", message)]
    if node is None:
        message = "fichier vide : remplissez-le ou supprimez-le"
        return None, source, [error(Location(display, 1, 1), "file-empty", message)]
    builder = _Builder(display)
    try:
        data, inside = builder.build(node, 0)
    except _TooBig as exc:
        return None, source, [error(_where(display, exc.mark), "yaml-too-big", str(exc))]
    scalars = builder.scalars
    mark = node.start_mark
    source = SourceMap(
        display,
        ((mark.line + 1, mark.column + 1), inside),
        max(map(len, scalars), default=0),
        CONTROL_CHARACTERS.search("".join(scalars)) is not None,
    )
    return data, source, builder.issues


def _where(display: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(display, 1, 1)
    return Location(display, mark.line + 1, mark.column + 1)


_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def _in_text(where: Location, text: str) -> Location:
    """The parser points past the last line when a file ends inside a « { » or a quote without a
    final line break: point at the end of the last line instead, which an editor can show."""
    lines = _LINE_BREAK.split(text)
    if where.line <= len(lines):
        return where
    return Location(where.path, len(lines), len(lines[-1]) + 1)


def _decode(raw: bytes, display: str) -> tuple[str | None, Issue | None]:
    """The text of a file, or the issue saying why it is not a YAML text we can read."""
    start = Location(display, 1, 1)
    if len(raw) > MAX_FILE_BYTES:
        size = f"{len(raw) / 1_000_000:.1f}".replace(".", ",")
        message = (
            f"fichier trop gros ({size} Mo, au plus {MAX_FILE_BYTES // 1_000_000} Mo) : "
            "découpez-le en plusieurs fichiers"
        )
        return None, error(start, "file-too-big", message)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        message = (
            "le fichier est enregistré en UTF-16 (« Unicode ») : enregistrez-le en UTF-8 "
            "depuis votre éditeur"
        )
        return None, error(start, "not-utf8", message)
    if b"\x00" in raw:
        message = (
            "ce fichier n'est pas du texte (image, document Word ou PDF ?) : retirez-le du "
            "dossier ou remplacez-le par un fichier YAML"
        )
        return None, error(start, "binary", message)
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        message = (
            "le fichier n'est pas enregistré en UTF-8 (caractère illisible ici, souvent une "
            "lettre accentuée) : enregistrez-le avec l'encodage UTF-8 depuis votre éditeur"
        )
        return None, error(Location(display, line, column), "not-utf8", message)
