"""Editing and deleting an entry from the worker page (SPEC §11): a placement, an observation or
a training, each form carrying the version of the file it was read from.

When the file changed since the form was opened (a colleague saved first, someone edited the
file by hand), nothing is written: the form comes back with status 409, the entry as it now
reads next to what was typed, and the journal lines written since, so that the user sees the
other change before deciding. The form then carries the new version: sending it again writes
what was typed over the entry as it now reads, knowingly.

A placement and a training are edited with the fields of their add forms
(`placement_form.py`, `training_form.py`); an observation has its own form here, one
competency and one level (the add form records several at once)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portfolio.app.recording import (
    Entry,
    EntryNotFound,
    OpenedEntry,
    Section,
    VersionConflict,
    WorkerRecording,
    delete_entry,
    edit_entry,
    open_entry,
)
from portfolio.french import LEVEL_WORDS, RESULT_WORDS, InputError, fr_date
from portfolio.issues import PortfolioError
from portfolio.journal import TIME_FORMAT
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Observation, Placement, Training
from portfolio.record.entries import observation_entry, placement_entry, training_entry
from portfolio.record.queries import targets_first
from portfolio.web import placement_form as placements
from portfolio.web import training_form as trainings
from portfolio.web.forms import (
    Choice,
    judge_field,
    recorded,
    refusal,
    worker_recording,
)
from portfolio.web.observation_form import ROLE_CHOICES, read_circumstances
from portfolio.web.pages import account, form_values, posted_form
from portfolio.web.server import render_page
from portfolio.web.views import HistoryLine, history_lines

MAX_VERSION = 64
"""A version is 16 hexadecimal digits: a longer posted text is cut before it is compared."""
MAX_SMALL_FORM_FIELDS = 20


@dataclass(frozen=True)
class Kind:
    """One kind of entry as the pages name it."""

    path: str
    """The URL segment: /salaries/{id}/<path>/{position}/modifier."""
    section: Section
    anchor: str
    """Where the worker page lists them."""
    noun: str
    """« la mission p2 », « l'observation n° 3 »: `noun.format(position)`."""


PLACEMENTS = Kind("missions", "placements", "missions", "la mission {}")
OBSERVATIONS = Kind("observations", "observations", "observations", "l'observation n° {}")
TRAININGS = Kind("formations", "trainings", "formations", "la formation n° {}")


# --- the observation edit form ------------------------------------------------------------------


@dataclass(frozen=True)
class CompetencyGroup:
    label: str
    choices: tuple[Choice, ...]


@dataclass
class ObservationEditForm:
    """One observation: who saw which competency at which level, when, during which
    placement."""

    worker_id: str
    worker_name: str
    placements: tuple[Choice, ...]
    roles: tuple[Choice, ...]
    levels: tuple[Choice, ...]
    groups: tuple[CompetencyGroup, ...]
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def competency_ids(self) -> set[str]:
        return {choice.value for group in self.groups for choice in group.choices}


def observation_values(observation: Observation) -> dict[str, str]:
    return {
        "date": fr_date(observation.date),
        "by": observation.by,
        "role": observation.role,
        "placement": observation.placement or "",
        "competency": observation.competency,
        "level": str(observation.level),
        "note": observation.note or "",
    }


def observation_edit_form(rec: WorkerRecording, values: Mapping[str, str]) -> ObservationEditForm:
    """The form with the competencies of the worker's référentiels by block; the observed one
    is offered even when it is no longer among them, so that an edit never changes it
    unseen."""
    worker = rec.worker
    groups = [
        CompetencyGroup(
            f"{ref.title} — {block.title}",
            tuple(
                Choice(
                    ref.full_id(block, comp),
                    f"{comp.plain or comp.title} ({ref.full_id(block, comp)})",
                )
                for comp in block.competencies
            ),
        )
        for ref in targets_first(rec.ws, worker)
        for block in ref.blocks
    ]
    form = ObservationEditForm(
        worker_id=rec.stem,
        worker_name=worker.display_name,
        placements=tuple(
            Choice(p.id, f"{p.id} : {p.client.name}, du {fr_date(p.start)} au {fr_date(p.end)}")
            for p in worker.placements
        ),
        roles=ROLE_CHOICES,
        levels=tuple(Choice(str(n), f"{n} — {word}") for n, word in LEVEL_WORDS.items()),
        groups=tuple(groups),
        values=dict(values),
    )
    current = values.get("competency", "")
    if current and current not in form.competency_ids and current in rec.ws.competency_index:
        form.groups += (CompetencyGroup("Autre compétence", (Choice(current, current),)),)
    return form


