"""What each page shows, computed from a workspace snapshot through the application layer: the
same assessment, plan, checks, coverage and report as the commands, laid out for a browser."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from markupsafe import Markup

from portfolio import journal
from portfolio.app import access
from portfolio.app.documents import author_of
from portfolio.app.engine import WorkerAssessment, WorkerPlan, worker_assessment, worker_plan
from portfolio.app.live import LiveWorkspace, Snapshot
from portfolio.app.worker_links import WorkerLink
from portfolio.coverage import Coverage, CoverageTally, coverage_facts
from portfolio.french import RESULT_WORDS, fold, fr_date, message_hours, plural
from portfolio.issues import Issue, PortfolioError
from portfolio.journal import JournalEntry
from portfolio.model.accounts import Account
from portfolio.model.evidence import Assessment
from portfolio.model.workspace import Worker
from portfolio.plan import plan_worker
from portfolio.render.consent import missing_consent
from portfolio.report import ProgrammeReport, ReportTally

if TYPE_CHECKING:
    from portfolio.render.views.dossier import DossierLink

ALERT_CODES = {
    "company-cap": "480 h en entreprise",
    "pass-iae": "PASS IAE",
    "training-ratio": "part de formation",
    "consent": "consentement",
}
"""The SPEC §8 warnings a counselor acts on, as the dashboard names them."""

_PDF_LOCK = threading.Lock()
"""WeasyPrint renders one document at a time in this process (its font machinery is shared)."""


# --- dashboard ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockProgress:
    label: str
    title: str
    acquired: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.acquired / self.total) if self.total else 0


@dataclass(frozen=True)
class Alert:
    kind: str
    text: str


@dataclass(frozen=True)
class WorkerRow:
    id: str
    name: str
    association: str
    targets: str
    blocks: tuple[BlockProgress, ...]
    alerts: tuple[Alert, ...]
    errors: int


@dataclass(frozen=True)
class Dashboard:
    rows: tuple[WorkerRow, ...]
    total: int
    shown_from: int
    page: int
    pages: int
    query: str
    scope: str
    unreadable: int


def _alerts(issues: list[Issue]) -> tuple[Alert, ...]:
    return tuple(Alert(ALERT_CODES[i.code], i.message) for i in issues if i.code in ALERT_CODES)


def _block_progress(
    snap: Snapshot, worker: Worker, assessment: Assessment
) -> tuple[BlockProgress, ...]:
    """The blocks of the worker's target certifications (transversal ones are not a goal)."""
    index = snap.ws.competency_index
    return tuple(
        BlockProgress(
            f"{ref_status.id} {block.id.rsplit('.', 1)[-1]}",
            index[block.competencies[0].id].block.title,
            block.acquired,
            block.total,
        )
        for ref_status in assessment.referentiels
        if ref_status.id in worker.targets
        for block in ref_status.blocks
        if block.competencies
    )


def _row(snap: Snapshot, stem: str, as_of: dt.date) -> WorkerRow:
    worker = snap.ws.workers[stem]
    issues = snap.worker_issues(stem, as_of)
    assessment, _ = snap.assessment(stem, as_of)
    return WorkerRow(
        id=stem,
        name=worker.display_name,
        association=_association_name(snap, worker.association),
        targets=", ".join(worker.targets) or "aucune",
        blocks=_block_progress(snap, worker, assessment),
        alerts=_alerts(issues),
        errors=sum(i.is_error for i in issues),
    )


