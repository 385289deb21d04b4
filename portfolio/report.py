"""The programme report for the federation (SPEC §9 `report`).

Pure functions: every worker is assessed once (`assess_cohort`), reduced to a few facts
(`worker_facts`), then the facts are summed per association and track, per track, and for the
whole programme. Month-by-month progress is computed from the worker files over
`settings.period`. Definitions of every figure: docs/rapport-programme.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
from collections import Counter
from collections.abc import Iterable, Mapping

from portfolio.assess import assess, counted_trainings, training_hours
from portfolio.checks import Position, ratio_position
from portfolio.match import days_inclusive
from portfolio.model.evidence import Assessment, Result, WorkerEvidence
from portfolio.model.literals import TRACKS
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Module, Period, Placement, Settings, Worker

HOURS_DECIMALS = 2
RATIO_DECIMALS = 3
HISTOGRAM_WIDTH = 0.05
HISTOGRAM_TOP = 0.40
"""Ratio histogram: bins of 5 points from 0 %, the last one open from 40 %."""
PSEUDONYM_LENGTH = 4


class Figures(Result):
    """The figures of one group of workers (see docs/rapport-programme.md)."""

    workers: int
    work_hours: float
    training_hours: float
    ratio: float | None
    """Training hours / work hours of the group; null without work hours."""
    outside_band: int
    competencies_acquired: int
    """In the référentiels of the group's tracks plus the transversal ones."""
    transversal_acquired: int
    """Of them, those of the transversal référentiels (savoir-être, numérique)."""
    blocks_presentable: int
    workers_with_presentable_block: int


class TrackFigures(Figures):
    track: str


class AssociationFigures(Figures):
    id: str
    name: str
    tracks: list[TrackFigures]


class WorkerRatio(Result):
    """A worker whose training ratio is outside the wanted band."""

    worker: str
    name: str
    association: str
    association_name: str
    work_hours: float
    training_hours: float
    ratio: float | None
    position: Position


class RatioBin(Result):
    low: float
    high: float | None
    """Exclusive upper bound; null for the last, open bin."""
    workers: int


class MonthProgress(Result):
    month: str
    """`AAAA-MM`."""
    start: dt.date
    end: dt.date
    """The month clipped to the programme period."""
    training_hours: float | None
    """Null for months that start after the report date."""
    work_hours: float | None
    cumulative_training_hours: float | None
    target_cumulative_hours: float | None
    """The target pro-rated linearly over the period's days; null without a target."""


class ProgrammeReport(Result):
    name: str
    federation: str | None
    as_of: dt.date
    pseudonymised: bool
    band: tuple[float, float]
    target_hours: float | None
    target_share: float | None
    """Programme training hours / target hours."""
    period: Period | None
    programme: Figures
    associations: list[AssociationFigures]
    tracks: list[TrackFigures]
    several_tracks: int
    """Workers counted in more than one track (they have targets in several tracks)."""
    without_work: int
    """Workers with no work hours yet: they have no ratio and are left out of the histogram."""
    distribution: list[RatioBin]
    outside: list[WorkerRatio]
    months: list[MonthProgress]


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


def assess_cohort(ws: Workspace, as_of: dt.date) -> dict[str, tuple[Assessment, WorkerEvidence]]:
    """Every worker assessed at `as_of` on their targets and the transversal référentiels."""
    return {
        worker_id: assess(ws, worker, as_of) for worker_id, worker in sorted(ws.workers.items())
    }


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


def worker_tracks(ws: Workspace, worker: Worker) -> tuple[str, ...]:
    """The tracks of the worker's targets; a worker without targets is only assessed on the
    transversal référentiels, hence the `transversal` track."""
    tracks = {ws.referentiels[t].track for t in worker.targets if t in ws.referentiels}
    return tuple(t for t in TRACKS if t in tracks) or ("transversal",)


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


def _hours(value: float) -> float:
    return round(value + 0.0, HOURS_DECIMALS)


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, RATIO_DECIMALS)


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


def association_names(ws: Workspace) -> dict[str, str]:
    return {a.id: a.name for a in ws.settings.associations} if ws.settings else {}


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


