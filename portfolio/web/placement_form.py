"""The new placement form (SPEC §11 `/salaries/{id}/missions/nouvelle`): a client, dates, hours,
a tutor and task rows, each row with optional hours; the worker's task vocabulary is offered as
suggestions and « Vérifier les tâches » shows, before anything is saved, what each row resolves
to by the rules of SPEC §5 (« ménage des sols » → Faire le ménage du logement).

The form is built and judged by plain functions, so that the edit form of a placement shows the
same fields (`templates/web/_placement_fields.html.j2`) from an existing entry:
`placement_form(rec, entry_values(placement))`, then on its POST
`placement_form(rec, posted_values(posted))`, `form.step` (a preview or more rows: show the
form again, write nothing) and `read_placement(rec, form)`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portfolio.app.recording import Change, WorkerRecording, add_placement
from portfolio.french import (
    CLIENT_KINDS,
    InputError,
    fold,
    fr_date,
    message_hours,
    plural,
)
from portfolio.issues import PortfolioError
from portfolio.model.workspace import Placement
from portfolio.record.entries import number
from portfolio.record.queries import TaskMatch, match_task, targets_first
from portfolio.web.forms import (
    MAX_TEXT,
    Choice,
    judge_field,
    read_date,
    read_hours,
    read_note,
    read_text,
    recorded,
    refusal,
    worker_recording,
)
from portfolio.web.pages import account, form_values, posted_form
from portfolio.web.server import render_page

DEFAULT_ROWS = 5
"""Empty task rows offered at first; « Ajouter des lignes » adds `ADDED_ROWS` more."""
ADDED_ROWS = 5
MAX_TASK_ROWS = 40
MAX_PLACEMENT_FIELDS = 2 * MAX_TASK_ROWS + 20
"""Two fields per task row, the placement's own fields, the token and the button."""

PREVIEW = "verifier"
"""The `action` of « Vérifier les tâches »: the form comes back with each row's match."""
MORE_ROWS = "lignes"
"""The `action` of « Ajouter des lignes »: the form comes back with more empty task rows."""

KIND_CHOICES = (
    Choice("particulier", "particulier"),
    Choice("collectivite", "collectivité"),
    Choice("association", "association"),
    Choice("entreprise", "entreprise"),
)
"""The client kinds of SPEC §4 (values as the YAML files write them)."""

Values = Mapping[str, str | Sequence[str]]
"""What the form shows: one text per field, and one text per row for `tasks` and `task_hours`."""


@dataclass(frozen=True)
class TaskRow:
    """One task row: the text typed, its optional hours, and what the text resolves to."""

    number: int
    text: str
    hours: str
    match: TaskMatch | None = None

    @property
    def task_field(self) -> str:
        """The key of this row's text in `PlacementForm.errors` (and its element ids)."""
        return f"tasks-{self.number}"

    @property
    def hours_field(self) -> str:
        return f"task_hours-{self.number}"


@dataclass
class PlacementForm:
    """The placement form of one worker: what it offers, what was typed, what was refused."""

    worker_id: str
    worker_name: str
    clients: tuple[Choice, ...]
    kinds: tuple[Choice, ...]
    task_labels: tuple[str, ...]
    tutors: tuple[str, ...]
    rows: tuple[TaskRow, ...]
    step: str | None = None
    """`PREVIEW` or `MORE_ROWS` when a button asked to see the form again; None to save."""
    previous_tutor: str | None = None
    """The tutor of the worker's latest placement at the client typed, as a hint."""
    first_new_row: int | None = None
    """The number of the first row « Ajouter des lignes » added, which receives the focus."""
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def matched(self) -> tuple[TaskRow, ...]:
        """The rows whose match is shown."""
        return tuple(row for row in self.rows if row.match is not None)

    @property
    def match_summary(self) -> str:
        """One sentence on the whole preview, for the live region."""
        rows = self.matched
        if not rows:
            return ""
        found = sum(1 for row in rows if row.match and row.match.tasks)
        missing = len(rows) - found
        parts = [plural(found, "reconnue")]
        if missing:
            parts.append(f"{missing} sans correspondance")
        total = plural(len(rows), "tâche vérifiée", "tâches vérifiées")
        return f"{total} : {', '.join(parts)}."


def _listed(values: Values, name: str) -> list[str]:
    value = values.get(name, ())
    return [value] if isinstance(value, str) else list(value)


def posted_values(posted: FormData) -> dict[str, str | list[str]]:
    """The posted fields: the repeated `tasks` and `task_hours` as lists, row by row (SPEC §11
    field names); any other field keeps its last value."""
    values: dict[str, str | list[str]] = dict(form_values(posted))
    for name in ("tasks", "task_hours"):
        values[name] = [v for v in posted.getlist(name) if isinstance(v, str)]
    return values