def dashboard(
    snap: Snapshot, account: Account, as_of: dt.date, query: str, page: int, size: int
) -> Dashboard:
    def order() -> list[str]:
        visible = access.visible_workers(account, snap.ws)
        return sorted(
            visible,
            key=lambda s: (fold(visible[s].last_name), fold(visible[s].first_name), s),
        )

    stems = snap.computed(("dashboard-order", account.role, account.association), order)
    if query:
        wanted = fold(query)
        workers = snap.ws.workers
        stems = [s for s in stems if wanted in fold(f"{workers[s].display_name} {s}")]
    pages = max(1, -(-len(stems) // size))
    page = min(page, pages)
    rows = [
        snap.per_worker(stem, ("dashboard-row", as_of), lambda stem=stem: _row(snap, stem, as_of))
        for stem in stems[(page - 1) * size : page * size]
    ]
    unreadable = (
        sum(f.worker is None for f in snap.files.values())
        if access.sees_unreadable_workers(account)
        else 0
    )
    scope = (
        "Tous les salariés de la fédération"
        if account.role == access.FEDERATION
        else f"Salariés de {_association_name(snap, account.association or '')}"
    )
    return Dashboard(
        tuple(rows), len(stems), (page - 1) * size, page, pages, query, scope, unreadable
    )


def _association_name(snap: Snapshot, ident: str) -> str:
    settings = snap.ws.settings
    if settings is not None:
        for association in settings.associations:
            if association.id == ident:
                return association.name
    return ident


def warm_up(live: LiveWorkspace, as_of: dt.date) -> None:
    """Load the workspace, compute every worker's dashboard row and import the PDF renderer
    while the server starts, so that the first visitors do not wait for them."""
    snap = live.current()
    for stem in sorted(snap.ws.workers):
        snap.per_worker(stem, ("dashboard-row", as_of), lambda stem=stem: _row(snap, stem, as_of))
    from portfolio.render.pdf import require_pdf_libraries

    with contextlib.suppress(PortfolioError):  # the PDF pages say it, in French, when asked
        require_pdf_libraries()


# --- worker page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementRow:
    id: str
    client: str
    period: str
    hours: str
    tasks: str


@dataclass(frozen=True)
class ObservationRow:
    number: int
    """The observation's place in the file, from 1: its edit and delete pages name it so."""
    date: str
    by: str
    competency: str
    level: str
    placement: str
    note: str


@dataclass(frozen=True)
class TrainingRow:
    number: int
    """The training's place in the file, from 1: its edit and delete pages name it so."""
    module: str
    period: str
    hours: str
    result: str


@dataclass(frozen=True)
class WorkerView:
    stem: str
    worker: Worker
    association: str
    consent: str | None
    alerts: tuple[Alert, ...]
    issues: tuple[str, ...]
    placements: tuple[PlacementRow, ...]
    observations: tuple[ObservationRow, ...]
    trainings: tuple[TrainingRow, ...]
    assessment: WorkerAssessment
    plan: WorkerPlan
    documents: bool
    history: tuple[HistoryLine, ...]


@dataclass(frozen=True)
class HistoryLine:
    when: str
    who: str
    what: str


ACTION_WORDS = {
    "worker.add": "fiche créée",
    "placement.add": "mise à disposition ajoutée",
    "observation.add": "observation ajoutée",
    "training.add": "formation ajoutée",
    "timesheet.import": "mise à disposition importée d'une feuille de temps",
    "entry.edit": "entrée modifiée",
    "entry.delete": "entrée supprimée",
    "tutor.link": "lien pour le tuteur créé",
    "tutor.grid": "grille remplie par le tuteur",
    "tutor.revoke": "lien pour le tuteur annulé",
    "dossier.link": "lien personnel vers le dossier créé",
    "dossier.revoke": "lien personnel vers le dossier annulé",
    "credential.issue": "badge numérique remis",
}
HISTORY_SHOWN = 30


def _history(snap: Snapshot, stem: str) -> tuple[HistoryLine, ...]:
    """The journal's lines about the worker, newest first (SPEC §11)."""
    return history_lines(journal.read(snap.ws.root, worker=stem)[-HISTORY_SHOWN:])


def history_lines(lines: Sequence[JournalEntry]) -> tuple[HistoryLine, ...]:
    """Who wrote what and when, newest first, in words (worker page, edit conflicts)."""
    return tuple(
        HistoryLine(
            f"{fr_date(e.time.date())} à {e.time:%H:%M} (UTC)",
            e.login.removeprefix("cli:") + (" (commande)" if e.login.startswith("cli") else ""),
            ACTION_WORDS.get(e.action, e.action) + (f" : {e.entry}" if e.entry else ""),
        )
        for e in reversed(lines)
    )


def _period(start: dt.date, end: dt.date | None) -> str:
    if end is None or end == start:
        return fr_date(start)
    return f"du {fr_date(start)} au {fr_date(end)}"


def worker_page(snap: Snapshot, stem: str, as_of: dt.date) -> WorkerView:
    """The worker page's content, computed once per version of the files."""
    return snap.cache.get(
        ("worker-page", stem, snap.worker_version(stem), as_of),
        lambda: _worker_page(snap, stem, as_of),
    )


def _worker_page(snap: Snapshot, stem: str, as_of: dt.date) -> WorkerView:
    worker = snap.ws.workers[stem]
    issues = snap.worker_issues(stem, as_of)
    warnings = [i.message for i in issues if not i.is_error]
    assessed = snap.assessment(stem, as_of)
    plan = snap.cache.get(
        ("plan", stem, snap.worker_version(stem), as_of),
        lambda: plan_worker(snap.ws, worker, as_of, assessment=assessed[0]),
    )
    index = snap.ws.competency_index
    modules = snap.ws.modules
    return WorkerView(
        stem=stem,
        worker=worker,
        association=_association_name(snap, worker.association),
        consent=missing_consent(worker),
        alerts=_alerts(issues),
        issues=tuple(i.message for i in issues if i.is_error),
        placements=tuple(
            PlacementRow(
                p.id,
                p.client.name,
                _period(p.start, p.end),
                message_hours(p.hours),
                ", ".join(t.task for t in p.tasks),
            )
            for p in worker.placements
        ),
        observations=tuple(
            ObservationRow(
                n,
                fr_date(o.date),
                f"{o.by} ({o.role})",
                index[o.competency].competency.title if o.competency in index else o.competency,
                str(o.level),
                o.placement or "—",
                o.note or "",
            )
            for n, o in sorted(enumerate(worker.observations, 1), key=lambda no: no[1].date)
        ),
        trainings=tuple(
            TrainingRow(
                n,
                f"{t.module} — {modules[t.module].title}" if t.module in modules else t.module,
                _period(t.start, t.end),
                message_hours(t.hours),
                RESULT_WORDS.get(t.result, t.result),
            )
            for n, t in sorted(enumerate(worker.trainings, 1), key=lambda nt: nt[1].start)
        ),
        assessment=worker_assessment(snap.ws, worker, as_of, assessed, warnings),
        plan=worker_plan(snap.ws, worker, as_of, plan, warnings),
        documents=missing_consent(worker) is None,
        history=_history(snap, stem),
    )


def worker_document(
    snap: Snapshot,
    stem: str,
    doc: str,
    fmt: str,
    as_of: dt.date,
    *,
    dossier_link: DossierLink | None = None,
) -> bytes | str:
    """`dossier_link`: the worker's personal link, printed on the dossier as a QR code."""
    from portfolio.credentials.issued import issued_credentials
    from portfolio.render.documents import render_document

    document = render_document(
        snap.ws,
        snap.ws.workers[stem],
        doc,
        as_of,
        assessed=snap.assessment(stem, as_of),  # type: ignore[arg-type]
        credentials=tuple(issued_credentials(snap.ws.root, stem)) if doc == "portfolio" else (),
        dossier_link=dossier_link,
    )
    if fmt == "html":
        return document.standalone_html()
    with _PDF_LOCK:
        return document.pdf()


_MAIN_TAG = re.compile(r"<main\b[^>]*>")


def personal_dossier_page(snap: Snapshot, stem: str, as_of: dt.date, link: WorkerLink) -> str:
    """The dossier a worker's personal link opens: the same standalone page as `render --format
    html`, with, at the top of its content, the link's last day and the dossier to download as a
    PDF (with the link printed on it)."""
    from portfolio.render.environment import jinja_environment

    page = str(worker_document(snap, stem, "dossier", "html", as_of))
    banner = (
        jinja_environment()
        .get_template("web/_personal_link_banner.html.j2")
        .render(pdf=link.pdf_path, last_day=link.record.last_day)
    )
    return _MAIN_TAG.sub(lambda main: main.group(0) + banner, page, count=1)


# --- federation documents -----------------------------------------------------------------------


@dataclass(frozen=True)
class FederationFigures:
    report: ProgrammeReport
    coverages: dict[str, Coverage]
    """Body id → the coverage of its catalogue."""


def _federation(snap: Snapshot, as_of: dt.date) -> FederationFigures:
    """The programme report and every catalogue's coverage, from one pass over the workers who
    consented (SPEC §10), each assessed then dropped: only the figures are kept, until a file
    changes (SPEC §13, memory flat in the number of workers)."""

    def compute() -> FederationFigures:
        report = ReportTally(snap.ws, as_of)
        coverages = {c.body.id: CoverageTally(snap.ws, c.body.id, as_of) for c in snap.ws.catalogs}
        for stem, worker in snap.ws.workers.items():
            if missing_consent(worker) is None:
                assessment, evidence = snap.assessment(stem, as_of)
                report.add_worker(worker, assessment, evidence)
                facts = coverage_facts(assessment)
                for tally in coverages.values():
                    tally.add(facts)
        return FederationFigures(
            report.result(), {body: tally.result() for body, tally in coverages.items()}
        )

    return snap.computed(("federation", as_of), compute)


def _coverage(snap: Snapshot, body: str, as_of: dt.date) -> Coverage:
    return _federation(snap, as_of).coverages[body]


def _report(snap: Snapshot, as_of: dt.date) -> ProgrammeReport:
    return _federation(snap, as_of).report


@dataclass(frozen=True)
class CoverageNeed:
    id: str
    title: str
    needing: int
    modules: int


@dataclass(frozen=True)
class CoverageView:
    body: str
    title: str
    workers: int
    needs: tuple[CoverageNeed, ...]
    uncovered: int


def coverage_page(snap: Snapshot, body: str, as_of: dt.date) -> CoverageView:
    coverage = _coverage(snap, body, as_of)
    needs = [
        CoverageNeed(comp.id, comp.title, comp.needing, comp.modules)
        for ref in coverage.referentiels
        for block in ref.blocks
        for comp in block.competencies
        if comp.needing
    ]
    needs.sort(key=lambda n: (-n.needing, n.id))
    return CoverageView(
        body=body,
        title=f"Couverture — {coverage.body_name}",
        workers=max((ref.assessed for ref in coverage.referentiels), default=0),
        needs=tuple(needs),
        uncovered=sum(1 for n in needs if n.modules == 0),
    )


def coverage_file(snap: Snapshot, body: str, fmt: str, as_of: dt.date) -> bytes:
    from portfolio.render.federation import coverage_document

    with _PDF_LOCK:
        return coverage_document(_coverage(snap, body, as_of), fmt, author_of(snap.ws))  # type: ignore[arg-type]


@dataclass(frozen=True)
class TrainerHome:
    body: str
    body_name: str
    coverage: CoverageView | None
    """None when the account's body has no catalogue in the workspace."""


def trainer_home(snap: Snapshot, account: Account, as_of: dt.date) -> TrainerHome:
    body = account.body or ""
    names = {cat.body.id: cat.body.name for cat in snap.ws.catalogs}
    coverage = coverage_page(snap, body, as_of) if body in names else None
    return TrainerHome(body, names.get(body, body), coverage)


CHART_TITLES = {
    "progress": "Heures de formation cumulées, mois par mois, et objectif du programme",
    "tracks": "Heures de travail et de formation par filière",
    "distribution": "Répartition des salariés selon leur part de formation",
}


@dataclass(frozen=True)
class ProgrammeView:
    report: ProgrammeReport
    charts: dict[str, Markup | None]
    figures: tuple[tuple[str, str], ...]
    chart_titles: dict[str, str] = field(default_factory=lambda: CHART_TITLES)


def programme_page(snap: Snapshot, as_of: dt.date) -> ProgrammeView:
    from portfolio.render.federation import report_charts

    report = _report(snap, as_of)
    figures = report.programme
    ratio = "—" if figures.ratio is None else f"{round(figures.ratio * 100)} %"
    return ProgrammeView(
        report=report,
        charts=report_charts(report),
        figures=(
            ("Salariés comptés", str(figures.workers)),
            ("Heures de travail", message_hours(figures.work_hours)),
            ("Heures de formation", message_hours(figures.training_hours)),
            ("Part de formation", ratio),
            ("Compétences acquises", str(figures.competencies_acquired)),
            ("Blocs présentables", str(figures.blocks_presentable)),
        ),
    )


def programme_file(snap: Snapshot, fmt: str, as_of: dt.date) -> bytes:
    from portfolio.render.federation import report_document

    with _PDF_LOCK:
        return report_document(_report(snap, as_of), fmt)  # type: ignore[arg-type]


# --- checks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckLine:
    severity: str
    where: str
    message: str
    link: str | None


@dataclass(frozen=True)
class CheckView:
    lines: tuple[CheckLine, ...]
    errors: int
    warnings: int

    @property
    def counts(self) -> str:
        """« 0 erreur et 2 avertissements »: the counts `check` ends with, in the same French
        (no plural below 2)."""
        return f"{plural(self.errors, 'erreur')} et {plural(self.warnings, 'avertissement')}"


def _line(issue: Issue, link: str | None) -> CheckLine:
    loc = issue.location
    where = loc.path if loc.line == 0 else f"{loc.path}, ligne {loc.line}"
    return CheckLine(issue.severity.value, where, issue.message, link)


def check_page(snap: Snapshot, account: Account, as_of: dt.date) -> CheckView:
    """The SPEC §8 list the account may see: shared files for everyone, worker files in its
    scope; each line links to the worker it is about."""
    lines = [_line(i, None) for i in snap.shared_issues]
    if access.sees_worker_files(account):
        for stem, entry in sorted(snap.files.items()):
            if entry.worker is None:
                if access.sees_unreadable_workers(account):
                    lines += [_line(i, None) for i in entry.issues]
                continue
            if not access.sees_worker(account, entry.worker):
                continue
            lines += [_line(i, f"/salaries/{stem}") for i in snap.worker_issues(stem, as_of)]
    errors = sum(line.severity == "erreur" for line in lines)
    return CheckView(tuple(lines), errors, len(lines) - errors)
