"""The training form (SPEC §11 `/salaries/{id}/formations/nouvelle`): a module attended, its
dates, hours and result, as `portfolio log training` records it.

A trainer records attendance of its own body's modules for a worker it knows only by the
pseudonymous id the association gives on the attendance sheet: the form shows that id, never the
worker's name, and offers its body's modules only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.status import HTTP_303_SEE_OTHER

from portfolio.app import access
from portfolio.app.recording import (
    Change,
    WorkerRecording,
    add_training,
    parse_worker_id,
    recording_in,
)
from portfolio.french import (
    RESULT_WORDS,
    RESULTS,
    InputError,
    fr_period,
    message_hours,
)
from portfolio.issues import PortfolioError
from portfolio.model.accounts import Account
from portfolio.record.queries import worker_ids
from portfolio.web import views
from portfolio.web.forms import (
    Choice,
    judge_field,
    read_date,
    read_hours,
    recorded,
    refusal,
    worker_recording,
)
from portfolio.web.pages import account, form_values, posted_form, saved, snapshot, today
from portfolio.web.server import render_page

LOOKUP_PATH = "/formations/saisie"
MAX_ID_TEXT = 100
"""A module id: a longer text is not one, and is not quoted back in the refusal."""
RESULT_CHOICES = (
    Choice("acquis", "acquis : la formation est réussie"),
    Choice("non-acquis", "non acquis : pas encore réussie"),
    Choice("en-cours", "en cours : la formation n'est pas finie"),
)


def form_path(stem: str) -> str:
    return f"/salaries/{stem}/formations/nouvelle"


@dataclass(frozen=True)
class ModuleGroup:
    """One training body's modules, as an `<optgroup>` of the module list."""

    label: str
    modules: tuple[Choice, ...]


@dataclass
class TrainingForm:
    """The training form of one worker: what it offers, what was typed, what was refused."""

    worker_id: str
    worker_name: str | None
    """None for an account that sees no worker by name (a trainer): the page shows the id."""
    groups: tuple[ModuleGroup, ...]
    results: tuple[Choice, ...]
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")


def training_form(
    rec: WorkerRecording, user: Account, values: Mapping[str, str] | None = None
) -> TrainingForm:
    """The form for `user`: the modules it may record (a trainer its body's only, by id, so
    that their order says nothing of the worker's aims), with what was typed when a refused
    POST re-shows it. An edit form passes the entry's values."""
    named = access.sees_worker(user, rec.worker)
    options = [(v, label) for v, label in rec.module_options() if access.records_module(user, v)]
    if not named:
        options.sort()
    bodies = {cat.body.id: cat.body.name for cat in rec.ws.catalogs}
    grouped: dict[str, list[Choice]] = {}
    for value, label in options:
        body = rec.ws.module_index[value][1].body.id
        grouped.setdefault(body, []).append(Choice(value, label))
    return TrainingForm(
        worker_id=rec.stem,
        worker_name=rec.worker.display_name if named else None,
        groups=tuple(
            ModuleGroup(bodies[body], tuple(grouped[body])) for body in bodies if body in grouped
        ),
        results=RESULT_CHOICES,
        values=dict(values or {}),
    )


@dataclass(frozen=True)
class TrainingInput:
    """A judged training form: the entry to record."""

    module: str
    start: dt.date
    end: dt.date | None
    hours: float
    result: str


def read_module(rec: WorkerRecording, user: Account, text: str) -> str:
    if not text.strip() or len(text) > MAX_ID_TEXT:
        raise InputError("choisissez le module suivi dans la liste")
    module = rec.require_module(text)
    if not access.records_module(user, module):
        raise InputError(
            f"le module « {module} » n'est pas un module de votre organisme ({user.body}) : "
            "choisissez l'un des vôtres dans la liste"
        )
    return module


def read_end(rec: WorkerRecording, start: dt.date | None, text: str) -> dt.date | None:
    """The last day, None for a one-day training (SPEC: `end` defaults to `start`)."""
    if not text.strip():
        return None
    return rec.require_end(start, read_date(text, "le dernier jour de la formation"))


def read_attended_hours(rec: WorkerRecording, module: str | None, text: str) -> float:
    """The hours attended, by default the module's hours in its catalogue."""
    typed = text.strip() or (rec.default_hours(module) if module else None) or ""
    return read_hours(typed, "les heures suivies")


def read_result(text: str) -> str:
    if text not in RESULTS:
        raise InputError("choisissez le résultat : acquis, non acquis ou en cours")
    return text


def read_training(rec: WorkerRecording, user: Account, form: TrainingForm) -> TrainingInput | None:
    """Judge every field (all of them, so that every refusal shows at once); None when one is
    refused, with `form.errors` saying why, next to each field."""
    values, errors = form.values, form.errors
    module = judge_field(errors, "module", lambda: read_module(rec, user, values.get("module", "")))
    start = judge_field(
        errors,
        "start",
        lambda: read_date(values.get("start", ""), "le premier jour de la formation"),
    )
    end = judge_field(
        errors,
        "end",
        lambda: read_end(rec, start, values.get("end", "")),  # type: ignore[arg-type]
    )
    hours = judge_field(
        errors,
        "hours",
        lambda: read_attended_hours(rec, module, values.get("hours", "")),  # type: ignore[arg-type]
    )
    result = judge_field(errors, "result", lambda: read_result(values.get("result", "")))
    if errors:
        return None
    return TrainingInput(module, start, end, hours, result)  # type: ignore[arg-type]


