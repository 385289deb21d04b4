"""The programme report and coverages as computed before the streaming tallies (issue 19),
kept as a test oracle: every worker's facts held in a list, every sum taken in cohort order.

`tests/test_aggregates.py` compares `ReportTally` and `CoverageTally`, fed in any order, with
these on the demo and on generated federations.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable, Mapping

from portfolio.assess import counted_trainings, training_hours
from portfolio.checks import Position, ratio_position
from portfolio.coverage import (
    BlockCoverage,
    CompetencyCoverage,
    Coverage,
    ModuleColumn,
    ModuleDemand,
    ReferentielCoverage,
    find_catalog,
    sessions_for,
    shown_referentiels,
)
from portfolio.match import days_inclusive
from portfolio.model.evidence import Assessment, Result, WorkerEvidence
from portfolio.model.literals import TRACKS
from portfolio.model.loaded import Workspace
from portfolio.model.referentiel import Block, Referentiel
from portfolio.model.workspace import Catalog, Module, Period, Settings, Worker
from portfolio.report import (
    HISTOGRAM_TOP,
    HISTOGRAM_WIDTH,
    PSEUDONYM_LENGTH,
    AssociationFigures,
    Figures,
    MonthProgress,
    ProgrammeReport,
    RatioBin,
    TrackFigures,
    WorkerRatio,
    association_names,
    months_of,
    placement_hours_between,
    worker_tracks,
)


def _hours(value: float) -> float:
    return round(value + 0.0, 2)


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _column(module: Module) -> ModuleColumn:
    return ModuleColumn(id=module.id, title=module.title, axis=module.axis, hours=module.hours)


class WorkerFacts(Result):
    """What the report needs of one worker, computed once."""

    id: str
    name: str
    association: str
    tracks: tuple[str, ...]
    work_hours: float
    training_hours: float
    ratio: float | None
    position: Position | None
    acquired: dict[str, int]
    """Track → acquired competencies in the worker's targets of that track (0 for the
    transversal track: those are in `transversal_acquired`)."""
    presentable: dict[str, int]
    """Track → presentable blocks in the worker's assessed référentiels of that track."""
    transversal_acquired: int
    """Acquired competencies of the transversal référentiels, assessed for every worker."""


def pseudonyms(worker_ids: Iterable[str], key: str) -> dict[str, str]:
    """Stable pseudonyms « Salarié·e 7F3A »: a keyed hash (HMAC-SHA256) of the worker id, so that
    the same worker keeps the same pseudonym from one report to the next. The key is a secret
    (portfolio.secret) that never appears in a report: without it, guessing a worker id (ids
    made of names, like `fatima-b`) does not tell which pseudonym is theirs. Two workers whose
    first four hex digits collide both get longer ones."""
    digests = {
        worker_id: hmac.new(key.encode(), worker_id.encode(), hashlib.sha256).hexdigest().upper()
        for worker_id in worker_ids
    }
    prefixes: dict[int, Counter[str]] = {}

    def shared(digest: str, length: int) -> bool:
        if length not in prefixes:
            prefixes[length] = Counter(d[:length] for d in digests.values())
        return prefixes[length][digest[:length]] > 1

    names = {}
    for worker_id, digest in digests.items():
        length = PSEUDONYM_LENGTH
        while shared(digest, length):
            length += 2
        names[worker_id] = f"Salarié·e {digest[:length]}"
    return names


def worker_facts(
    ws: Workspace,
    worker: Worker,
    assessment: Assessment,
    evidence: WorkerEvidence,
    band: tuple[float, float],
    name: str,
) -> WorkerFacts:
    tracks = worker_tracks(ws, worker)
    training = training_hours(worker, ws.modules, assessment.as_of)
    ratio, position = ratio_position(evidence.work_hours, training, band)
    acquired = dict.fromkeys(tracks, 0)
    presentable = dict.fromkeys(tracks, 0)
    transversal = 0
    for ref in assessment.referentiels:
        track = ws.referentiels[ref.id].track
        count = sum(block.acquired for block in ref.blocks)
        if track == "transversal":
            transversal += count
        elif track in tracks:
            acquired[track] += count
        if track in tracks:
            presentable[track] += sum(block.presentable for block in ref.blocks)
    return WorkerFacts(
        id=worker.id,
        name=name,
        association=worker.association,
        tracks=tracks,
        work_hours=evidence.work_hours,
        training_hours=training,
        ratio=ratio,
        position=position,
        acquired=acquired,
        presentable=presentable,
        transversal_acquired=transversal,
    )


