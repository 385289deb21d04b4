"""Recording without editing YAML: new worker files and new entries in existing ones (SPEC §9).

Counselors record placements, observations and trainings week by week; the worker file stays the
reference they (or a colleague) may still read and edit by hand. So an addition must leave every
byte it does not touch as it was: comments, blank lines, quoting, flow mappings spread over two
lines. A full ruamel.yaml round trip does not guarantee that (it reflows flow mappings, re-indents
sequences and attaches a trailing comment to the last item, so that the new item lands after the
next section's heading). Here ruamel.yaml locates the list in the file and writes the new entry's
text, which is spliced in just after the list's last item: the rest of the file is untouched.

Before anything is written, the updated text goes through the same rules as `portfolio check`
(`check_updated_worker`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML, YAMLError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from portfolio.checks import check_worker
from portfolio.issues import Issue
from portfolio.load import validate
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.yamlsource import read_yaml

SECTIONS = ("placements", "observations", "trainings")
LEVELS = {1: "découverte", 2: "avec aide", 3: "autonome", 4: "maîtrise"}
CLIENT_KINDS = ("particulier", "collectivite", "association", "entreprise")
ROLES = ("tuteur", "conseiller", "formateur")
RESULTS = ("acquis", "non-acquis", "en-cours")

_PLACEMENT_ID = re.compile(r"^p(\d+)$")
# Plain words that a YAML 1.1 reader (PyYAML, many other tools) would read as booleans.
_YAML11_WORDS = re.compile(r"^(y|n|yes|no|on|off)$", re.IGNORECASE)
_DEFAULT_DASH_COLUMN = 2


class RecordError(ValueError):
    """A value a counselor typed cannot be recorded; the message is French and says why."""


# --- values typed by a counselor ----------------------------------------------------------------

_FRENCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_HOURS_MINUTES = re.compile(r"^(\d+)\s*(?:h|:)\s*(\d{1,2})?\s*(?:min)?$", re.IGNORECASE)


def parse_day(text: str, what: str = "la date") -> dt.date:
    """A date written AAAA-MM-JJ (as in the YAML files) or JJ/MM/AAAA (as French people do)."""
    value = text.strip()
    try:
        found = _FRENCH_DATE.match(value)
        if found:
            day, month, year = (int(g) for g in found.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RecordError(
            f"{what} « {value} » n'est pas une date valide : écrivez AAAA-MM-JJ (2003-01-31) "
            "ou JJ/MM/AAAA (31/01/2003), et vérifiez que ce jour existe"
        ) from None


def parse_hours(text: str, what: str = "les heures") -> float:
    """Hours as 12, 3.5, 3,5 (French decimal comma), 3h30 or 3:30."""
    value = text.strip()
    found = _HOURS_MINUTES.match(value)
    try:
        if found:
            minutes = int(found.group(2) or 0)
            if minutes >= 60:
                raise ValueError
            hours = int(found.group(1)) + minutes / 60
        else:
            hours = float(value.replace(",", ".").replace(" ", ""))
    except ValueError:
        raise RecordError(
            f"{what} « {value} » ne sont pas un nombre d'heures : écrivez par exemple 12, "
            "3,5 ou 3h30"
        ) from None
    if not hours > 0 or hours != hours or hours == float("inf"):
        raise RecordError(f"{what} « {value} » : un nombre d'heures doit être plus grand que 0")
    return round(hours, 2)


def parse_task(text: str) -> dict[str, Any] | str:
    """A task as a counselor types it: « repassage » or « repassage=3,5 » (3.5 h on it)."""
    label, sep, hours = text.rpartition("=")
    if not sep:
        label = text
    label = label.strip()
    if not label:
        raise RecordError(f"tâche « {text} » sans texte : écrivez la tâche, puis « =heures »")
    if not sep:
        return label
    return {
        "task": label,
        "hours": number(parse_hours(hours, f"les heures de la tâche « {label} »")),
    }


def choice(value: str, allowed: Iterable[str], what: str) -> str:
    """A value that must be one of a few words, compared without accents or capitals."""
    options = list(allowed)
    folded = fold(value)
    for option in options:
        if fold(option) == folded:
            return option
    raise RecordError(f"{what} « {value} » n'existe pas : choisissez parmi {', '.join(options)}")


def fold(text: str) -> str:
    """Text compared as people mean it: without capitals, accents or surrounding spaces."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def parse_level(text: str) -> int:
    """An observation level (SPEC §4) as a number or as its word: « 3 » or « autonome »."""
    value = text.strip()
    if value in {str(n) for n in LEVELS}:
        return int(value)
    for n, word in LEVELS.items():
        if fold(word) == fold(value):
            return n
    raise RecordError(
        f"niveau « {value} » inconnu : écrivez 1 (découverte), 2 (avec aide), 3 (autonome) "
        "ou 4 (maîtrise)"
    )


