"""Evidence → a status per competency and per block, with its evidence trail (SPEC §6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from portfolio.match import match_worker
from portfolio.model.evidence import (
    Assessment,
    BlockStatus,
    CompetencyStatus,
    Evidence,
    ObservationEvidence,
    PlacementEvidence,
    ReferentielStatus,
    Status,
    TrainingEvidence,
    WorkerEvidence,
)
from portfolio.model.referentiel import Referentiel
from portfolio.model.workspace import Module, Worker

ACQUIRED_LEVEL = 3
"""SPEC §6: the level an observation must reach, and the level an `acquis` training counts as."""


def _round(value: float) -> float:
    return round(value + 0.0, 2)


def counted_trainings(worker: Worker, modules: Mapping[str, Module], as_of: dt.date):
    """Trainings that count at `as_of` (SPEC §5.4: by their end date, all hours or none)."""
    return [t for t in worker.trainings if t.end_date <= as_of and t.module in modules]


def training_hours(worker: Worker, modules: Mapping[str, Module], as_of: dt.date) -> float:
    return sum(t.hours for t in counted_trainings(worker, modules, as_of))


def _dated_trail(
    competency: str, worker: Worker, modules: Mapping[str, Module], as_of: dt.date
) -> list[TrainingEvidence | ObservationEvidence]:
    trainings = [
        TrainingEvidence(ref=t.module, hours=_round(t.hours), result=t.result, date=t.end_date)
        for t in counted_trainings(worker, modules, as_of)
        if competency in modules[t.module].competencies
    ]
    observations = [
        ObservationEvidence(ref=o.placement, by=o.by, role=o.role, level=o.level, date=o.date)
        for o in worker.observations
        if o.competency == competency and o.date <= as_of
    ]
    merged: list[TrainingEvidence | ObservationEvidence] = [*trainings, *observations]
    return sorted(merged, key=lambda e: e.date)


def level_of(trail: list[Evidence]) -> int | None:
    """SPEC §6: the latest observation wins, the highest on the same date; an `acquis` training
    counts as a level-3 observation dated its end."""
    levels = [(e.date, e.level) for e in trail if isinstance(e, ObservationEvidence)]
    levels += [
        (e.date, ACQUIRED_LEVEL)
        for e in trail
        if isinstance(e, TrainingEvidence) and e.result == "acquis"
    ]
    return max(levels)[1] if levels else None


def status_of(
    work_hours: float, min_hours: float, needs_observation: bool, level: int | None, trail: list
) -> Status:
    if work_hours >= min_hours and (
        not needs_observation or (level is not None and level >= ACQUIRED_LEVEL)
    ):
        return "acquise"
    return "en-cours" if trail else "a-acquerir"


def assess_competency(
    referentiel: Referentiel,
    full_id: str,
    rule: tuple[float, bool],
    evidence: WorkerEvidence,
    worker: Worker,
    modules: Mapping[str, Module],
) -> CompetencyStatus:
    placements: list[PlacementEvidence] = [
        PlacementEvidence(ref=e.ref, task=e.task, hours=_round(e.hours))
        for e in evidence.by_competency.get(full_id, ())
    ]
    dated = _dated_trail(full_id, worker, modules, evidence.as_of)
    trail: list[Evidence] = [*placements, *dated]
    work = sum(e.hours for e in evidence.by_competency.get(full_id, ()))
    training = sum(e.hours for e in dated if isinstance(e, TrainingEvidence))
    level = level_of(trail)
    min_hours, needs_observation = rule
    return CompetencyStatus(
        id=full_id,
        status=status_of(work, min_hours, needs_observation, level, trail),
        work_hours=_round(work),
        training_hours=_round(training),
        level=level,
        evidence=trail,
    )


def assess_referentiel(
    referentiel: Referentiel,
    evidence: WorkerEvidence,
    worker: Worker,
    modules: Mapping[str, Module],
) -> ReferentielStatus:
    blocks = []
    for block in sorted(referentiel.blocks, key=lambda b: b.id):
        competencies = [
            assess_competency(
                referentiel,
                referentiel.full_id(block, comp),
                referentiel.rule(comp),
                evidence,
                worker,
                modules,
            )
            for comp in sorted(block.competencies, key=lambda c: c.id)
        ]
        acquired = sum(c.status == "acquise" for c in competencies)
        blocks.append(
            BlockStatus(
                id=referentiel.full_id(block),
                presentable=acquired == len(competencies),
                acquired=acquired,
                total=len(competencies),
                competencies=competencies,
            )
        )
    return ReferentielStatus(id=referentiel.id, blocks=blocks)


def assess_worker(
    worker: Worker,
    referentiels: list[Referentiel],
    modules: Mapping[str, Module],
    as_of: dt.date,
    warnings: list[str] | None = None,
) -> tuple[Assessment, WorkerEvidence]:
    """Assess every competency of the worker's targets and transversal référentiels."""
    evidence = match_worker(worker, referentiels, as_of)
    assessment = Assessment(
        worker=worker.id,
        as_of=as_of,
        referentiels=[
            assess_referentiel(ref, evidence, worker, modules)
            for ref in sorted(referentiels, key=lambda r: r.id)
        ],
        warnings=warnings or [],
    )
    return assessment, evidence