def _competency(form: ObservationEditForm, text: str) -> str:
    if text not in form.competency_ids:
        raise InputError("choisissez la compétence observée dans la liste")
    return text


def _level(text: str) -> int:
    if text not in {str(n) for n in LEVEL_WORDS}:
        raise InputError("choisissez le niveau observé, de 1 à 4")
    return int(text)


def read_observation_edit(rec: WorkerRecording, form: ObservationEditForm) -> dict[str, Any] | None:
    """Judge every field at once; the observation entry, or None with `form.errors` set."""
    values, errors = form.values, form.errors
    day, by, role, placement, note = read_circumstances(rec, values, errors)
    competency = judge_field(
        errors, "competency", lambda: _competency(form, values.get("competency", ""))
    )
    level = judge_field(errors, "level", lambda: _level(values.get("level", "")))
    if errors:
        return None
    return observation_entry(
        day=day,  # type: ignore[arg-type]
        by=by,  # type: ignore[arg-type]
        role=role,  # type: ignore[arg-type]
        competency=competency,  # type: ignore[arg-type]
        level=level,  # type: ignore[arg-type]
        placement=placement,  # type: ignore[arg-type]
        note=note,  # type: ignore[arg-type]
    )


# --- the forms of each kind ---------------------------------------------------------------------


def training_values(training: Training) -> dict[str, str]:
    return {
        "module": training.module,
        "start": fr_date(training.start),
        "end": fr_date(training.end) if training.end else "",
        "hours": placements.hours_text(training.hours),
        "result": training.result,
    }


Form = placements.PlacementForm | trainings.TrainingForm | ObservationEditForm


def _entry_form(request: Request, rec: WorkerRecording, kind: Kind, values: Any) -> Form:
    if kind is PLACEMENTS:
        return placements.placement_form(rec, values)
    if kind is TRAININGS:
        return trainings.training_form(rec, account(request), values)
    return observation_edit_form(rec, values)


def _opened_values(entry: Entry) -> Mapping[str, Any]:
    if isinstance(entry, Placement):
        return placements.entry_values(entry)
    if isinstance(entry, Training):
        return training_values(entry)
    return observation_values(entry)


def _posted_values(kind: Kind, posted: FormData) -> Mapping[str, Any]:
    return placements.posted_values(posted) if kind is PLACEMENTS else form_values(posted)


def _judged_entry(
    request: Request, rec: WorkerRecording, kind: Kind, form: Form, position: str
) -> dict[str, Any] | None:
    """The entry the form makes, every field judged; None when one is refused. A placement
    keeps its id and the fields its form does not show (its means)."""
    if isinstance(form, placements.PlacementForm):
        judged = placements.read_placement(rec, form)
        if judged is None:
            return None
        try:
            means = open_entry(rec, "placements", position).entry.means  # type: ignore[union-attr]
        except EntryNotFound:  # gone since: the edit is a version conflict
            means = []
        return placement_entry(
            ident=position,
            client=judged.client,
            client_kind=judged.kind,
            start=judged.start,
            end=judged.end,
            hours=judged.hours,
            tutor=judged.tutor,
            service=judged.service,
            tasks=judged.tasks,
            means=means,
            note=judged.note,
        )
    if isinstance(form, trainings.TrainingForm):
        training = trainings.read_training(rec, account(request), form)
        if training is None:
            return None
        return training_entry(
            module=training.module,
            start=training.start,
            end=training.end,
            hours=training.hours,
            result=training.result,
        )
    return read_observation_edit(rec, form)


# --- what changed -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    now: str
    typed: str | None
    """What the user typed; None on a deletion page, which types nothing."""

    @property
    def differs(self) -> bool:
        return self.typed is not None and self.typed != self.now


@dataclass(frozen=True)
class Conflict:
    """What a 409 shows: the entry as it now reads (None: deleted since), the journal lines
    written since the form was opened."""

    fields: tuple[FieldChange, ...] | None
    lines: tuple[HistoryLine, ...]


FIELD_LABELS: dict[str, tuple[tuple[str, str], ...]] = {
    "placements": (
        ("client", "Client"),
        ("kind", "Type de client"),
        ("start", "Premier jour"),
        ("end", "Dernier jour"),
        ("hours", "Heures"),
        ("tutor", "Tuteur ou tutrice"),
        ("service", "Service"),
        ("tasks", "Tâches"),
        ("note", "Note"),
    ),
    "observations": (
        ("date", "Date"),
        ("by", "Observé par"),
        ("role", "Rôle"),
        ("placement", "Mission"),
        ("competency", "Compétence"),
        ("level", "Niveau"),
        ("note", "Note"),
    ),
    "trainings": (
        ("module", "Module"),
        ("start", "Premier jour"),
        ("end", "Dernier jour"),
        ("hours", "Heures"),
        ("result", "Résultat"),
    ),
}