def hours_text(hours: float) -> str:
    """Hours as a French user types them: 7,5 rather than 7.5."""
    return str(number(hours)).replace(".", ",")


def entry_values(placement: Placement) -> dict[str, str | list[str]]:
    """The form's values from an existing placement (for its edit form)."""
    return {
        "client": placement.client.name,
        "kind": placement.client.kind,
        "start": fr_date(placement.start),
        "end": fr_date(placement.end),
        "hours": hours_text(placement.hours),
        "tutor": placement.tutor or "",
        "service": placement.service or "",
        "note": placement.note or "",
        "tasks": [entry.task for entry in placement.tasks],
        "task_hours": [
            hours_text(entry.hours) if entry.hours is not None else "" for entry in placement.tasks
        ],
    }


def placement_form(rec: WorkerRecording, values: Values | None = None) -> PlacementForm:
    """The empty form, or the one shown again with `values` (a preview, more rows, a refused
    POST, an existing entry): the kind of a known client is filled in when none was chosen, and
    every filled task row says what it resolves to."""
    worker = rec.worker
    typed = {k: v for k, v in (values or {}).items() if isinstance(v, str)}
    step = typed.get("action") if typed.get("action") in (PREVIEW, MORE_ROWS) else None
    client = " ".join(typed.get("client", "").split())
    if client and not typed.get("kind"):
        typed["kind"] = rec.known_client_kind(client) or ""
    pairs = [
        (text, hours)
        for text, hours in zip_longest(
            _listed(values or {}, "tasks"), _listed(values or {}, "task_hours"), fillvalue=""
        )
        if text.strip() or hours.strip()
    ]
    rows = [TaskRow(n, text, hours, _match(rec, text)) for n, (text, hours) in enumerate(pairs, 1)]
    wanted = max(DEFAULT_ROWS, len(rows) + 1) + (ADDED_ROWS if step == MORE_ROWS else 0)
    first_new = len(rows) + 1
    rows += [TaskRow(n, "", "") for n in range(len(rows) + 1, min(wanted, MAX_TASK_ROWS) + 1)]
    return PlacementForm(
        worker_id=rec.stem,
        worker_name=worker.display_name,
        clients=tuple(Choice(name, label) for name, label in rec.client_options()),
        kinds=KIND_CHOICES,
        task_labels=tuple(
            dict.fromkeys(task.label for ref in targets_first(rec.ws, worker) for task in ref.tasks)
        ),
        tutors=tuple(dict.fromkeys(p.tutor for p in reversed(worker.placements) if p.tutor)),
        rows=tuple(rows),
        step=step,
        previous_tutor=rec.previous_tutor(client) if client else None,
        first_new_row=first_new if step == MORE_ROWS and first_new <= len(rows) else None,
        values=typed,
    )


def _match(rec: WorkerRecording, text: str) -> TaskMatch | None:
    """What a row's text resolves to; None for an empty row or a text refused anyway."""
    value = " ".join(text.split())
    if not value or len(value) > MAX_TEXT:
        return None
    return match_task(rec.ws, rec.worker, value)


@dataclass(frozen=True)
class PlacementInput:
    """A judged placement form: what to record."""

    client: str
    kind: str
    start: dt.date
    end: dt.date
    hours: float
    tutor: str | None
    service: str | None
    note: str | None
    tasks: tuple[str | dict[str, Any], ...]
    """As SPEC §4 writes them: the text alone, or `{task:, hours:}` when hours were given."""


def _required(text: str, what: str) -> str:
    return read_text(text, what)


def _optional(text: str, what: str) -> str | None:
    return read_text(text, what) if text.strip() else None


def _kind(text: str, known: str | None) -> str:
    """A kind of SPEC §4, typed with or without its accent; a known client's when none."""
    value = fold(text.strip())
    if value in CLIENT_KINDS:
        return value
    if not value and known:
        return known
    raise InputError(
        "choisissez le type de client : particulier, collectivité, association ou entreprise"
    )