def number(hours: float) -> int | float:
    """Hours as the YAML files show them: 64 rather than 64.0."""
    rounded = round(hours, 2)
    return int(rounded) if rounded == int(rounded) else rounded


# --- entries ------------------------------------------------------------------------------------


def next_placement_id(ids: Iterable[str]) -> str:
    """p1, p2…: one more than the highest pN already used (SPEC §4 placement ids)."""
    taken = set(ids)
    numbers = [int(m.group(1)) for i in taken if (m := _PLACEMENT_ID.match(i))]
    candidate = max(numbers, default=0) + 1
    while f"p{candidate}" in taken:
        candidate += 1
    return f"p{candidate}"


def placement_entry(
    *,
    ident: str,
    client: str,
    client_kind: str,
    start: dt.date,
    end: dt.date,
    hours: float,
    tutor: str | None = None,
    service: str | None = None,
    tasks: Iterable[str | Mapping[str, Any]] = (),
    note: str | None = None,
) -> dict[str, Any]:
    """A placement in the order of the worker file format (SPEC §4)."""
    entry: dict[str, Any] = {
        "id": ident,
        "client": {"name": client, "kind": client_kind},
        "start": start,
        "end": end,
        "hours": number(hours),
    }
    optional = {"tutor": tutor, "service": service, "note": note}
    entry.update({k: v for k, v in optional.items() if v})
    task_list = [dict(t) if isinstance(t, Mapping) else t for t in tasks]
    if task_list:
        entry["tasks"] = task_list
    return entry


def observation_entry(
    *,
    day: dt.date,
    by: str,
    role: str,
    competency: str,
    level: int,
    placement: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "date": day,
        "by": by,
        "role": role,
        "competency": competency,
        "level": level,
    }
    if placement:
        entry["placement"] = placement
    if note:
        entry["note"] = note
    return entry


def training_entry(
    *, module: str, start: dt.date, end: dt.date | None, hours: float, result: str
) -> dict[str, Any]:
    entry: dict[str, Any] = {"module": module, "start": start}
    if end is not None:
        entry["end"] = end
    entry.update({"hours": number(hours), "result": result})
    return entry


def new_worker_text(
    *,
    ident: str,
    first_name: str,
    last_name: str,
    association: str,
    counselor: str | None,
    targets: list[str],
    consent: bool,
    consent_date: dt.date | None,
    pass_iae: tuple[dt.date, dt.date] | None = None,
    today: dt.date,
) -> str:
    """The text of a new worker file (SPEC §4), with a short French header for hand readers."""
    data: dict[str, Any] = {
        "id": ident,
        "first_name": first_name,
        "last_name": last_name,
        "association": association,
    }
    if counselor:
        data["counselor"] = counselor
    data["targets"] = targets
    data["consent"] = {"given": consent, **({"date": consent_date} if consent_date else {})}
    if pass_iae:
        data["pass_iae"] = {"start": pass_iae[0], "end": pass_iae[1]}
    header = (
        f"# Salarié en parcours, fiche créée le {today.strftime('%d/%m/%Y')} avec "
        "« portfolio worker new ».\n"
        "# Ajoutez mises à disposition, observations et formations avec :\n"
        f"#   portfolio log placement|observation|training {ident}\n"
    )
    return header + _dump(_commented(data, flow_below=1))


# --- YAML text ----------------------------------------------------------------------------------


def _yaml() -> YAML:
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # one entry per line in flow style, as counselors write them
    # The same date object as start and end must not become an anchor and an alias (&id001).
    yaml.representer.ignore_aliases = lambda _data: True
    return yaml


def _scalar(value: Any) -> Any:
    if isinstance(value, str) and _YAML11_WORDS.match(value):
        return SingleQuotedScalarString(value)
    return value


def _commented(value: Any, *, flow_below: int, depth: int = 0) -> Any:
    """ruamel.yaml containers: block style above `flow_below` levels, flow style from there on."""
    if isinstance(value, Mapping):
        result: Any = CommentedMap(
            (k, _commented(v, flow_below=flow_below, depth=depth + 1)) for k, v in value.items()
        )
    elif isinstance(value, list):
        result = CommentedSeq(_commented(v, flow_below=flow_below, depth=depth + 1) for v in value)
    else:
        return _scalar(value)
    if depth >= flow_below:
        result.fa.set_flow_style()
    else:
        result.fa.set_block_style()
    return result


