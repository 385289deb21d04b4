"""Timesheets exported from payroll or scheduling software → placements (SPEC §9 `import`).

Reading a file (CSV or XLSX) gives rows of cells; `parse_rows` turns them into checked rows or
rejections, each with the row number a spreadsheet shows; `group_rows` joins the rows of one
worker at one client that follow each other into one placement; `plan_import` adds those
placements to the worker files' text and judges each by the rules of `portfolio check`.
The column names and the grouping rule are documented in docs/import-feuilles-de-temps.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portfolio.french import (
    CLIENT_KINDS,
    InputError,
    fold,
    fr_date,
    message_hours,
    parse_date,
    parse_hours,
)
from portfolio.issues import PortfolioError
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.record.changes import Verdict, check_updated_worker, current_issues
from portfolio.record.entries import number, placement_entry
from portfolio.record.queries import next_placement_id
from portfolio.record.yamltext import append_entry

COLUMNS: dict[str, tuple[str, ...]] = {
    "worker": ("salarie", "salariee", "id_salarie", "identifiant", "matricule", "worker"),
    "client": ("client", "nom_client", "utilisateur", "client_name"),
    "client_kind": ("type_client", "type", "categorie_client", "client_kind", "kind"),
    "date": ("date", "jour"),
    "start": ("debut", "date_debut", "start"),
    "end": ("fin", "date_fin", "end"),
    "hours": ("heures", "nb_heures", "nombre_heures", "duree", "hours"),
    "tasks": ("taches", "tache", "activites", "travaux", "tasks"),
    "tutor": ("tuteur", "tutrice", "referent", "tutor"),
    "service": ("service",),
}
"""Accepted column names, compared folded: lower case, no accents, small words such as « de »
dropped, the other words joined by « _ » (so « Type de client » is type_client)."""

REQUIRED = ("worker", "client", "hours")
_TASK_SEPARATORS = re.compile(r"[|;\n]")
_KIND_WORDS = {
    "particulier": "particulier",
    "particuliers": "particulier",
    "collectivite": "collectivite",
    "collectivites": "collectivite",
    "association": "association",
    "associations": "association",
    "entreprise": "entreprise",
    "entreprises": "entreprise",
}


class TimesheetError(PortfolioError):
    """The file as a whole cannot be read (format, encoding, header)."""


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    """(row number as a spreadsheet shows it, cells) of every non-empty row after the header."""


def read_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path.read_bytes())
    if suffix == ".xlsx":
        return read_xlsx(path)
    raise TimesheetError(
        f"format non reconnu « {path.suffix or path.name} » : enregistrez la feuille de temps en "
        ".csv ou .xlsx",
        exit_code=2,
    )


def read_csv(raw: bytes) -> Table:
    """A CSV file: UTF-8 (with or without BOM), else Windows-1252 as old Excel saves it;
    separator `;` (French Excel) or `,`, whichever the header line uses most."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]
    return _table(rows)


def read_xlsx(path: Path) -> Table:
    """The first sheet of an Excel workbook; dates and numbers keep their cell types."""
    from openpyxl import load_workbook  # imported here: loading it costs a third of a second

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise TimesheetError(
            f"impossible de lire le classeur Excel « {path.name} » ({exc.__class__.__name__}) : "
            "ouvrez-le dans votre tableur et enregistrez-le de nouveau en .xlsx"
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = [
            (n, ["" if c is None else c for c in cells])
            for n, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
            if any(c is not None and str(c).strip() for c in cells)
        ]
    finally:
        book.close()
    return _table(rows)


def _table(rows: list[tuple[int, list[Any]]]) -> Table:
    if not rows:
        raise TimesheetError(
            "la feuille de temps est vide : la première ligne doit nommer les colonnes"
        )
    (_, header), *body = rows
    return Table([str(h) for h in header], body)


# --- rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    number: int
    worker: str
    client: str
    client_kind: str
    start: dt.date
    end: dt.date
    hours: float
    tasks: tuple[str, ...]
    tutor: str | None
    service: str | None


@dataclass(frozen=True)
class Rejection:
    rows: tuple[int, ...]
    reason: str

    def render(self) -> str:
        return f"{rows_text(self.rows)} : {self.reason}"


_HEADER_STOP_WORDS = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "en"})


def _column_key(name: str) -> str:
    """« Type de client » → type_client, « Nombre d'heures » → nombre_heures."""
    words = re.split(r"[^a-z0-9]+", fold(str(name)))
    return "_".join(w for w in words if w and w not in _HEADER_STOP_WORDS)


