"""The programme report for the federation (SPEC §9 `report`).

Each worker is reduced to a few facts (`worker_facts`, computed where the worker was assessed),
which `ReportTally` folds one at a time into sums per association and set of tracks; the
figures per association and track, per association, per track and for the whole programme, the
month-by-month progress over `settings.period` and the ratio histogram are made from these sums
at the end. Memory does not grow with the number of workers (SPEC §13), save for the workers the
report lists. Definitions of every figure: docs/rapport-programme.md.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import hashlib
import hmac
import io
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

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
DIGEST_BITS = 256
HEX_DIGITS = DIGEST_BITS // 4


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


class WorkerFacts(NamedTuple):
    """What the report needs of one worker (`worker_facts`): a few numbers, small enough to send
    from the process that assessed the worker to the one that folds the report."""

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
    months: tuple[tuple[float, float], ...]
    """(training hours, work hours) in each month of the period, up to the month of the report
    date (`worker_months`)."""


def assess_cohort(ws: Workspace, as_of: dt.date) -> dict[str, tuple[Assessment, WorkerEvidence]]:
    """Every worker assessed at `as_of` on their targets and the transversal référentiels."""
    return {
        worker_id: assess(ws, worker, as_of) for worker_id, worker in sorted(ws.workers.items())
    }


class Pseudonyms:
    """Stable pseudonyms « Salarié·e 7F3A »: a keyed hash (HMAC-SHA256) of the worker id, so that
    the same worker keeps the same pseudonym from one report to the next. The key is a secret
    (portfolio.secret) that never appears in a report: without it, guessing a worker id (ids
    made of names, like `fatima-b`) does not tell which pseudonym is theirs. Two workers whose
    first four hex digits collide both get longer ones.

    A pseudonym's length thus depends on every worker counted: each one's digest is kept (about
    80 bytes a worker), the only part of a pseudonymised report that grows with the cohort
    besides the workers it lists."""

    def __init__(self, key: str) -> None:
        self._key = key.encode()
        self._digests: list[bytes] = []

    def _digest(self, worker_id: str) -> bytes:
        return hmac.new(self._key, worker_id.encode(), hashlib.sha256).digest()

    def add(self, worker_id: str) -> None:
        self._digests.append(self._digest(worker_id))

    def names(self, worker_ids: Iterable[str]) -> dict[str, str]:
        """The pseudonyms of some of the workers added: four hex digits, two more as long as
        another worker's digest starts with the same ones (its neighbours in sorted order share
        the longest start)."""
        ordered = sorted(self._digests)
        names = {}
        for worker_id in worker_ids:
            digest = self._digest(worker_id)
            at = bisect.bisect_left(ordered, digest)
            neighbours = ordered[max(at - 1, 0) : at] + ordered[at + 1 : at + 2]
            shared = max((common_hex_digits(digest, n) for n in neighbours), default=0)
            length = min(HEX_DIGITS, max(PSEUDONYM_LENGTH, shared + 2 - shared % 2))
            names[worker_id] = f"Salarié·e {digest.hex().upper()[:length]}"
        return names


def common_hex_digits(first: bytes, second: bytes) -> int:
    """How many hex digits two digests start with in common."""
    differing = (int.from_bytes(first) ^ int.from_bytes(second)).bit_length()
    return (DIGEST_BITS - differing) // 4


def worker_tracks(ws: Workspace, worker: Worker) -> tuple[str, ...]:
    """The tracks of the worker's targets; a worker without targets is only assessed on the
    transversal référentiels, hence the `transversal` track."""
    tracks = {ws.referentiels[t].track for t in worker.targets if t in ws.referentiels}
    return tuple(t for t in TRACKS if t in tracks) or ("transversal",)


def report_settings(ws: Workspace) -> Settings:
    return ws.settings.settings if ws.settings else Settings()


def worker_facts(
    ws: Workspace, worker: Worker, assessment: Assessment, evidence: WorkerEvidence
) -> WorkerFacts:
    """A worker's part of the report, from their assessment (at the report date)."""
    settings = report_settings(ws)
    tracks = worker_tracks(ws, worker)
    training = training_hours(worker, ws.modules, assessment.as_of)
    ratio, position = ratio_position(evidence.work_hours, training, settings.training_ratio)
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
        name=worker.display_name,
        association=worker.association,
        tracks=tracks,
        work_hours=evidence.work_hours,
        training_hours=training,
        ratio=ratio,
        position=position,
        acquired=acquired,
        presentable=presentable,
        transversal_acquired=transversal,
        months=worker_months(worker, ws.modules, settings.period, assessment.as_of),
    )


