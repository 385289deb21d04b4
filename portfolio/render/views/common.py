"""View pieces every printed document shares: its metadata, the worker's contact, placements
and trainings as they read on paper (SPEC §10)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

import segno
from markupsafe import Markup

from portfolio.french import (
    CLIENT_KIND_WORDS,
    PLAIN_RESULTS,
    RESULT_WORDS,
    TRACK_NAMES,
    natural_key,
)
from portfolio.model.evidence import (
    Assessment,
    BlockStatus,
    CompetencyStatus,
    ReferentielStatus,
    WorkerEvidence,
)
from portfolio.model.literals import TRACKS
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import Association, Worker


@dataclass(frozen=True)
class DocumentInfo:
    """What goes in the PDF metadata and the page footer."""

    title: str
    author: str
    footer: str


@dataclass(frozen=True)
class Contact:
    counselor: str | None
    counselor_title: str
    association: str
    address: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class TaskLine:
    label: str
    hours: float


@dataclass(frozen=True)
class PlacementView:
    id: str
    client: str
    client_kind: str
    service: str | None
    start: dt.date
    end: dt.date
    ongoing: bool
    hours: float
    tutor: str | None
    means: tuple[str, ...]
    note: str | None
    tasks: tuple[TaskLine, ...]
    track: str
    pictogram: str


@dataclass(frozen=True)
class TrainingView:
    module: str
    title: str
    body: str
    start: dt.date
    end: dt.date
    hours: float
    result: str
    plain_result: str


def pictogram(track: str) -> str:
    """Pictogram file of a track, in `templates/assets/pictograms/`."""
    return f"pictograms/{track if track in TRACK_NAMES else 'transversal'}.svg"


def association_of(ws: Workspace, worker: Worker) -> Association | None:
    if ws.settings is None:
        return None
    return next((a for a in ws.settings.associations if a.id == worker.association), None)


def counselor_title(counselor: str | None) -> str:
    """« ma conseillère » for Mme, « mon conseiller » for M.: the dossier speaks as the worker."""
    if counselor is None:
        return "mon conseiller ou ma conseillère"
    first = counselor.split(maxsplit=1)[0].rstrip(".").lower()
    if first in ("mme", "madame", "mlle"):
        return "ma conseillère"
    if first in ("m", "monsieur", "mr"):
        return "mon conseiller"
    return "mon conseiller ou ma conseillère"


def contact(ws: Workspace, worker: Worker) -> Contact:
    association = association_of(ws, worker)
    return Contact(
        counselor=worker.counselor,
        counselor_title=counselor_title(worker.counselor),
        association=association.name if association else worker.association,
        address=association.address if association else None,
        phone=association.phone if association else None,
        email=association.email if association else None,
    )


def task_label(ws: Workspace, full_task_id: str) -> str:
    found = ws.task_index.get(full_task_id)
    return found[1].label if found else full_task_id


def task_lines(
    ws: Workspace, evidence: WorkerEvidence, placement_id: str, tasks: set[str] | None = None
) -> tuple[TaskLine, ...]:
    """What a placement's entries resolved to, one line per task with its hours (SPEC §5.3),
    in order of first mention; with `tasks`, only those. Unresolved entries keep the worker's
    own words (and are left out when filtering)."""
    hours: dict[str, float] = {}
    for entry in evidence.entries:
        if entry.placement != placement_id or entry.hours <= 0:
            continue
        if not entry.tasks and tasks is None:
            text = entry.text.strip()
            text = text[:1].upper() + text[1:]
            hours[text] = hours.get(text, 0.0) + entry.hours
        for task in entry.tasks:
            if tasks is None or task in tasks:
                label = task_label(ws, task)
                hours[label] = hours.get(label, 0.0) + entry.hours / len(entry.tasks)
    return tuple(TaskLine(label, h) for label, h in hours.items())


def placement_track(
    ws: Workspace, evidence: WorkerEvidence, placement_id: str, fallback: str
) -> str:
    """The track a placement belongs to: the référentiel its tasks gave the most hours to,
    a trade before the transversal ones."""
    hours: dict[str, float] = defaultdict(float)
    for entry in evidence.entries:
        if entry.placement == placement_id:
            for task in entry.tasks:
                found = ws.task_index.get(task)
                if found:
                    hours[found[0].track] += entry.hours / len(entry.tasks)
    trades = {t: h for t, h in hours.items() if t != "transversal"}
    ranked = trades or hours
    if not ranked:
        return fallback
    return max(ranked, key=lambda t: (ranked[t], -TRACKS.index(t)))


def main_track(ws: Workspace, worker: Worker) -> str:
    tracks = [ws.referentiels[t].track for t in worker.targets if t in ws.referentiels]
    return tracks[0] if tracks else "transversal"


def placement_views(
    ws: Workspace, worker: Worker, evidence: WorkerEvidence
) -> tuple[PlacementView, ...]:
    """Placements started on or before the assessment date, with their hours at that date."""
    fallback = main_track(ws, worker)
    views = []
    for placement in worker.placements:
        if placement.id not in evidence.placement_hours:
            continue
        track = placement_track(ws, evidence, placement.id, fallback)
        views.append(
            PlacementView(
                id=placement.id,
                client=placement.client.name,
                client_kind=CLIENT_KIND_WORDS[placement.client.kind],
                service=placement.service,
                start=placement.start,
                end=placement.end,
                ongoing=placement.end > evidence.as_of,
                hours=evidence.placement_hours[placement.id],
                tutor=placement.tutor,
                means=tuple(placement.means),
                note=placement.note,
                tasks=task_lines(ws, evidence, placement.id),
                track=track,
                pictogram=pictogram(track),
            )
        )
    return tuple(views)


def training_views(ws: Workspace, worker: Worker, as_of: dt.date) -> tuple[TrainingView, ...]:
    """Trainings started on or before the assessment date; one not yet ended is `en-cours`."""
    views = []
    for training in sorted(worker.trainings, key=lambda t: (t.start, t.module)):
        if training.start > as_of:
            continue
        module, catalog = ws.module_index.get(training.module, (None, None))
        result = training.result if training.end_date <= as_of else "en-cours"
        views.append(
            TrainingView(
                module=training.module,
                title=module.title if module else training.module,
                body=catalog.body.name if catalog else "",
                start=training.start,
                end=training.end_date,
                hours=training.hours,
                result=RESULT_WORDS[result],
                plain_result=PLAIN_RESULTS[result],
            )
        )
    return tuple(views)


Status = TypeVar("Status", BlockStatus, CompetencyStatus)


def ordered_referentials(ws: Workspace, assessment: Assessment) -> list[Referentiel]:
    """Assessed référentiels: the worker's trades first, then the transversal ones."""
    refs = [ws.referentiels[r.id] for r in assessment.referentiels if r.id in ws.referentiels]
    return sorted(refs, key=lambda r: (r.track == "transversal", natural_key(r.id)))


def in_natural_order(items: Iterable[Status]) -> list[Status]:
    """Blocks or competencies as a reader counts them (c2 before c10); the assessment keeps
    SPEC §9's order of ids as strings for JSON."""
    return sorted(items, key=lambda item: natural_key(item.id))


def statuses(assessment: ReferentielStatus) -> Iterable[tuple[BlockStatus, CompetencyStatus]]:
    """Every competency status of a référentiel with its block, in natural order."""
    for block in in_natural_order(assessment.blocks):
        for comp in in_natural_order(block.competencies):
            yield block, comp


QR_ERROR_LEVEL = "m"
"""Level M (15 % of the code may be damaged): a small code that survives a fold or a stain."""


def qr_code(payload: str, label: str) -> tuple[Markup, int]:
    """An inline SVG QR code of `payload` named `label` for screen readers, and its version.

    Its size is left to the stylesheet (the SVG has a viewBox and no width); the quiet zone
    of four modules is part of the drawing. The SVG holds nothing but paths and the escaped
    label, so it can be printed as markup."""
    code = segno.make(payload, error=QR_ERROR_LEVEL, micro=False)
    svg = code.svg_inline(omitsize=True, svgclass="qr", lineclass=None, title=label)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1)), int(code.version)