def read_placement(rec: WorkerRecording, form: PlacementForm) -> PlacementInput | None:
    """Judge every field and every task row (all of them, so that every refusal shows at once);
    None when one is refused, with `form.errors` saying why, next to each field."""
    values, errors = form.values, form.errors
    client = judge_field(
        errors, "client", lambda: _required(values.get("client", ""), "le nom du client")
    )
    kind = judge_field(
        errors,
        "kind",
        lambda: _kind(values.get("kind", ""), rec.known_client_kind(client)),  # type: ignore[arg-type]
    )
    start = judge_field(
        errors, "start", lambda: read_date(values.get("start", ""), "le premier jour")
    )
    end = judge_field(
        errors,
        "end",
        lambda: rec.require_end(
            start,  # type: ignore[arg-type]
            read_date(values.get("end", ""), "le dernier jour"),
        ),
    )
    hours = judge_field(
        errors, "hours", lambda: read_hours(values.get("hours", ""), "les heures travaillées")
    )
    tutor = judge_field(
        errors,
        "tutor",
        lambda: _optional(values.get("tutor", ""), "le nom du tuteur ou de la tutrice"),
    )
    service = judge_field(
        errors, "service", lambda: _optional(values.get("service", ""), "le service")
    )
    note = judge_field(errors, "note", lambda: read_note(values.get("note", "")))
    tasks: list[str | dict[str, Any]] = []
    explicit = 0.0
    for row in form.rows:
        if not row.text.strip() and not row.hours.strip():
            continue
        text = judge_field(errors, row.task_field, lambda row=row: _task_text(row))
        worked = (
            judge_field(
                errors,
                row.hours_field,
                lambda row=row: read_hours(row.hours, f"les heures de la tâche {row.number}"),
            )
            if row.hours.strip()
            else None
        )
        if isinstance(worked, float):
            explicit += worked
        if isinstance(text, str):
            tasks.append({"task": text, "hours": number(worked)} if worked else text)
    if isinstance(hours, float) and explicit > hours + 1e-9:
        errors["task_hours"] = (
            f"les heures des tâches ({message_hours(number(explicit))}) dépassent celles de la "
            f"mise à disposition ({message_hours(hours)}) : corrigez l'un ou l'autre"
        )
    if errors:
        return None
    return PlacementInput(
        client=client,  # type: ignore[arg-type]
        kind=kind,  # type: ignore[arg-type]
        start=start,  # type: ignore[arg-type]
        end=end,  # type: ignore[arg-type]
        hours=hours,  # type: ignore[arg-type]
        tutor=tutor,  # type: ignore[arg-type]
        service=service,  # type: ignore[arg-type]
        note=note,  # type: ignore[arg-type]
        tasks=tuple(tasks),
    )


def _task_text(row: TaskRow) -> str:
    if not row.text.strip():
        raise InputError(
            f"la ligne {row.number} a des heures mais pas de tâche : écrivez la tâche, "
            "ou effacez ses heures"
        )
    return _required(row.text, f"la tâche {row.number}")


def save_placement(rec: WorkerRecording, judged: PlacementInput, login: str) -> Change:
    """Record the placement with the next free id, in one write with its journal line signed
    by `login`; the application refuses what `portfolio check` would (an overlap at the same
    client, more than 24 h a day)."""
    return add_placement(
        rec,
        client=judged.client,
        client_kind=judged.kind,
        start=judged.start,
        end=judged.end,
        hours=judged.hours,
        tutor=judged.tutor,
        service=judged.service,
        tasks=judged.tasks,
        note=judged.note,
        actor=login,
    )


TEMPLATE = "placement_form.html.j2"


async def placement_page(request: Request) -> Response:
    rec = await worker_recording(request)
    form = await run_in_threadpool(placement_form, rec)
    return render_page(request, TEMPLATE, title="Nouvelle mise à disposition", form=form)


async def placement_post(request: Request) -> Response:
    posted = await posted_form(request, request.state.csrf, MAX_PLACEMENT_FIELDS)
    rec = await worker_recording(request)
    form = await run_in_threadpool(placement_form, rec, posted_values(posted))
    if form.step is not None:
        title = "Nouvelle mise à disposition — tâches vérifiées" if form.step == PREVIEW else None
        return render_page(
            request, TEMPLATE, title=title or "Nouvelle mise à disposition", form=form
        )
    judged = read_placement(rec, form)
    if judged is not None:
        login = account(request).login
        try:
            change = await run_in_threadpool(save_placement, rec, judged, login)
        except PortfolioError as exc:
            form.errors["enregistrement"] = refusal(exc)
        else:
            return recorded(request, rec.stem, "missions", change)
    return render_page(
        request,
        TEMPLATE,
        status_code=400,
        title="Nouvelle mise à disposition — à corriger",
        form=form,
    )


ROUTES = [
    Route("/salaries/{worker_id}/missions/nouvelle", placement_page, methods=["GET"]),
    Route("/salaries/{worker_id}/missions/nouvelle", placement_post, methods=["POST"]),
]