def _hours(value: float) -> float:
    return round(value + 0.0, HOURS_DECIMALS)


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, RATIO_DECIMALS)


FLOAT_UNIT_BITS = 1074
"""Every finite float is a whole number of 2**-1074, the smallest one."""


class ExactSum:
    """A sum of floats kept exact, as a whole number of 2**-1074 (a Python integer of about a
    thousand bits), then rounded once. Workers reach a report from parallel processes, shards
    or a web server's cache in any order; an exact sum makes its figures the same whatever the
    order, where a float sum's last digits depend on it."""

    __slots__ = ("units",)

    def __init__(self) -> None:
        self.units = 0

    def add(self, value: float) -> None:
        if value:
            numerator, denominator = value.as_integer_ratio()  # denominator: a power of 2
            self.units += numerator << (FLOAT_UNIT_BITS + 1 - denominator.bit_length())

    @property
    def total(self) -> float:
        return exact_total([self])


def exact_total(sums: Iterable[ExactSum]) -> float:
    """The sum of exact sums, correctly rounded (Python divides integers so)."""
    return sum(s.units for s in sums) / (1 << FLOAT_UNIT_BITS)


@dataclass
class _Group:
    """The workers of one association who share one set of tracks. Every figure of the report
    sums such groups (`figures`): each worker is added to one group only."""

    workers: int = 0
    work: ExactSum = field(default_factory=ExactSum)
    training: ExactSum = field(default_factory=ExactSum)
    outside: int = 0
    transversal: int = 0
    acquired: Counter[str] = field(default_factory=Counter)
    presentable: Counter[str] = field(default_factory=Counter)
    with_presentable: Counter[str] = field(default_factory=Counter)
    """Track → workers with at least one presentable block in that track."""
    with_any_presentable: int = 0

    def add(self, facts: WorkerFacts) -> None:
        self.workers += 1
        self.work.add(facts.work_hours)
        self.training.add(facts.training_hours)
        self.outside += facts.position is not None
        self.transversal += facts.transversal_acquired
        for track, count in facts.acquired.items():
            self.acquired[track] += count
        for track, count in facts.presentable.items():
            self.presentable[track] += count
            self.with_presentable[track] += count > 0
        self.with_any_presentable += any(facts.presentable.values())


def figures(groups: Sequence[_Group], track: str | None = None) -> dict[str, object]:
    """Sum groups of workers. With `track`, competencies and blocks are those of the
    référentiels of that track; without, those of every track of each worker (each worker
    counted once). Transversal competencies are in every group's count, once per worker;
    transversal blocks only in the transversal track's (workers with no trade target)."""
    work = exact_total(g.work for g in groups)
    training = exact_total(g.training for g in groups)

    def in_tracks(counts: Counter[str]) -> int:
        return counts[track] if track is not None else sum(counts.values())

    return {
        "workers": sum(g.workers for g in groups),
        "work_hours": _hours(work),
        "training_hours": _hours(training),
        "ratio": _ratio(training / work) if work else None,
        "outside_band": sum(g.outside for g in groups),
        "competencies_acquired": sum(in_tracks(g.acquired) + g.transversal for g in groups),
        "transversal_acquired": sum(g.transversal for g in groups),
        "blocks_presentable": sum(in_tracks(g.presentable) for g in groups),
        "workers_with_presentable_block": sum(
            g.with_presentable[track] if track is not None else g.with_any_presentable
            for g in groups
        ),
    }