def _dump(data: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def _entry_lines(entry: Mapping[str, Any], *, flow: bool) -> list[str]:
    """The entry's YAML lines at column 0. Tasks with hours and clients stay on one line."""
    if flow:
        return _dump(_commented(entry, flow_below=0)).splitlines()
    block = _commented(entry, flow_below=1)
    if "tasks" in block:
        # A task list stays a block sequence; its {task:, hours:} items are flow mappings.
        tasks = CommentedSeq(_commented(t, flow_below=0) for t in entry["tasks"])
        tasks.fa.set_block_style()
        block["tasks"] = tasks
    return _dump(block).splitlines()


@dataclass(frozen=True)
class _ListSpot:
    """Where and how to add an item to a section of the file."""

    index: int  # character offset where the new text goes
    dash_column: int
    content_column: int
    flow_items: bool  # the existing items are flow mappings: write the new one the same way
    inline: bool = False  # a non-empty flow sequence [a, b]: add ", new" after its last item
    remove: tuple[int, int] | None = None  # an empty `[]` or `~` to remove first


def append_entry(text: str, section: str, entry: Mapping[str, Any]) -> str:
    """The file text with `entry` added at the end of the list `section` (SPEC §4).

    Only the new entry's lines are inserted (and an empty `[]` or `~` they replace is removed):
    every other byte of the file stays as it was, including comments, BOM and line endings.
    """
    if section not in SECTIONS:
        raise ValueError(f"unknown section {section!r}")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    body = text.removeprefix("\ufeff").replace("\r\n", "\n")
    try:
        root = _yaml().compose(body)
    except YAMLError as exc:  # read fine by `portfolio check`, but not by ruamel.yaml (YAML 1.2)
        raise RecordError(
            f"le fichier ne peut pas être complété automatiquement ({exc.__class__.__name__}) : "
            "ajoutez l'entrée à la main"
        ) from None
    if not isinstance(root, MappingNode) or root.flow_style:
        raise RecordError("le fichier du salarié doit être une table de champs « clé: valeur »")
    spot = _find_spot(body, root, section)
    if spot is None:
        tail = "" if body.endswith("\n") or not body else "\n"
        lines = [f"{section}:", *_item_lines(entry, _DEFAULT_DASH_COLUMN, 4, flow=False)]
        updated = body + tail + "\n".join(lines) + "\n"
    else:
        updated = _insert(body, spot, entry)
    return bom + updated.replace("\n", newline)


def _find_spot(body: str, root: MappingNode, section: str) -> _ListSpot | None:
    for key, value in root.value:
        if not (isinstance(key, ScalarNode) and key.value == section):
            continue
        if isinstance(value, SequenceNode) and value.value and value.flow_style:
            return _ListSpot(_node_end(body, value.value[-1]), 0, 0, flow_items=True, inline=True)
        if isinstance(value, SequenceNode) and value.value:
            first, last = value.value[0], value.value[-1]
            dash = value.start_mark.column
            content = first.start_mark.column if first.start_mark.column > dash else dash + 2
            flow = isinstance(last, MappingNode) and bool(last.flow_style)
            return _ListSpot(_line_end(body, _node_end(body, last)), dash, content, flow)
        if _is_empty(value):
            dash = key.start_mark.column + _DEFAULT_DASH_COLUMN
            removal = (value.start_mark.index, value.end_mark.index)
            return _ListSpot(key.end_mark.index, dash, dash + 2, False, remove=removal)
        raise RecordError(
            f"« {section} » doit être une liste (lignes commençant par « - ») : "
            "corrigez le fichier du salarié avant d'y ajouter quoi que ce soit"
        )
    return None


def _is_empty(node: Node) -> bool:
    if isinstance(node, SequenceNode):
        return not node.value
    return isinstance(node, ScalarNode) and node.tag.endswith(":null")


def _node_end(body: str, node: Node) -> int:
    """Offset just after the last character of a node's own text (not the comments after it)."""
    if isinstance(node, MappingNode) and not node.flow_style and node.value:
        key, value = node.value[-1]
        # An empty value (`tutor:`) is marked where the next token starts, maybe lines below.
        empty = isinstance(value, ScalarNode) and value.value == "" and not value.style
        return _node_end(body, key if empty else value)
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        return _node_end(body, node.value[-1])
    # A block scalar's end mark lies after the blank and comment lines that follow it.
    return len(body[: node.end_mark.index].rstrip())


def _line_end(body: str, index: int) -> int:
    """Offset of the start of the line after the one holding `index` (its comment included)."""
    found = body.find("\n", index)
    return len(body) if found < 0 else found + 1


def _item_lines(
    entry: Mapping[str, Any], dash_column: int, content_column: int, *, flow: bool
) -> list[str]:
    lines = _entry_lines(entry, flow=flow)
    first = " " * dash_column + "-" + " " * (content_column - dash_column - 1) + lines[0]
    return [first, *(" " * content_column + line if line else line for line in lines[1:])]


def _insert(body: str, spot: _ListSpot, entry: Mapping[str, Any]) -> str:
    if spot.inline:
        flow = " ".join(_entry_lines(entry, flow=True))
        return body[: spot.index] + ", " + flow + body[spot.index :]
    index = spot.index
    if spot.remove is not None:
        start, end = spot.remove
        if end > start:
            rest_of_line = body[end:].split("\n", 1)[0]
            keep = body[:start] if rest_of_line.strip() else body[:start].rstrip(" ")
            body = keep + body[end:]
        # `spot.index` is the end of the section's key, before the removed text.
        index = _line_end(body, index)
    prefix = "" if index == 0 or body[index - 1] == "\n" else "\n"
    lines = _item_lines(entry, spot.dash_column, spot.content_column, flow=spot.flow_items)
    return body[:index] + prefix + "\n".join(lines) + "\n" + body[index:]


# --- validation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What `portfolio check` says of an updated worker file, split as the commands need it."""

    worker: Worker | None
    errors: list[Issue]
    """Errors of the updated file: when any, nothing may be written."""
    new_warnings: list[Issue]
    """Warnings the change brings (those the file already had are not repeated)."""

    @property
    def accepted(self) -> bool:
        return self.worker is not None and not self.errors


def parse_worker_text(text: str, stem: str) -> tuple[Worker | None, Any, list[Issue]]:
    """Parse and validate a worker file's text exactly as `load_workspace` would read it.

    `read_yaml` reads files, so the text goes through a scratch file named like the real one.
    """
    display = f"workers/{stem}.yaml"
    with tempfile.TemporaryDirectory(prefix="portfolio-record-") as scratch:
        file = Path(scratch) / f"{stem}.yaml"
        file.write_text(text, encoding="utf-8")
        data, source, issues = read_yaml(file, display)
    if data is None:
        return None, source, issues
    worker, more = validate(Worker, data, source)
    return worker, source, issues + more


def current_issues(ws: Workspace, stem: str, as_of: dt.date) -> list[Issue]:
    worker = ws.workers.get(stem)
    return [] if worker is None else check_worker(ws, stem, worker, as_of)


def check_updated_worker(ws: Workspace, stem: str, text: str, as_of: dt.date) -> Verdict:
    """SPEC §8 rules on a worker file as it would be after the change, before writing it."""
    worker, source, issues = parse_worker_text(text, stem)
    if worker is None or any(i.is_error for i in issues):
        return Verdict(None, [i for i in issues if i.is_error], [])
    updated = dataclasses.replace(
        ws,
        workers={**ws.workers, stem: worker},
        sources={**ws.sources, ("worker", stem): source},
        broken=ws.broken - {("worker", stem)},
    )
    found = issues + check_worker(updated, stem, worker, as_of)
    before = current_issues(ws, stem, as_of)
    fresh = _new_warnings([i for i in found if not i.is_error], before)
    return Verdict(worker, [i for i in found if i.is_error], fresh)


def _new_warnings(after: list[Issue], before: list[Issue]) -> list[Issue]:
    """Warnings the file did not have. A warning whose figures changed (the training ratio once
    hours are added) is matched by its kind: it was already said."""
    exact = Counter((i.code, i.message) for i in before)
    unmatched = []
    for issue in after:
        if exact[(issue.code, issue.message)]:
            exact[(issue.code, issue.message)] -= 1
        else:
            unmatched.append(issue)
    by_code = Counter(code for (code, _), n in exact.items() for _ in range(n))
    fresh = []
    for issue in unmatched:
        if by_code[issue.code]:
            by_code[issue.code] -= 1
        else:
            fresh.append(issue)
    return fresh