def figures(facts: list[WorkerFacts], track: str | None = None) -> dict[str, object]:
    """Sum a group's facts. With `track`, competencies and blocks are those of the référentiels of
    that track; without, those of every track of each worker (each worker counted once).
    Transversal competencies are in every group's count, once per worker; transversal blocks only
    in the transversal track's (workers with no trade target)."""
    work = sum(f.work_hours for f in facts)
    training = sum(f.training_hours for f in facts)

    def tracks_of(fact: WorkerFacts) -> tuple[str, ...]:
        return (track,) if track is not None else fact.tracks

    return {
        "workers": len(facts),
        "work_hours": _hours(work),
        "training_hours": _hours(training),
        "ratio": _ratio(training / work) if work else None,
        "outside_band": sum(f.position is not None for f in facts),
        "competencies_acquired": sum(
            sum(f.acquired[t] for t in tracks_of(f)) + f.transversal_acquired for f in facts
        ),
        "transversal_acquired": sum(f.transversal_acquired for f in facts),
        "blocks_presentable": sum(f.presentable[t] for f in facts for t in tracks_of(f)),
        "workers_with_presentable_block": sum(
            any(f.presentable[t] for t in tracks_of(f)) for f in facts
        ),
    }


def track_rows(facts: list[WorkerFacts]) -> list[TrackFigures]:
    """One row per track with workers, in the glossary's order; a worker with targets in two
    tracks is in both rows, with all their hours."""
    return [
        TrackFigures(track=track, **figures(members, track))
        for track in TRACKS
        if (members := [f for f in facts if track in f.tracks])
    ]


def association_rows(ws: Workspace, facts: list[WorkerFacts]) -> list[AssociationFigures]:
    """Every association of workspace.yaml, in file order, then any unknown id workers use."""
    names = association_names(ws)
    ids = list(names) + sorted({f.association for f in facts} - set(names))
    rows = []
    for association in ids:
        members = [f for f in facts if f.association == association]
        rows.append(
            AssociationFigures(
                id=association,
                name=names.get(association, association),
                tracks=track_rows(members),
                **figures(members),
            )
        )
    return rows


def ratio_distribution(facts: list[WorkerFacts]) -> list[RatioBin]:
    """Workers with work hours per 5-point bin of their ratio; the last bin is open."""
    count = round(HISTOGRAM_TOP / HISTOGRAM_WIDTH)
    edges = [round(i * HISTOGRAM_WIDTH, 6) for i in range(count + 1)]
    tally = [0] * (count + 1)
    for fact in facts:
        if fact.ratio is not None:
            ratio = round(fact.ratio, 6)
            tally[max(i for i, edge in enumerate(edges) if edge <= ratio)] += 1
    return [
        RatioBin(low=edges[i], high=edges[i + 1] if i < count else None, workers=tally[i])
        for i in range(count + 1)
    ]


def outside_band(facts: list[WorkerFacts], names: Mapping[str, str]) -> list[WorkerRatio]:
    return [
        WorkerRatio(
            worker=f.id,
            name=f.name,
            association=f.association,
            association_name=names.get(f.association, f.association),
            work_hours=_hours(f.work_hours),
            training_hours=_hours(f.training_hours),
            ratio=_ratio(f.ratio),
            position=f.position,
        )
        for f in sorted(facts, key=lambda f: (f.association, f.name))
        if f.position is not None
    ]


def month_progress(
    workers: list[Worker],
    modules: Mapping[str, Module],
    period: Period,
    target: float | None,
    as_of: dt.date,
) -> list[MonthProgress]:
    """Training and work hours per month of the period; a training counts in the month of its end
    date, a placement's hours are spread over its days. Months after `as_of` have no figures."""
    total_days = days_inclusive(period.start, period.end)
    cumulative = 0.0
    rows = []
    for start, end in months_of(period):
        target_line = target * days_inclusive(period.start, end) / total_days if target else None
        training = work = None
        if start <= as_of:
            training = sum(
                t.hours
                for w in workers
                for t in counted_trainings(w, modules, as_of)
                if start <= t.end_date <= end
            )
            work = sum(
                placement_hours_between(p, start, end, as_of) for w in workers for p in w.placements
            )
            cumulative += training
        rows.append(
            MonthProgress(
                month=start.strftime("%Y-%m"),
                start=start,
                end=end,
                training_hours=None if training is None else _hours(training),
                work_hours=None if work is None else _hours(work),
                cumulative_training_hours=None if training is None else _hours(cumulative),
                target_cumulative_hours=None if target_line is None else _hours(target_line),
            )
        )
    return rows


def programme_report(
    ws: Workspace,
    cohort: Mapping[str, tuple[Assessment, WorkerEvidence]],
    as_of: dt.date,
    *,
    pseudonym_key: str | None = None,
) -> ProgrammeReport:
    """The federation's report on the programme at `as_of` (SPEC §9 `report`).

    With a `pseudonym_key`, every worker's name and id is replaced by a stable pseudonym before
    any figure is built, so that no later stage can leak one.
    """
    pseudonymise = pseudonym_key is not None
    settings = ws.settings.settings if ws.settings else Settings()
    name = ws.settings.name if ws.settings else ws.root.name
    band = settings.training_ratio
    workers = [ws.workers[worker_id] for worker_id in cohort]
    aliases = pseudonyms(cohort, pseudonym_key) if pseudonym_key is not None else {}
    facts = []
    for worker in workers:
        assessment, evidence = cohort[worker.id]
        fact = worker_facts(ws, worker, assessment, evidence, band, worker.display_name)
        if pseudonymise:
            fact = fact.model_copy(update={"id": aliases[worker.id], "name": aliases[worker.id]})
        facts.append(fact)
    programme = Figures(**figures(facts))
    target = settings.programme_target_hours
    period = settings.period
    return ProgrammeReport(
        name=name,
        federation=ws.settings.federation if ws.settings else None,
        as_of=as_of,
        pseudonymised=pseudonymise,
        band=band,
        target_hours=target,
        target_share=_ratio(programme.training_hours / target) if target else None,
        period=period,
        programme=programme,
        associations=association_rows(ws, facts),
        tracks=track_rows(facts),
        several_tracks=sum(len(f.tracks) > 1 for f in facts),
        without_work=sum(f.ratio is None for f in facts),
        distribution=ratio_distribution(facts),
        outside=outside_band(facts, association_names(ws)),
        months=month_progress(workers, ws.modules, period, target, as_of) if period else [],
    )