def track_rows(groups: Sequence[tuple[tuple[str, ...], _Group]]) -> list[TrackFigures]:
    """One row per track with workers, in the glossary's order, from (tracks, group) pairs; a
    worker with targets in two tracks is in both rows, with all their hours."""
    return [
        TrackFigures(track=track, **figures(members, track))
        for track in TRACKS
        if (members := [group for tracks, group in groups if track in tracks])
    ]


def association_names(ws: Workspace) -> dict[str, str]:
    return {a.id: a.name for a in ws.settings.associations} if ws.settings else {}


BIN_COUNT = round(HISTOGRAM_TOP / HISTOGRAM_WIDTH)
BIN_EDGES = tuple(round(i * HISTOGRAM_WIDTH, 6) for i in range(BIN_COUNT + 1))


def ratio_bin(ratio: float) -> int:
    """The histogram bin of a worker's ratio; a ratio on an edge falls in the upper bin."""
    ratio = round(ratio, 6)
    return max(i for i, edge in enumerate(BIN_EDGES) if edge <= ratio)


class _Outside(NamedTuple):
    """A worker outside the band, as the report lists them."""

    association: str
    name: str
    worker: str
    work_hours: float
    training_hours: float
    ratio: float | None
    position: Position


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


def worker_months(
    worker: Worker, modules: Mapping[str, Module], period: Period | None, as_of: dt.date
) -> tuple[tuple[float, float], ...]:
    """A worker's (training, work) hours in each month of the period, up to the month of
    `as_of`: a training counts in the month of its end date, a placement's hours are spread over
    its days."""
    if period is None:
        return ()
    trainings = counted_trainings(worker, modules, as_of)
    return tuple(
        (
            math.fsum(t.hours for t in trainings if start <= t.end_date <= end),
            math.fsum(placement_hours_between(p, start, end, as_of) for p in worker.placements),
        )
        for start, end in months_of(period)
        if start <= as_of
    )


def month_rows(
    period: Period, target: float | None, as_of: dt.date, sums: Sequence[tuple[ExactSum, ExactSum]]
) -> list[MonthProgress]:
    """Training and work hours per month of the period, from the (training, work) sums of the
    months that start by `as_of`; later months have no figures."""
    total_days = days_inclusive(period.start, period.end)
    cumulative = 0.0
    rows = []
    for index, (start, end) in enumerate(months_of(period)):
        target_line = target * days_inclusive(period.start, end) / total_days if target else None
        training = work = None
        if start <= as_of:
            training_sum, work_sum = sums[index]
            training, work = training_sum.total, work_sum.total
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


