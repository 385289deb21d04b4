"""The worker's own dossier (SPEC §10 `dossier`): what they can do, what they are learning and
what comes next, in plain words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from portfolio.french import TRACK_NAMES, natural_key
from portfolio.model.evidence import Assessment, Plan, WorkerEvidence
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.render.views.common import (
    Contact,
    DocumentInfo,
    PlacementView,
    TrainingView,
    contact,
    in_natural_order,
    ordered_referentials,
    pictogram,
    placement_views,
    statuses,
    training_views,
)

MAX_AT_WORK_LINES = 3
"""Dossier: competencies to learn on the job listed one per line; the rest are counted."""

MAX_DETAILED_PLACEMENTS = 4
"""Dossier: the most recent placements are told with their tasks, older ones in one line each,
so that a long history still fits in four pages."""


@dataclass(frozen=True)
class SkillGroup:
    """Plain wordings of one référentiel, under its pictogram."""

    title: str
    track: str
    pictogram: str
    skills: tuple[str, ...]


@dataclass(frozen=True)
class ModuleStep:
    title: str
    body: str
    hours: float


@dataclass(frozen=True)
class NextSteps:
    presentable: tuple[str, ...]
    modules: tuple[ModuleStep, ...]
    hours: float
    at_work: tuple[str, ...]
    at_work_more: int


@dataclass(frozen=True)
class DossierView:
    doc: DocumentInfo
    first_name: str
    full_name: str
    as_of: dt.date
    targets: tuple[SkillGroup, ...]
    earlier_placements: tuple[PlacementView, ...]
    placements: tuple[PlacementView, ...]
    work_hours: float
    can_do: tuple[SkillGroup, ...]
    learning: tuple[SkillGroup, ...]
    trainings: tuple[TrainingView, ...]
    training_hours: float
    next_steps: NextSteps
    contact: Contact


def plain_of(ws: Workspace, competency_id: str) -> str:
    found = ws.competency_index.get(competency_id)
    return found.competency.plain if found else competency_id


def skill_groups(ws: Workspace, assessment: Assessment, status: str) -> tuple[SkillGroup, ...]:
    """Plain wordings of the competencies with `status`, one group per référentiel."""
    by_id = {r.id: r for r in assessment.referentiels}
    groups = []
    for ref in ordered_referentials(ws, assessment):
        skills = tuple(
            plain_of(ws, comp.id) for _, comp in statuses(by_id[ref.id]) if comp.status == status
        )
        if skills:
            title = ref.title if ref.track != "transversal" else TRACK_NAMES["transversal"]
            groups.append(SkillGroup(title, ref.track, pictogram(ref.track), skills))
    return tuple(groups)


def merge_transversal(groups: Sequence[SkillGroup]) -> tuple[SkillGroup, ...]:
    """The worker sees one « useful in every trade » group, not one per transversal file."""
    trades = [g for g in groups if g.track != "transversal"]
    transversal = [s for g in groups if g.track == "transversal" for s in g.skills]
    if transversal:
        trades.append(
            SkillGroup(
                TRACK_NAMES["transversal"],
                "transversal",
                pictogram("transversal"),
                tuple(transversal),
            )
        )
    return tuple(trades)


def next_steps(ws: Workspace, assessment: Assessment, plan: Plan | None) -> NextSteps:
    """Blocks ready for a jury, then the plan's modules, then what is left to learn on the job
    (SPEC §7)."""
    presentable = tuple(
        block_title(ws, block.id)
        for ref in sorted(assessment.referentiels, key=lambda r: natural_key(r.id))
        if ws.referentiels.get(ref.id) and ws.referentiels[ref.id].track != "transversal"
        for block in in_natural_order(ref.blocks)
        if block.presentable
    )
    if plan is None:
        return NextSteps(presentable, (), 0.0, (), 0)
    modules = []
    for module_id in sorted(plan.modules, key=natural_key):
        module, catalog = ws.module_index[module_id]
        modules.append(ModuleStep(module.title, catalog.body.name, module.hours))
    at_work = [plain_of(ws, c) for c in sorted(plan.no_module, key=closeness(ws, assessment))]
    return NextSteps(
        presentable=presentable,
        modules=tuple(modules),
        hours=plan.hours,
        at_work=tuple(at_work[:MAX_AT_WORK_LINES]),
        at_work_more=max(len(at_work) - MAX_AT_WORK_LINES, 0),
    )


def closeness(
    ws: Workspace, assessment: Assessment
) -> Callable[[str], tuple[bool, bool, tuple[str | int, ...]]]:
    """Sort key putting first what the worker is closest to: the trade before the transversal
    référentiels, competencies already begun before the others; then in natural order."""
    begun = {
        comp.id
        for ref in assessment.referentiels
        for _, comp in statuses(ref)
        if comp.status == "en-cours"
    }

    def key(competency_id: str) -> tuple[bool, bool, tuple[str | int, ...]]:
        found = ws.competency_index.get(competency_id)
        transversal = found is None or found.referentiel.track == "transversal"
        return (transversal, competency_id not in begun, natural_key(competency_id))

    return key


def block_title(ws: Workspace, block_id: str) -> str:
    ref_id, _, local = block_id.partition(".")
    ref = ws.referentiels[ref_id]
    return next(b.title for b in ref.blocks if b.id == local)


def dossier_view(
    ws: Workspace,
    worker: Worker,
    assessment: Assessment,
    evidence: WorkerEvidence,
    plan: Plan | None,
) -> DossierView:
    as_of = assessment.as_of
    people = contact(ws, worker)
    targets = tuple(
        SkillGroup(ref.title, ref.track, pictogram(ref.track), ())
        for ref in ordered_referentials(ws, assessment)
        if ref.id in worker.targets
    )
    trainings = training_views(ws, worker, as_of)
    placements = sorted(placement_views(ws, worker, evidence), key=lambda p: (p.start, p.end))
    detailed = len(placements) - MAX_DETAILED_PLACEMENTS
    return DossierView(
        doc=DocumentInfo(
            title=f"Mon dossier de compétences — {worker.display_name}",
            author=people.association,
            footer=f"Mon dossier de compétences — {worker.display_name}",
        ),
        first_name=worker.first_name,
        full_name=worker.display_name,
        as_of=as_of,
        targets=targets,
        earlier_placements=tuple(placements[: max(detailed, 0)]),
        placements=tuple(placements[max(detailed, 0) :]),
        work_hours=evidence.work_hours,
        can_do=merge_transversal(skill_groups(ws, assessment, "acquise")),
        learning=merge_transversal(skill_groups(ws, assessment, "en-cours")),
        trainings=trainings,
        training_hours=sum(t.hours for t in trainings),
        next_steps=next_steps(ws, assessment, plan),
        contact=people,
    )
