"""The observation form (SPEC §11 `/salaries/{id}/observations/nouvelle`): the worker's
competencies grouped by block, one radio group of levels 1–4 per competency with its plain
wording; all the levels chosen are recorded in one write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portfolio.app.recording import Change, NewObservation, WorkerRecording, add_observations
from portfolio.french import LEVEL_WORDS, fr_date, parse_role
from portfolio.issues import PortfolioError
from portfolio.record.queries import targets_first
from portfolio.web.forms import (
    Choice,
    judge_field,
    read_date,
    read_note,
    read_text,
    recorded,
    refusal,
    worker_recording,
)
from portfolio.web.pages import MAX_OBSERVATION_FIELDS, account, form_values, posted_form
from portfolio.web.server import render_page

LEVEL_PREFIX = "level:"


@dataclass(frozen=True)
class CompetencyField:
    id: str
    name: str
    """The form field: `level:<competency id>` (SPEC §11)."""
    plain: str
    title: str
    value: str


@dataclass(frozen=True)
class BlockFields:
    title: str
    competencies: tuple[CompetencyField, ...]


@dataclass
class ObservationForm:
    """The observation form of one worker: what it offers, what was typed, what was refused."""

    worker_id: str
    worker_name: str
    placements: tuple[Choice, ...]
    roles: tuple[Choice, ...]
    levels: tuple[Choice, ...]
    blocks: tuple[BlockFields, ...]
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")


ROLE_CHOICES = (
    Choice("tuteur", "tuteur ou tutrice"),
    Choice("conseiller", "conseiller ou conseillère"),
    Choice("formateur", "formateur ou formatrice"),
)


def observation_form(
    rec: WorkerRecording, values: Mapping[str, str] | None = None
) -> ObservationForm:
    """The empty form (today's date, the last placement), or the one a refused POST re-shows."""
    worker = rec.worker
    typed = dict(values or {})
    if not values:
        typed["date"] = fr_date(rec.today)
        typed["placement"] = worker.placements[-1].id if worker.placements else ""
        typed["role"] = "tuteur"
    blocks = []
    for ref in targets_first(rec.ws, worker):
        for block in ref.blocks:
            comps = tuple(
                CompetencyField(
                    id=ref.full_id(block, comp),
                    name=f"{LEVEL_PREFIX}{ref.full_id(block, comp)}",
                    plain=comp.plain or comp.title,
                    title=comp.title,
                    value=typed.get(f"{LEVEL_PREFIX}{ref.full_id(block, comp)}", ""),
                )
                for comp in block.competencies
            )
            blocks.append(BlockFields(f"{ref.title} — {block.title}", comps))
    return ObservationForm(
        worker_id=rec.stem,
        worker_name=worker.display_name,
        placements=tuple(
            Choice(p.id, f"{p.id} : {p.client.name}, du {fr_date(p.start)} au {fr_date(p.end)}")
            for p in worker.placements
        ),
        roles=ROLE_CHOICES,
        levels=tuple(Choice(str(n), f"{n} — {word}") for n, word in LEVEL_WORDS.items()),
        blocks=tuple(blocks),
        values=typed,
    )


@dataclass(frozen=True)
class ObservationInput:
    """A judged observation form: what to record, one level per competency observed."""

    day: dt.date
    by: str
    role: str
    placement: str | None
    note: str | None
    levels: dict[str, int]


def read_circumstances(
    rec: WorkerRecording, values: Mapping[str, str], errors: dict[str, str]
) -> tuple[object, object, object, object, object]:
    """What every observation form asks besides the levels: the date, who observed and in
    which role, during which placement, the note (None for each refused field, its refusal in
    `errors`)."""
    day = judge_field(
        errors, "date", lambda: read_date(values.get("date", ""), "la date de l'observation")
    )
    by = judge_field(errors, "by", lambda: read_text(values.get("by", ""), "le nom de qui observe"))
    role = judge_field(errors, "role", lambda: parse_role(values.get("role", "")))
    placement = judge_field(
        errors,
        "placement",
        lambda: rec.require_placement(values["placement"]) if values.get("placement") else None,
    )
    note = judge_field(errors, "note", lambda: read_note(values.get("note", "")))
    return day, by, role, placement, note


def read_observation(rec: WorkerRecording, form: ObservationForm) -> ObservationInput | None:
    """Judge every field (all of them, so that every refusal shows at once); None when one is
    refused, with `form.errors` saying why, next to each field."""
    values, errors = form.values, form.errors
    day, by, role, placement, note = read_circumstances(rec, values, errors)
    levels: dict[str, int] = {}
    known = {c.name: c.id for block in form.blocks for c in block.competencies}
    for name, value in values.items():
        if name.startswith(LEVEL_PREFIX) and value:
            if name not in known:
                errors["levels"] = "compétence inconnue dans le formulaire : rechargez la page"
            elif value not in {str(n) for n in LEVEL_WORDS}:
                errors[name] = "choisissez un niveau de 1 à 4, ou « non observée »"
            else:
                levels[known[name]] = int(value)
    if not levels and "levels" not in errors:
        errors["levels"] = "choisissez le niveau d'au moins une compétence observée"
    if errors:
        return None
    return ObservationInput(day, by, role, placement, note, levels)  # type: ignore[arg-type]


def save_observation(rec: WorkerRecording, judged: ObservationInput, login: str) -> Change:
    """Record one observation per competency observed, all in one write (all or none) with
    one journal line signed by `login`."""
    return add_observations(
        rec,
        [
            NewObservation(
                day=judged.day,
                by=judged.by,
                role=judged.role,
                competency=competency,
                level=level,
                placement=judged.placement,
                note=judged.note,
            )
            for competency, level in sorted(judged.levels.items())
        ],
        actor=login,
    )


async def observation_page(request: Request) -> Response:
    rec = await worker_recording(request)
    form = observation_form(rec)
    return render_page(request, "observation_form.html.j2", title="Nouvelle observation", form=form)


async def observation_post(request: Request) -> Response:
    posted = await posted_form(request, request.state.csrf, MAX_OBSERVATION_FIELDS)
    rec = await worker_recording(request)
    values = form_values(posted)
    form = observation_form(rec, values)
    judged = read_observation(rec, form)
    if judged is not None:
        login = account(request).login
        try:
            change = await run_in_threadpool(save_observation, rec, judged, login)
        except PortfolioError as exc:
            form.errors["enregistrement"] = refusal(exc)
        else:
            return recorded(request, rec.stem, "observations", change)
    return render_page(
        request,
        "observation_form.html.j2",
        status_code=400,
        title="Nouvelle observation — à corriger",
        form=form,
    )


ROUTES = [
    Route("/salaries/{worker_id}/observations/nouvelle", observation_page, methods=["GET"]),
    Route("/salaries/{worker_id}/observations/nouvelle", observation_post, methods=["POST"]),
]