def months_of(period: Period) -> list[tuple[dt.date, dt.date]]:
    """The calendar months of the period, the first and last clipped to it."""
    months = []
    start = period.start
    while start <= period.end:
        following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        months.append((start, min(following - dt.timedelta(days=1), period.end)))
        start = following
    return months


def placement_hours_between(
    placement: Placement, start: dt.date, end: dt.date, as_of: dt.date
) -> float:
    """A placement's hours spread evenly over its days (SPEC §5.4's pro-rating), counted on the
    days from `start` to `end` that are not after `as_of`."""
    if placement.hours <= 0 or placement.end < placement.start:
        return 0.0
    first, last = max(placement.start, start), min(placement.end, end, as_of)
    if last < first:
        return 0.0
    share = days_inclusive(first, last) / days_inclusive(placement.start, placement.end)
    return placement.hours * share


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


CSV_SEPARATOR = ";"
CSV_BOM = "\ufeff"
"""Semicolons, decimal commas and a UTF-8 byte order mark: what Excel in French expects to open
a file with accents by a double click (docs/rapport-programme.md)."""

REPORT_COLUMNS = (
    "niveau",
    "association",
    "association_nom",
    "filiere",
    "mois",
    "salaries",
    "heures_travail",
    "heures_formation",
    "ratio_formation",
    "salaries_hors_fourchette",
    "competences_acquises",
    "competences_transversales_acquises",
    "blocs_presentables",
    "salaries_avec_bloc_presentable",
    "heures_formation_cumulees",
    "objectif_heures",
    "part_objectif",
)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection")."""


def csv_value(value: object) -> str:
    """A cell: numbers with a decimal comma and no exponent, nothing for null, text made inert.

    A text starting like a formula (an association named « =HYPERLINK(…) ») gets a leading
    apostrophe, as OWASP recommends, so that Excel or LibreOffice shows it instead of running
    it; numbers, negative ones included, stay numbers.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if text not in ("-0", "") else "0"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(columns: Iterable[str], rows: Iterable[Mapping[str, object]]) -> str:
    """One flat table, every value quoted only when it has to be; headers are cells too, as
    the coverage table has a column per module id."""
    columns = list(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow([csv_value(column) for column in columns])
    for row in rows:
        writer.writerow([csv_value(row.get(c)) for c in columns])
    return CSV_BOM + buffer.getvalue()


def _figure_cells(group: Figures) -> dict[str, object]:
    return {
        "salaries": group.workers,
        "heures_travail": group.work_hours,
        "heures_formation": group.training_hours,
        "ratio_formation": group.ratio,
        "salaries_hors_fourchette": group.outside_band,
        "competences_acquises": group.competencies_acquired,
        "competences_transversales_acquises": group.transversal_acquired,
        "blocs_presentables": group.blocks_presentable,
        "salaries_avec_bloc_presentable": group.workers_with_presentable_block,
    }


def report_rows(report: ProgrammeReport) -> list[dict[str, object]]:
    """The report as one flat table: association × track rows followed by their association's
    total, then track totals, the programme, and one row per month."""
    rows: list[dict[str, object]] = []
    for assoc in report.associations:
        where = {"association": assoc.id, "association_nom": assoc.name}
        for track in assoc.tracks:
            rows.append(
                {"niveau": "association-filiere", **where, "filiere": track.track}
                | _figure_cells(track)
            )
        rows.append({"niveau": "association", **where} | _figure_cells(assoc))
    for track in report.tracks:
        rows.append({"niveau": "filiere", "filiere": track.track} | _figure_cells(track))
    rows.append(
        {
            "niveau": "programme",
            "objectif_heures": report.target_hours,
            "part_objectif": report.target_share,
        }
        | _figure_cells(report.programme)
    )
    for month in report.months:
        rows.append(
            {
                "niveau": "mois",
                "mois": month.month,
                "heures_travail": month.work_hours,
                "heures_formation": month.training_hours,
                "heures_formation_cumulees": month.cumulative_training_hours,
                "objectif_heures": month.target_cumulative_hours,
            }
        )
    return rows


def report_csv(report: ProgrammeReport) -> str:
    return csv_text(REPORT_COLUMNS, report_rows(report))