def needed_competencies(assessment: Assessment) -> set[str]:
    """A worker's competencies that are not `acquise` (cohort needs, SPEC §9 `coverage`)."""
    return {
        comp.id
        for ref in assessment.referentiels
        for block in ref.blocks
        for comp in block.competencies
        if comp.status != "acquise"
    }


def assessed_on(assessments: Mapping[str, Assessment], referentiel: str) -> list[Assessment]:
    return [a for a in assessments.values() if any(r.id == referentiel for r in a.referentiels)]


def block_coverage(
    ref: Referentiel,
    block: Block,
    modules: list[Module],
    cohort: list[Assessment],
    needs: Mapping[str, set[str]],
) -> BlockCoverage:
    rows = []
    for comp in block.competencies:
        full_id = ref.full_id(block, comp)
        cells = {m.id: m.hours for m in modules if full_id in m.competencies}
        rows.append(
            CompetencyCoverage(
                id=full_id,
                title=comp.title,
                cells=cells,
                modules=len(cells),
                assessed=len(cohort),
                needing=sum(full_id in needs[a.worker] for a in cohort),
            )
        )
    in_block = {module_id for row in rows for module_id in row.cells}
    return BlockCoverage(
        id=ref.full_id(block),
        title=block.title,
        hours=sum(m.hours for m in modules if m.id in in_block),
        uncovered=sum(row.modules == 0 for row in rows),
        competencies=rows,
    )


def referentiel_coverage(
    ref: Referentiel,
    catalog: Catalog,
    assessments: Mapping[str, Assessment],
    needs: Mapping[str, set[str]],
) -> ReferentielCoverage:
    """The matrix of one référentiel, block by block in file order (the order of the titre)."""
    ids = ref.competency_ids()
    modules = sorted(
        (m for m in catalog.modules if ids.intersection(m.competencies)), key=lambda m: m.id
    )
    cohort = assessed_on(assessments, ref.id)
    blocks = [block_coverage(ref, b, modules, cohort, needs) for b in ref.blocks]
    rows = [row for b in blocks for row in b.competencies]
    return ReferentielCoverage(
        id=ref.id,
        title=ref.title,
        track=ref.track,
        modules=[_column(m) for m in modules],
        assessed=len(cohort),
        blocks=blocks,
        uncovered=[r.id for r in rows if r.modules == 0],
        multiply_covered=[r.id for r in rows if r.modules > 1],
    )


def module_demand(module: Module, shown: set[str], needs: Mapping[str, set[str]]) -> ModuleDemand:
    targeted = shown.intersection(module.competencies)
    workers = sum(bool(targeted & needed) for needed in needs.values())
    sessions, below = sessions_for(workers, module)
    group = module.group
    return ModuleDemand(
        id=module.id,
        title=module.title,
        description=module.description,
        hours=module.hours,
        workers=workers,
        group_min=group.min if group else None,
        group_max=group.max if group else None,
        sessions=sessions,
        below_minimum=below,
    )


def body_coverage(
    ws: Workspace,
    body_id: str,
    assessments: Mapping[str, Assessment],
    as_of: dt.date,
    referentiel: str | None = None,
) -> Coverage:
    """The coverage of a body's catalogue and the cohort's needs (SPEC §9 `coverage`).

    Needs are counted over the workers assessed on each référentiel (their targets plus the
    transversal ones); a module's demand counts only the competencies of the référentiels shown,
    so that `--referentiel` narrows both the matrix and the demand.
    """
    catalog = find_catalog(ws, body_id)
    refs = shown_referentiels(ws, catalog, referentiel)
    needs = {worker: needed_competencies(a) for worker, a in assessments.items()}
    shown = set().union(*(r.competency_ids() for r in refs))
    demand = [
        module_demand(m, shown, needs)
        for m in catalog.modules
        if shown.intersection(m.competencies)
    ]
    return Coverage(
        body=catalog.body.id,
        body_name=catalog.body.name,
        as_of=as_of,
        referentiels=[referentiel_coverage(r, catalog, assessments, needs) for r in refs],
        demand=sorted(demand, key=lambda d: (-d.workers, d.id)),
    )
