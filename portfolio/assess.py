"""Evidence → a status per competency and per block, with its evidence trail (SPEC §6)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from portfolio.match import Vocabulary, match_worker, workspace_vocabulary
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
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Block, Competency, Referentiel
from portfolio.model.workspace import Module, Training, Worker

ACQUIRED_LEVEL = 3
"""SPEC §6: the level an observation must reach, and the level an `acquis` training counts as."""

HOURS_TOLERANCE = 1e-9
"""Split and pro-rated hours are floats: 3 × 10 h must reach a 30 h threshold."""

DatedEvidence = TrainingEvidence | ObservationEvidence


def round_hours(value: float) -> float:
    """SPEC §9: numbers are floats rounded to 2 decimals (and never -0.0)."""
    return round(value, 2) + 0.0


def counted_trainings(
    worker: Worker, modules: Mapping[str, Module], as_of: dt.date
) -> list[Training]:
    """Trainings that count at `as_of`: by their end date (defaulting to the start), all their
    hours or none (SPEC §5.4)."""
    return [t for t in worker.trainings if t.end_date <= as_of and t.module in modules]


def training_hours(worker: Worker, modules: Mapping[str, Module], as_of: dt.date) -> float:
    """A worker's attended training hours at `as_of`, all modules together."""
    return sum(t.hours for t in counted_trainings(worker, modules, as_of))


def dated_evidence(
    worker: Worker, modules: Mapping[str, Module], as_of: dt.date
) -> dict[str, list[DatedEvidence]]:
    """Trainings and observations counted at `as_of`, per competency, by date (SPEC §6).

    A training evidences every competency its module targets; on the same date trainings come
    before observations, each in file order.
    """
    trail: dict[str, list[DatedEvidence]] = defaultdict(list)
    for training in counted_trainings(worker, modules, as_of):
        item = TrainingEvidence(
            ref=training.module,
            hours=round_hours(training.hours),
            result=training.result,
            date=training.end_date,
        )
        for competency in dict.fromkeys(modules[training.module].competencies):
            trail[competency].append(item)
    for obs in worker.observations:
        if obs.date <= as_of:
            trail[obs.competency].append(
                ObservationEvidence(
                    ref=obs.placement, by=obs.by, role=obs.role, level=obs.level, date=obs.date
                )
            )
    for items in trail.values():
        items.sort(key=lambda e: e.date)
    return trail


def level_of(trail: Sequence[Evidence]) -> int | None:
    """SPEC §6: the latest observation wins, the highest on the same date; an `acquis` training
    counts as a level-3 observation dated its end. None without any observation."""
    levels = [(e.date, e.level) for e in trail if isinstance(e, ObservationEvidence)]
    levels += [
        (e.date, ACQUIRED_LEVEL)
        for e in trail
        if isinstance(e, TrainingEvidence) and e.result == "acquis"
    ]
    return max(levels)[1] if levels else None


def status_of(
    work_hours: float,
    training_hours: float,
    level: int | None,
    min_hours: float,
    needs_observation: bool,
) -> Status:
    """SPEC §6: `acquise` when the hours and, if required, a level ≥ 3 are there; else
    `en-cours` when there is any evidence at all; else `a-acquerir`."""
    enough_hours = work_hours + HOURS_TOLERANCE >= min_hours
    observed = level is not None and level >= ACQUIRED_LEVEL
    if enough_hours and (not needs_observation or observed):
        return "acquise"
    if work_hours > 0 or training_hours > 0 or level is not None:
        return "en-cours"
    return "a-acquerir"


def assess_competency(
    full_id: str,
    rule: tuple[float, bool],
    placements: Sequence[PlacementEvidence],
    dated: Sequence[DatedEvidence],
) -> CompetencyStatus:
    """One competency: its hours, level, status and trail (placements first, then by date)."""
    if not placements and not dated:
        return CompetencyStatus(
            id=full_id,
            status=status_of(0.0, 0.0, None, *rule),
            work_hours=0.0,
            training_hours=0.0,
            level=None,
            evidence=[],
        )
    work = sum(e.hours for e in placements)
    training = sum(e.hours for e in dated if isinstance(e, TrainingEvidence))
    level = level_of(dated)
    trail: list[Evidence] = [
        PlacementEvidence(ref=e.ref, task=e.task, hours=round_hours(e.hours)) for e in placements
    ]
    trail += dated
    return CompetencyStatus(
        id=full_id,
        status=status_of(work, training, level, *rule),
        work_hours=round_hours(work),
        training_hours=round_hours(training),
        level=level,
        evidence=trail,
    )


CompetencyRule = tuple[str, tuple[float, bool], CompetencyStatus]
"""A competency's full id, its (min_hours, observation) rule and its status without any
evidence."""