def save_training(rec: WorkerRecording, judged: TrainingInput, login: str) -> Change:
    """Record the training, with one journal line signed by `login`."""
    return add_training(
        rec,
        module=judged.module,
        start=judged.start,
        end=judged.end,
        hours=judged.hours,
        result=judged.result,
        actor=login,
    )


def attendance_said(rec: WorkerRecording, judged: TrainingInput) -> str:
    """What a trainer's save recorded, naming the worker by id only."""
    period = fr_period(judged.start, judged.end or judged.start)
    title = rec.ws.module_index[judged.module][0].title
    return (
        f"Présence enregistrée pour le salarié {rec.stem} : « {title} » ({judged.module}), "
        f"{period}, {message_hours(judged.hours)}, résultat « {RESULT_WORDS[judged.result]} »."
    )


def _trainer_recording(request: Request) -> WorkerRecording:
    """A worker's file opened for a trainer, by its id alone: the trainer sees no worker, but
    records attendance of anyone on its sheet (404 for an id that names no file)."""
    snap = snapshot(request)
    stem = request.path_params["worker_id"]
    if stem not in worker_ids(snap.ws):
        raise HTTPException(404)
    try:
        if stem not in snap.ws.workers:  # a file that cannot be read
            raise PortfolioError(f"workers/{stem}.yaml ne peut pas être lu")
        return recording_in(snap.ws, stem, today(request))
    except PortfolioError as exc:
        raise HTTPException(
            409,
            f"La fiche du salarié {stem} contient des erreurs que son association doit corriger "
            "d'abord : rien n'a été écrit. Prévenez-la.",
        ) from exc


async def _recording(request: Request) -> WorkerRecording:
    if account(request).role == access.TRAINER:
        return await run_in_threadpool(_trainer_recording, request)
    return await worker_recording(request)


def _title(form: TrainingForm) -> str:
    if form.worker_name is None:
        return f"Noter une présence — salarié {form.worker_id}"
    return f"Nouvelle formation suivie — {form.worker_name}"


async def training_page(request: Request) -> Response:
    rec = await _recording(request)
    form = training_form(rec, account(request))
    return render_page(request, "training_form.html.j2", title=_title(form), form=form)


async def training_post(request: Request) -> Response:
    posted = await posted_form(request, request.state.csrf)
    rec = await _recording(request)
    user = account(request)
    form = training_form(rec, user, form_values(posted))
    judged = read_training(rec, user, form)
    if judged is not None:
        try:
            change = await run_in_threadpool(save_training, rec, judged, user.login)
        except PortfolioError as exc:
            form.errors["enregistrement"] = refusal(exc)
        else:
            if form.worker_name is None:
                text = attendance_said(rec, judged)
                return saved(request, form_path(rec.stem), text, "/", "Noter un autre salarié")
            return recorded(request, rec.stem, "formations", change)
    return render_page(
        request,
        "training_form.html.j2",
        status_code=400,
        title=f"{_title(form)} — à corriger",
        form=form,
    )


async def attendance_lookup(request: Request) -> Response:
    """The trainer's home asks for a worker id (a GET form, without JavaScript): on to that
    worker's training form, or back home saying what is wrong with the id."""
    user = account(request)
    if user.role != access.TRAINER:
        raise HTTPException(
            403,
            "Cette page sert aux organismes de formation : notez une formation depuis la "
            "page du salarié.",
        )
    typed = request.query_params.get("salarie", "")[:100]
    snap = snapshot(request)
    try:
        if not typed.strip():
            raise InputError("écrivez l'identifiant du salarié, par exemple w-0042")
        stem = parse_worker_id(typed)
        if stem not in worker_ids(snap.ws):
            raise InputError(
                f"aucun salarié n'a l'identifiant « {stem} » : vérifiez-le sur la feuille "
                "d'émargement, ou demandez-le à l'association"
            )
    except InputError as exc:
        return render_page(
            request,
            "trainer_home.html.j2",
            status_code=400,
            title="Accueil — à corriger",
            view=views.trainer_home(snap, user, today(request)),
            lookup_value=typed,
            lookup_error=str(exc),
        )
    return RedirectResponse(form_path(stem), status_code=HTTP_303_SEE_OTHER)


ROUTES = [
    Route(LOOKUP_PATH, attendance_lookup, methods=["GET"]),
    Route("/salaries/{worker_id}/formations/nouvelle", training_page, methods=["GET"]),
    Route("/salaries/{worker_id}/formations/nouvelle", training_post, methods=["POST"]),
]
