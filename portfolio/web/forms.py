"""The recording forms of `portfolio serve` (SPEC §11): each field is read and judged by the same
application functions as the `log` commands, and a refused field is said next to itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from portfolio.app.recording import NewObservation, WorkerRecording, add_observations
from portfolio.french import LEVEL_WORDS, InputError, fr_date, parse_date, parse_role
from portfolio.issues import PortfolioError
from portfolio.record.queries import targets_first

MAX_TEXT = 200
"""A name typed in a form; longer is refused before anything is judged."""
MAX_NOTE = 2000
LEVEL_PREFIX = "level:"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


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


def read_observation(rec: WorkerRecording, form: ObservationForm) -> ObservationInput | None:
    """Judge every field (all of them, so that every refusal shows at once); None when one is
    refused, with `form.errors` saying why, next to each field."""
    values, errors = form.values, form.errors
    day = _field(errors, "date", lambda: _date(values.get("date", "")))
    by = _field(errors, "by", lambda: _text(values.get("by", ""), "le nom de qui observe"))
    role = _field(errors, "role", lambda: parse_role(values.get("role", "")))
    placement = _field(
        errors,
        "placement",
        lambda: rec.require_placement(values["placement"]) if values.get("placement") else None,
    )
    note = _field(errors, "note", lambda: _note(values.get("note", "")))
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


def _field(errors: dict[str, str], name: str, read: Callable[[], object]) -> object:
    try:
        return read()
    except (InputError, PortfolioError) as exc:
        errors[name] = str(exc)
        return None


def _date(text: str) -> dt.date:
    if not text.strip():
        raise InputError("écrivez la date de l'observation, par exemple 31/12/2026")
    return parse_date(text, "la date de l'observation")


def _text(text: str, what: str) -> str:
    value = " ".join(text.split())
    if not value:
        raise InputError(f"écrivez {what}")
    if len(value) > MAX_TEXT:
        raise InputError(f"{what} : {MAX_TEXT} caractères au plus")
    return value


def _note(text: str) -> str | None:
    value = text.strip()
    if len(value) > MAX_NOTE:
        raise InputError(f"la note : {MAX_NOTE} caractères au plus")
    return value or None


def save_observation(rec: WorkerRecording, judged: ObservationInput, login: str) -> None:
    """Record one observation per competency observed, all in one write (all or none) with
    one journal line signed by `login`."""
    add_observations(
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