class ReportTally:
    """The federation's report on the programme at `as_of` (SPEC §9 `report`), folded one worker
    at a time so that memory stays flat in the number of workers (SPEC §13).

    `ws` needs only the shared files. Workers come as `WorkerFacts` (`add`, e.g. computed in the
    processes that assessed them) or as models (`add_worker`), in any order: the report is the
    same. Per worker, only what the report prints is kept: the workers outside the band, and,
    with a `pseudonym_key`, every worker's digest (`Pseudonyms`). With a key, names and ids are
    replaced by pseudonyms as the report is made, so that no later stage can leak one.
    """

    def __init__(self, ws: Workspace, as_of: dt.date, *, pseudonym_key: str | None = None) -> None:
        self.ws = ws
        self.as_of = as_of
        self.settings = report_settings(ws)
        self.pseudonyms = Pseudonyms(pseudonym_key) if pseudonym_key is not None else None
        self._groups: dict[tuple[str, tuple[str, ...]], _Group] = {}
        self._bins = [0] * len(BIN_EDGES)
        self._without_work = 0
        self._several_tracks = 0
        self._outside: list[_Outside] = []
        period = self.settings.period
        self._months = [
            (ExactSum(), ExactSum())
            for start, _ in (months_of(period) if period else ())
            if start <= as_of
        ]

    def add_worker(self, worker: Worker, assessment: Assessment, evidence: WorkerEvidence) -> None:
        self.add(worker_facts(self.ws, worker, assessment, evidence))

    def add(self, facts: WorkerFacts) -> None:
        key = (facts.association, facts.tracks)
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = _Group()
        group.add(facts)
        if facts.ratio is None:
            self._without_work += 1
        else:
            self._bins[ratio_bin(facts.ratio)] += 1
        self._several_tracks += len(facts.tracks) > 1
        for (training, work), (training_sum, work_sum) in zip(
            facts.months, self._months, strict=True
        ):
            training_sum.add(training)
            work_sum.add(work)
        if facts.position is not None:
            self._outside.append(
                _Outside(
                    facts.association,
                    facts.name,
                    facts.id,
                    facts.work_hours,
                    facts.training_hours,
                    facts.ratio,
                    facts.position,
                )
            )
        if self.pseudonyms is not None:
            self.pseudonyms.add(facts.id)

    def result(self) -> ProgrammeReport:
        ws, settings = self.ws, self.settings
        groups = list(self._groups.items())
        programme = Figures(**figures([group for _, group in groups]))
        target = settings.programme_target_hours
        period = settings.period
        return ProgrammeReport(
            name=ws.settings.name if ws.settings else ws.root.name,
            federation=ws.settings.federation if ws.settings else None,
            as_of=self.as_of,
            pseudonymised=self.pseudonyms is not None,
            band=settings.training_ratio,
            target_hours=target,
            target_share=_ratio(programme.training_hours / target) if target else None,
            period=period,
            programme=programme,
            associations=self._association_rows(),
            tracks=track_rows([(tracks, group) for (_, tracks), group in groups]),
            several_tracks=self._several_tracks,
            without_work=self._without_work,
            distribution=[
                RatioBin(
                    low=BIN_EDGES[i],
                    high=BIN_EDGES[i + 1] if i < BIN_COUNT else None,
                    workers=self._bins[i],
                )
                for i in range(BIN_COUNT + 1)
            ],
            outside=self._outside_rows(),
            months=month_rows(period, target, self.as_of, self._months) if period else [],
        )

    def _association_rows(self) -> list[AssociationFigures]:
        """Every association of workspace.yaml, in file order, then any unknown id workers
        use."""
        names = association_names(self.ws)
        ids = list(names) + sorted({a for a, _ in self._groups} - set(names))
        rows = []
        for association in ids:
            members = [(t, group) for (a, t), group in self._groups.items() if a == association]
            rows.append(
                AssociationFigures(
                    id=association,
                    name=names.get(association, association),
                    tracks=track_rows(members),
                    **figures([group for _, group in members]),
                )
            )
        return rows

    def _outside_rows(self) -> list[WorkerRatio]:
        """The workers outside the band by association, then name (pseudonym)."""
        names = association_names(self.ws)
        aliases = (
            self.pseudonyms.names(o.worker for o in self._outside)
            if self.pseudonyms is not None
            else {}
        )
        shown = sorted(
            (
                o._replace(worker=aliases[o.worker], name=aliases[o.worker])
                if self.pseudonyms is not None
                else o
                for o in self._outside
            ),
            key=lambda o: (o.association, o.name, o.worker),
        )
        return [
            WorkerRatio(
                worker=o.worker,
                name=o.name,
                association=o.association,
                association_name=names.get(o.association, o.association),
                work_hours=_hours(o.work_hours),
                training_hours=_hours(o.training_hours),
                ratio=_ratio(o.ratio),
                position=o.position,
            )
            for o in shown
        ]


def programme_report(
    ws: Workspace,
    cohort: Mapping[str, tuple[Assessment, WorkerEvidence]],
    as_of: dt.date,
    *,
    pseudonym_key: str | None = None,
) -> ProgrammeReport:
    """The report of a cohort already assessed (`assess_cohort`), by file stem."""
    tally = ReportTally(ws, as_of, pseudonym_key=pseudonym_key)
    for stem, (assessment, evidence) in cohort.items():
        tally.add_worker(ws.workers[stem], assessment, evidence)
    return tally.result()


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