def _shown(ws: Workspace, name: str, value: Any) -> str:
    """A field's value as the pages show it: tasks on one line with their hours, words for a
    competency, a level or a result."""
    if name == "tasks":
        return value if isinstance(value, str) else " ; ".join(value)
    text = str(value or "").strip()
    if name == "competency" and text in ws.competency_index:
        competency = ws.competency_index[text].competency
        return f"{competency.plain or competency.title} ({text})"
    if name == "level" and text.isdigit() and int(text) in LEVEL_WORDS:
        return f"{text} — {LEVEL_WORDS[int(text)]}"
    if name == "result":
        return RESULT_WORDS.get(text, text)
    return text or "—"


def _tasks(texts: Sequence[str], hours: Sequence[str]) -> list[str]:
    return [
        f"{text.strip()} ({hour.strip()} h)" if hour.strip() else text.strip()
        for text, hour in zip(texts, [*hours, *[""] * len(texts)], strict=False)
        if text.strip()
    ]


def _field_values(ws: Workspace, section: Section, values: Mapping[str, Any]) -> dict[str, str]:
    shown = dict(values)
    if section == "placements":
        shown["tasks"] = _tasks(values.get("tasks", []), values.get("task_hours", []))
    return {name: _shown(ws, name, shown.get(name, "")) for name, _ in FIELD_LABELS[section]}


def _typed_values(form: Form) -> Mapping[str, Any]:
    if isinstance(form, placements.PlacementForm):
        rows = [row for row in form.rows if row.text.strip()]
        return {
            **form.values,
            "tasks": [row.text for row in rows],
            "task_hours": [row.hours for row in rows],
        }
    return form.values


def entry_fields(
    ws: Workspace, section: Section, entry: Entry, typed: Mapping[str, Any] | None = None
) -> tuple[FieldChange, ...]:
    """The entry's fields with French labels, next to what was typed when given."""
    now = _field_values(ws, section, _opened_values(entry))
    mine = _field_values(ws, section, typed) if typed is not None else None
    return tuple(
        FieldChange(label, now[name], mine[name] if mine is not None else None)
        for name, label in FIELD_LABELS[section]
    )


def _conflict(
    ws: Workspace, section: Section, exc: VersionConflict, typed: Mapping[str, Any] | None
) -> Conflict:
    fields = None if exc.current is None else entry_fields(ws, section, exc.current, typed)
    return Conflict(fields, history_lines(exc.lines))


# --- pages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditPage:
    """What the edit and delete pages share: which entry, which version, what changed."""

    kind: Kind
    worker_id: str
    worker_name: str
    position: str
    version: str
    opened: str
    """When the form was opened (UTC), to show on a conflict the journal lines since."""
    conflict: Conflict | None = None
    fields: tuple[FieldChange, ...] = ()
    """The entry's fields, on the delete page."""

    @property
    def noun(self) -> str:
        return self.kind.noun.format(self.position)

    @property
    def base(self) -> str:
        return f"/salaries/{self.worker_id}/{self.kind.path}/{self.position}"

    @property
    def edit_path(self) -> str:
        return f"{self.base}/modifier"

    @property
    def delete_path(self) -> str:
        return f"{self.base}/supprimer"

    @property
    def back(self) -> str:
        return f"/salaries/{self.worker_id}#{self.kind.anchor}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime(TIME_FORMAT)