def map_columns(header: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    """Which cell holds which field, and the columns that mean nothing here (to be told)."""
    aliases = {alias: name for name, names in COLUMNS.items() for alias in names}
    found: dict[str, int] = {}
    ignored = []
    for index, title in enumerate(header):
        name = aliases.get(_column_key(title))
        if name is None or name in found:
            if str(title).strip():
                ignored.append(str(title))
            continue
        found[name] = index
    missing = [n for n in REQUIRED if n not in found]
    if "date" not in found and not {"start", "end"} <= found.keys():
        missing.append("date (ou debut et fin)")
    if missing:
        names = ", ".join(COLUMNS[m][0] if m in COLUMNS else m for m in missing)
        raise TimesheetError(
            f"colonnes manquantes dans la première ligne : {names} (colonnes lues : "
            f"{', '.join(str(h) for h in header)}) ; les noms acceptés sont décrits dans "
            "docs/import-feuilles-de-temps.md"
        )
    return found, ignored


def parse_rows(
    table: Table, ws: Workspace, *, broken: Iterable[str] = ()
) -> tuple[list[Row], list[Rejection]]:
    """Every row checked on its own: known worker, client and kind, dates, hours."""
    columns, _ = map_columns(table.header)
    kinds = client_kinds(ws.workers.values())
    unusable = set(broken)
    rows, rejections = [], []
    for number_, cells in table.rows:

        def cell(name: str, cells: list[Any] = cells) -> Any:
            index = columns.get(name)
            value = cells[index] if index is not None and index < len(cells) else ""
            return value.strip() if isinstance(value, str) else value

        try:
            rows.append(_row(number_, cell, ws, kinds, unusable))
        except InputError as exc:
            rejections.append(Rejection((number_,), str(exc)))
    return rows, rejections


def _row(number_: int, cell: Any, ws: Workspace, kinds: Mapping[str, str], broken: set[str]) -> Row:
    worker = str(cell("worker"))
    if not worker:
        raise InputError("salarié manquant : écrivez son identifiant (nom de son fichier)")
    if worker in broken:
        raise InputError(
            f"le fichier workers/{worker}.yaml contient des erreurs : corrigez-le d'abord "
            "(« portfolio check »)"
        )
    if worker not in ws.workers:
        raise InputError(
            f"salarié inconnu « {worker} » : il n'y a pas de fichier workers/{worker}.yaml "
            "(créez-le avec « portfolio worker new »)"
        )
    client = str(cell("client"))
    if not client:
        raise InputError("client manquant : écrivez le nom du client")
    kind = _kind(str(cell("client_kind")), client, kinds)
    start, end = _period(cell("date"), cell("start"), cell("end"))
    hours = _hours(cell("hours"))
    tasks = tuple(t.strip() for t in _TASK_SEPARATORS.split(str(cell("tasks"))) if t.strip())
    return Row(
        number=number_,
        worker=worker,
        client=client,
        client_kind=kind,
        start=start,
        end=end,
        hours=hours,
        tasks=tasks,
        tutor=str(cell("tutor")) or None,
        service=str(cell("service")) or None,
    )


def client_kinds(workers: Iterable[Worker]) -> dict[str, str]:
    """Folded client name → kind, for clients the workspace already knows with a single kind."""
    seen: dict[str, set[str]] = defaultdict(set)
    for worker in workers:
        for placement in worker.placements:
            seen[fold(placement.client.name.strip())].add(placement.client.kind)
    return {name: next(iter(k)) for name, k in seen.items() if len(k) == 1}


def _kind(text: str, client: str, known: Mapping[str, str]) -> str:
    if not text:
        if fold(client) in known:
            return known[fold(client)]
        raise InputError(
            f"type de client manquant pour « {client} » : écrivez particulier, collectivite, "
            "association ou entreprise"
        )
    words = fold(text).split()
    kind = _KIND_WORDS.get(words[0]) if words else None
    if kind is None:
        raise InputError(f"type de client « {text} » inconnu : écrivez {', '.join(CLIENT_KINDS)}")
    return kind


def _day(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(str(value), what)


def _period(day: Any, start: Any, end: Any) -> tuple[dt.date, dt.date]:
    if start or end:
        if not (start and end):
            raise InputError("période incomplète : remplissez à la fois « debut » et « fin »")
        first, last = _day(start, "le début"), _day(end, "la fin")
        if day and _day(day, "la date") != first:
            raise InputError(
                "la date et le début diffèrent : remplissez soit « date », soit « debut » et "
                "« fin »"
            )
    elif day:
        first = last = _day(day, "la date")
    else:
        raise InputError("date manquante : remplissez « date », ou « debut » et « fin »")
    if last < first:
        raise InputError(
            f"la fin ({fr_date(last)}) est avant le début ({fr_date(first)}) : corrigez "
            "l'une des deux dates"
        )
    return first, last


def _hours(value: Any) -> float:
    if isinstance(value, bool):
        raise InputError(f"heures « {value} » invalides : écrivez un nombre d'heures")
    if isinstance(value, int | float):
        if not value > 0:
            raise InputError(f"heures « {value} » : un nombre d'heures doit être plus grand que 0")
        return round(float(value), 2)
    if isinstance(value, dt.time):  # a cell formatted as a duration, 03:30
        hours = value.hour + value.minute / 60
        if hours <= 0:
            raise InputError("heures « 00:00 » : un nombre d'heures doit être plus grand que 0")
        return round(hours, 2)
    if isinstance(value, dt.timedelta):
        return _hours(value.total_seconds() / 3600)
    if not str(value).strip():
        raise InputError("heures manquantes : écrivez le nombre d'heures travaillées")
    return parse_hours(str(value), "les heures")


# --- grouping -----------------------------------------------------------------------------------


@dataclass
class Draft:
    """A placement to add, built from consecutive rows of one worker at one client."""

    worker: str
    client: str
    client_kind: str
    start: dt.date
    end: dt.date
    rows: list[Row] = field(default_factory=list)

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(sorted(r.number for r in self.rows))

    @property
    def hours(self) -> float:
        return round(sum(r.hours for r in self.rows), 2)

    def task_entries(self) -> list[str | dict[str, Any]]:
        """Tasks as the worker file wants them (SPEC §5.3).

        A row's hours are split equally among its tasks. When every row names the same tasks,
        that split is what the placement's own rule gives, so the plain texts are enough;
        otherwise each task carries its hours (rounded down to the hundredth, so that their sum
        never exceeds the placement's hours).
        """
        texts: dict[str, str] = {}
        hours: dict[str, float] = defaultdict(float)
        for row in self.rows:
            for task in row.tasks:
                key = fold(task)
                texts.setdefault(key, task)
                hours[key] += row.hours / len(row.tasks)
        same = {frozenset(map(fold, r.tasks)) for r in self.rows}
        if len(same) == 1 and self.rows[0].tasks:
            return list(texts.values())
        entries: list[str | dict[str, Any]] = []
        for key, text in texts.items():
            share = math.floor(hours[key] * 100 + 1e-6) / 100
            if share > 0:
                entries.append({"task": text, "hours": number(share)})
        return entries

    def joined(self, name: str) -> str | None:
        """Tutor or service: every distinct value of the rows, in row order."""
        values = dict.fromkeys(v for r in self.rows if (v := getattr(r, name)))
        return ", ".join(values) or None


def group_rows(rows: Iterable[Row], max_gap_days: int) -> list[Draft]:
    """Consecutive rows of one worker at one client (same name, ignoring case and accents, and
    same kind) become one placement: a row is consecutive when it starts at most `max_gap_days`
    after the end of the rows before it. Drafts come by worker, then date."""
    by_client: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for row in rows:
        by_client[(row.worker, fold(row.client), row.client_kind)].append(row)
    drafts: list[Draft] = []
    gap = dt.timedelta(days=max_gap_days)
    for client_rows in by_client.values():
        current: Draft | None = None
        for row in sorted(client_rows, key=lambda r: (r.start, r.end, r.number)):
            if current is None or row.start > current.end + gap:
                current = Draft(row.worker, row.client, row.client_kind, row.start, row.end)
                drafts.append(current)
            current.end = max(current.end, row.end)
            current.rows.append(row)
    return sorted(drafts, key=lambda d: (d.worker, d.start, d.end, fold(d.client)))


# --- adding to the worker files -----------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    """A draft accepted into a worker file, with the entry written there."""

    draft: Draft
    entry: dict[str, Any]


@dataclass
class WorkerImport:
    """What an import does to one worker file."""

    worker: str
    old_text: str
    new_text: str
    added: list[Added] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    workers: list[WorkerImport]
    rejections: list[Rejection]
    already: list[Rejection] = field(default_factory=list)
    """Rows whose placement the worker file already holds (same client, dates and hours): an
    import run twice adds nothing the second time, and says so."""

    @property
    def changed(self) -> list[WorkerImport]:
        return [w for w in self.workers if w.added]


def plan_import(
    ws: Workspace,
    drafts: Sequence[Draft],
    texts: Mapping[str, str],
    rejections: Sequence[Rejection],
    today: dt.date,
) -> ImportPlan:
    """Add each draft to its worker's text, in date order, keeping only those that pass the
    rules of `portfolio check`; a refused draft becomes a rejection of its rows."""
    refused = list(rejections)
    already: list[Rejection] = []
    plans = []
    by_worker: dict[str, list[Draft]] = defaultdict(list)
    for draft in drafts:
        by_worker[draft.worker].append(draft)
    for stem, worker_drafts in by_worker.items():
        plan = WorkerImport(stem, texts[stem], texts[stem])
        plans.append(plan)
        errors = [i for i in current_issues(ws, stem, today) if i.is_error]
        if errors:
            numbers = tuple(n for d in worker_drafts for n in d.numbers)
            refused.append(
                Rejection(
                    numbers,
                    f"le fichier workers/{stem}.yaml contient déjà des erreurs : corrigez-les "
                    "d'abord (« portfolio check »)",
                )
            )
            continue
        ids = [p.id for p in ws.workers[stem].placements]
        for draft in worker_drafts:
            twin = _same_placement(ws.workers[stem], draft)
            if twin is not None:
                already.append(
                    Rejection(draft.numbers, f"déjà importé ({stem}, mise à disposition {twin})")
                )
                continue
            ident = next_placement_id(ids)
            entry = _entry(draft, ident, ws.workers[stem])
            try:
                text = append_entry(plan.new_text, "placements", entry)
            except InputError as exc:
                refused.append(Rejection(draft.numbers, f"workers/{stem}.yaml : {exc}"))
                continue
            verdict = check_updated_worker(ws, stem, text, today)
            if not verdict.accepted:
                reasons = " ; ".join(dict.fromkeys(i.message for i in verdict.errors))
                refused.append(
                    Rejection(
                        draft.numbers, f"{stem}, mise à disposition {ident} proposée : {reasons}"
                    )
                )
                continue
            ids.append(ident)
            plan.new_text = text
            plan.added.append(Added(draft, entry))
            plan.warnings = _warnings(verdict)
    return ImportPlan(
        plans, sorted(refused, key=lambda r: r.rows), sorted(already, key=lambda r: r.rows)
    )


def _same_placement(worker: Worker, draft: Draft) -> str | None:
    """The id of the worker's placement this draft would repeat, if any."""
    for placement in worker.placements:
        if (
            fold(placement.client.name.strip()) == fold(draft.client.strip())
            and (placement.start, placement.end) == (draft.start, draft.end)
            and abs(placement.hours - draft.hours) < 0.005
        ):
            return placement.id
    return None


def _warnings(verdict: Verdict) -> list[str]:
    return [i.message for i in verdict.new_warnings]


def _entry(draft: Draft, ident: str, worker: Worker) -> dict[str, Any]:
    # A client the worker already has keeps the spelling of the worker file.
    name = next(
        (
            p.client.name
            for p in worker.placements
            if fold(p.client.name.strip()) == fold(draft.client)
        ),
        draft.client,
    )
    return placement_entry(
        ident=ident,
        client=name,
        client_kind=draft.client_kind,
        start=draft.start,
        end=draft.end,
        hours=draft.hours,
        tutor=draft.joined("tutor"),
        service=draft.joined("service"),
        tasks=draft.task_entries(),
    )


def rows_text(numbers: Sequence[int]) -> str:
    """« ligne 4 », « lignes 4 à 6 », « lignes 2, 5 et 9 » (the rows as a spreadsheet shows)."""
    ordered = sorted(set(numbers))
    if len(ordered) == 1:
        return f"ligne {ordered[0]}"
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"lignes {ordered[0]} à {ordered[-1]}"
    return "lignes " + ", ".join(map(str, ordered[:-1])) + f" et {ordered[-1]}"


# --- telling what an import does ----------------------------------------------------------------


def _period_text(start: dt.date, end: dt.date) -> str:
    if start == end:
        return f"le {fr_date(start)}"
    return f"du {fr_date(start)} au {fr_date(end)}"


def worker_summary(ws: Workspace, change: WorkerImport) -> str:
    """What an import adds to one worker, one placement per line, with its source rows."""
    worker = ws.workers[change.worker]
    lines = [f"{change.worker} ({worker.display_name}) :"]
    for added in change.added:
        entry = added.entry
        tasks = [t if isinstance(t, str) else t["task"] for t in entry.get("tasks", [])]
        lines.append(
            f"  + {entry['id']} {entry['client']['name']} ({entry['client']['kind']}), "
            f"{_period_text(entry['start'], entry['end'])}, {message_hours(entry['hours'])}, "
            f"{rows_text(added.draft.numbers)}"
            + (f" ; tâches : {', '.join(tasks)}" if tasks else "")
        )
    lines += [f"  avertissement : {w}" for w in change.warnings]
    return "\n".join(lines)


def rows_count(rejections: Sequence[Rejection], verb: str) -> str:
    """« 1 ligne refusée », « 3 lignes ignorées »: the rows, counted once each."""
    count = len({n for r in rejections for n in r.rows})
    plural = "s" * (count > 1)
    return f"{count} ligne{plural} {verb}{plural}"


def placements_count(plan: ImportPlan) -> str:
    """« 6 mises à disposition pour 3 salariés », or « aucune mise à disposition »."""
    added = sum(len(c.added) for c in plan.changed)
    if not added:
        return "aucune mise à disposition"
    workers = len(plan.changed)
    return (
        f"{added} mise{'s' * (added > 1)} à disposition pour {workers} salarié{'s' * (workers > 1)}"
    )