class BlockLayout(NamedTuple):
    """A block's full id, its RNCP code and its competencies, with what `assess_block` needs
    to see at once that a worker has no evidence for any of them."""

    id: str
    rncp: str | None
    competencies: tuple[CompetencyRule, ...]
    competency_ids: frozenset[str]
    unevidenced: BlockStatus
    """The block's status without any evidence."""


def layout(referentiel: Referentiel) -> tuple[BlockLayout, ...]:
    """Blocks and competencies sorted by id (SPEC §9), with full ids, RNCP block codes and
    merged rules.

    Two competencies in three of a worker, and one block in two, have no evidence at all, and
    then the same status in every assessment: it is built here, once, and shared by the
    assessments (results are frozen), which spares a federation of 180,000 workers four
    million identical models."""

    def competency(block: Block, comp: Competency) -> CompetencyRule:
        full_id, rule = referentiel.full_id(block, comp), referentiel.rule(comp)
        return full_id, rule, assess_competency(full_id, rule, (), ())

    def block_layout(block: Block) -> BlockLayout:
        rules = tuple(
            competency(block, comp) for comp in sorted(block.competencies, key=lambda c: c.id)
        )
        full_id = referentiel.full_id(block)
        unevidenced = block_status(full_id, block.rncp, [status for _, _, status in rules])
        return BlockLayout(
            full_id, block.rncp, rules, frozenset(ident for ident, _, _ in rules), unevidenced
        )

    return tuple(block_layout(block) for block in sorted(referentiel.blocks, key=lambda b: b.id))


def block_status(block_id: str, code: str | None, statuses: list[CompetencyStatus]) -> BlockStatus:
    """A block is presentable when all its competencies are acquired (SPEC §6)."""
    acquired = sum(c.status == "acquise" for c in statuses)
    return BlockStatus(
        id=block_id,
        rncp=code,
        presentable=acquired == len(statuses),
        acquired=acquired,
        total=len(statuses),
        competencies=statuses,
    )


def assess_block(
    block: BlockLayout, evidence: WorkerEvidence, dated: Mapping[str, list[DatedEvidence]]
) -> BlockStatus:
    """The block's status from the worker's evidence: the layout's shared one when none of its
    competencies has any, which a dictionary comparison tells without looking at each."""
    by_competency = evidence.by_competency
    if by_competency.keys().isdisjoint(block.competency_ids) and dated.keys().isdisjoint(
        block.competency_ids
    ):
        return block.unevidenced
    statuses = []
    for full_id, rule, unevidenced in block.competencies:
        placements = by_competency.get(full_id, ())
        trail = dated.get(full_id, ())
        statuses.append(
            assess_competency(full_id, rule, placements, trail)
            if placements or trail
            else unevidenced
        )
    return block_status(block.id, block.rncp, statuses)


def assess_referentiel(
    blocks: Sequence[BlockLayout],
    referentiel: Referentiel,
    evidence: WorkerEvidence,
    dated: Mapping[str, list[DatedEvidence]],
) -> ReferentielStatus:
    return ReferentielStatus(
        id=referentiel.id,
        rncp=referentiel.certification.rncp,
        rome=list(referentiel.rome),
        blocks=[assess_block(block, evidence, dated) for block in blocks],
    )


def assess_worker(
    worker: Worker,
    referentiels: Sequence[Referentiel],
    modules: Mapping[str, Module],
    as_of: dt.date,
    warnings: Sequence[str] = (),
    *,
    vocab: Vocabulary | None = None,
    layout_of: Callable[[Referentiel], Sequence[BlockLayout]] = layout,
) -> tuple[Assessment, WorkerEvidence]:
    """Assess every competency of the given référentiels (the worker's targets and the
    transversal ones: `Workspace.assessed_referentiels`) at `as_of`, lists sorted by id (§9).

    `vocab` and `layout_of` let `assess` reuse what its workspace already built."""
    evidence = match_worker(worker, referentiels, as_of, vocab=vocab)
    dated = dated_evidence(worker, modules, as_of)
    assessment = Assessment(
        worker=worker.id,
        as_of=as_of,
        referentiels=[
            assess_referentiel(layout_of(ref), ref, evidence, dated)
            for ref in sorted(referentiels, key=lambda r: r.id)
        ],
        warnings=list(warnings),
    )
    return assessment, evidence


def assess(
    ws: Workspace, worker: Worker, as_of: dt.date, warnings: Sequence[str] = ()
) -> tuple[Assessment, WorkerEvidence]:
    """The worker's assessment at `as_of` in their workspace: every caller's entry point."""
    referentiels = ws.assessed_referentiels(worker)
    return assess_worker(
        worker,
        referentiels,
        ws.modules,
        as_of,
        warnings,
        vocab=workspace_vocabulary(ws, referentiels),
        layout_of=lambda ref: ws.memo(("layout", ref.id), lambda: layout(ref)),
    )