def _since(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text[:20], TIME_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _position(request: Request) -> str:
    return str(request.path_params["position"])[:64]


def _open(rec: WorkerRecording, kind: Kind, position: str) -> OpenedEntry:
    """The entry the URL names; 404 when it is not in the file."""
    try:
        return open_entry(rec, kind.section, position)
    except EntryNotFound as exc:
        raise HTTPException(404, str(exc)) from exc


def _page(rec: WorkerRecording, kind: Kind, position: str, version: str, **more: Any) -> EditPage:
    return EditPage(kind, rec.stem, rec.worker.display_name, position, version, _now(), **more)


def _title(page: EditPage, prefix: str, suffix: str = "") -> str:
    return f"{prefix} {page.noun} — {page.worker_name}{suffix}"


def _render_edit(
    request: Request, page: EditPage, form: Form, status_code: int = 200, suffix: str = ""
) -> Response:
    return render_page(
        request,
        "entry_edit.html.j2",
        status_code=status_code,
        title=_title(page, "Modifier", suffix),
        page=page,
        form=form,
    )


def _render_delete(
    request: Request, page: EditPage, status_code: int = 200, refused: str = "", suffix: str = ""
) -> Response:
    return render_page(
        request,
        "entry_delete.html.j2",
        status_code=status_code,
        title=_title(page, "Supprimer", suffix),
        page=page,
        refused=refused,
    )


def _max_fields(kind: Kind) -> int:
    return placements.MAX_PLACEMENT_FIELDS + 2 if kind is PLACEMENTS else MAX_SMALL_FORM_FIELDS


Endpoint = Callable[[Request], Awaitable[Response]]


def _endpoints(kind: Kind) -> tuple[Endpoint, Endpoint, Endpoint, Endpoint]:
    """The edit form, its POST, the delete confirmation and its POST of one kind of entry."""

    async def edit_page(request: Request) -> Response:
        rec = await worker_recording(request)
        position = _position(request)
        opened = await run_in_threadpool(_open, rec, kind, position)
        values = _opened_values(opened.entry)
        form = await run_in_threadpool(_entry_form, request, rec, kind, values)
        return _render_edit(request, _page(rec, kind, position, opened.version), form)

    async def edit_post(request: Request) -> Response:
        posted = await posted_form(request, request.state.csrf, _max_fields(kind))
        rec = await worker_recording(request)
        position = _position(request)
        version = str(posted.get("version") or "")[:MAX_VERSION]
        since = _since(str(posted.get("opened") or ""))
        form = await run_in_threadpool(
            _entry_form, request, rec, kind, _posted_values(kind, posted)
        )
        page = EditPage(kind, rec.stem, rec.worker.display_name, position, version, _now())
        if isinstance(form, placements.PlacementForm) and form.step is not None:
            return _render_edit(request, page, form)
        entry = await run_in_threadpool(_judged_entry, request, rec, kind, form, position)
        if entry is not None:
            login = account(request).login
            try:
                change = await run_in_threadpool(
                    edit_entry, rec, kind.section, position, entry, version, login, since
                )
            except VersionConflict as exc:
                conflict = _conflict(rec.ws, kind.section, exc, _typed_values(form))
                page = _page(rec, kind, position, exc.version, conflict=conflict)
                return _render_edit(request, page, form, 409, " — modifié entre-temps")
            except EntryNotFound as exc:
                raise HTTPException(404, str(exc)) from exc
            except PortfolioError as exc:
                form.errors["enregistrement"] = refusal(exc)
            else:
                return recorded(request, rec.stem, kind.anchor, change)
        return _render_edit(request, page, form, 400, " — à corriger")

    async def delete_page(request: Request) -> Response:
        rec = await worker_recording(request)
        position = _position(request)
        opened = await run_in_threadpool(_open, rec, kind, position)
        fields = entry_fields(rec.ws, kind.section, opened.entry)
        return _render_delete(request, _page(rec, kind, position, opened.version, fields=fields))

    async def delete_post(request: Request) -> Response:
        posted = await posted_form(request, request.state.csrf, MAX_SMALL_FORM_FIELDS)
        rec = await worker_recording(request)
        position = _position(request)
        version = str(posted.get("version") or "")[:MAX_VERSION]
        since = _since(str(posted.get("opened") or ""))
        login = account(request).login
        try:
            change = await run_in_threadpool(
                delete_entry, rec, kind.section, position, version, login, since
            )
        except VersionConflict as exc:
            conflict = _conflict(rec.ws, kind.section, exc, None)
            page = _page(rec, kind, position, exc.version, conflict=conflict)
            return _render_delete(request, page, 409, suffix=" — modifié entre-temps")
        except EntryNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except PortfolioError as exc:
            opened = await run_in_threadpool(_open, rec, kind, position)
            fields = entry_fields(rec.ws, kind.section, opened.entry)
            page = _page(rec, kind, position, opened.version, fields=fields)
            return _render_delete(request, page, 400, refusal(exc), " — refusé")
        return recorded(request, rec.stem, kind.anchor, change)

    return edit_page, edit_post, delete_page, delete_post


def _routes(kind: Kind) -> list[Route]:
    edit_page, edit_post, delete_page, delete_post = _endpoints(kind)
    base = f"/salaries/{{worker_id}}/{kind.path}/{{position}}"
    return [
        Route(f"{base}/modifier", edit_page, methods=["GET"]),
        Route(f"{base}/modifier", edit_post, methods=["POST"]),
        Route(f"{base}/supprimer", delete_page, methods=["GET"]),
        Route(f"{base}/supprimer", delete_post, methods=["POST"]),
    ]


ROUTES = [*_routes(PLACEMENTS), *_routes(OBSERVATIONS), *_routes(TRAININGS)]
