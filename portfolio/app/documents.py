"""Documents (SPEC §9, §10): a worker's dossier or portfolio, a catalogue's coverage, the
programme report, and the build of all of them.

Rendering modules (and WeasyPrint) are imported by the functions that need them, so that the
commands that make no document start quickly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from portfolio.app.outputs import output_file
from portfolio.app.workspace import open_worker, open_workspace
from portfolio.build import BuildSummary, Progress, build
from portfolio.coverage import body_coverage, coverage_csv, find_catalog
from portfolio.credentials.issued import issued_credentials
from portfolio.french import NBSP, fr_number, plural
from portfolio.fsutil import write_atomic
from portfolio.issues import PortfolioError
from portfolio.load import worker_files
from portfolio.model.evidence import Assessment, WorkerEvidence
from portfolio.model.loaded import Workspace
from portfolio.report import assess_cohort, programme_report, report_csv
from portfolio.secret import pseudonym_key

DocKind = Literal["dossier", "portfolio"]
DocFormat = Literal["pdf", "html"]
OutputFormat = Literal["pdf", "html", "csv", "json"]
DOC_NAMES: dict[str, str] = {"dossier": "dossier", "portfolio": "dossier professionnel"}
DATA_FORMATS = ("csv", "json")
"""Figures, written to the standard output unless a file is named; other formats are
documents, always written to a file."""


def render_worker_document(
    root: Path,
    worker_id: str,
    doc: DocKind,
    fmt: DocFormat,
    as_of: dt.date,
    output: Path | None,
    announce: Callable[[str], None] = lambda _: None,
) -> str:
    """Write one document of one worker (by default ./<salarié>-<document>.<format>); returns
    the line that says where. `announce` hears what is being prepared, before the wait."""
    from portfolio.render.consent import require_consent
    from portfolio.render.documents import render_document, write_document
    from portfolio.render.pdf import require_pdf_libraries

    ws, worker = open_worker(root, worker_id)
    require_consent(worker)
    if fmt == "pdf":
        require_pdf_libraries()
    target = output_file(output, f"{worker.id}-{doc}.{fmt}", fmt)
    announce(f"Préparation du {DOC_NAMES[doc]} de {worker.display_name}…")
    credentials = issued_credentials(ws.root, worker.id) if doc == "portfolio" else []
    document = render_document(ws, worker, doc, as_of, credentials=credentials)
    write_document(document, target, fmt)
    return f"Document écrit : {target}"


def author_of(ws: Workspace) -> str:
    if ws.settings is None:
        return ws.root.name
    return ws.settings.federation or ws.settings.name


def consenting_cohort(
    ws: Workspace, as_of: dt.date, announce: Callable[[str], None]
) -> dict[str, tuple[Assessment, WorkerEvidence]]:
    """The assessed workers a federation's figures count: those who consented (SPEC §10,
    docs/donnees-personnelles.md); `announce` hears who was left out."""
    from portfolio.render.consent import consenting, withheld_workers

    withheld = withheld_workers(ws)
    if withheld:
        announce(
            f"{plural(len(withheld), 'salarié')} sans consentement "
            f"{'non compté' if len(withheld) == 1 else 'non comptés'} : {', '.join(withheld)} "
            "(« portfolio check » dit quoi faire)"
        )
    return consenting(ws, assess_cohort(ws, as_of))


def coverage_output(
    root: Path,
    body: str,
    referentiel: str | None,
    fmt: OutputFormat,
    as_of: dt.date,
    announce: Callable[[str], None] = lambda _: None,
) -> str | bytes:
    """A training body's coverage (SPEC §9 `coverage`) in the asked format, over the workers
    who consented."""
    ws, _ = open_workspace(root)
    find_catalog(ws, body)
    cohort = consenting_cohort(ws, as_of, announce)
    assessments = {worker: a for worker, (a, _) in cohort.items()}
    coverage = body_coverage(ws, body, assessments, as_of, referentiel)
    if fmt == "json":
        return coverage.model_dump_json(indent=2) + "\n"
    if fmt == "csv":
        return coverage_csv(coverage)
    from portfolio.render.federation import coverage_document

    return coverage_document(coverage, fmt, author_of(ws))


def report_output(
    root: Path,
    fmt: OutputFormat,
    as_of: dt.date,
    *,
    pseudonymise: bool,
    announce: Callable[[str], None] = lambda _: None,
) -> str | bytes:
    """The programme report (SPEC §9 `report`) in the asked format, over the workers who
    consented."""
    ws, _ = open_workspace(root)
    key = pseudonym_key() if pseudonymise else None
    cohort = consenting_cohort(ws, as_of, announce)
    report = programme_report(ws, cohort, as_of, pseudonym_key=key)
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    if fmt == "csv":
        return report_csv(report)
    from portfolio.render.federation import report_document

    return report_document(report, fmt)


def save_output(content: str | bytes, target: Path) -> str:
    """Write a command's document atomically; returns the line that says where."""
    write_atomic(target, content)
    return f"Écrit : {target}"


def build_documents(
    root: Path,
    output: Path,
    as_of: dt.date,
    *,
    jobs: int | None,
    timeout: float,
    progress: Progress | None = None,
) -> BuildSummary:
    """Every document of the workspace, incrementally (SPEC §9 `build`)."""
    return build(root, output, as_of, jobs=jobs, timeout=timeout, progress=progress)


def build_report(summary: BuildSummary, output: Path) -> tuple[list[str], list[str], str]:
    """The failures and the workers left out for lack of consent, one line each, and the
    closing line of a build."""
    from portfolio.render.consent import how_to_consent

    failures = [
        f"échec {document} : {reason}" for document, reason in sorted(summary.failed.items())
    ]
    withheld = [
        f"sans consentement, aucun document pour {worker} : {reason} ; {how_to_consent(worker)}"
        for worker, reason in summary.withheld.items()
    ]
    removed = f", {plural(len(summary.removed), 'supprimé')}" if summary.removed else ""
    skipped = (
        f", {plural(len(summary.withheld), 'salarié')} sans consentement (aucun document)"
        if summary.withheld
        else ""
    )
    closing = (
        f"{plural(len(summary.rendered), 'document produit', 'documents produits')}, "
        f"{plural(len(summary.reused), 'réutilisé')}, {len(summary.failed)} en échec{removed}"
        f"{skipped}, en {fr_number(summary.seconds, 1)}{NBSP}s. Index : {output / 'index.html'}"
    )
    return failures, withheld, closing


def require_demo_pdf(root: Path) -> None:
    """Stop the demo before its build when no PDF can be made on this computer (WeasyPrint's
    system libraries are missing): its workspace is there and checked, and HTML documents can be
    printed from it meanwhile; the install commands follow the message."""
    from portfolio.render.pdf import PdfLibrariesMissing, require_pdf_libraries

    try:
        require_pdf_libraries()
    except PdfLibrariesMissing as exc:
        workers = worker_files(root)
        sample = workers[0].stem if workers else "SALARIÉ"
        raise PortfolioError(
            f"l'espace de démonstration est prêt dans {root}, mais {exc}",
            details=(
                *exc.details,
                "Un dossier en HTML, dès maintenant :",
                f"  portfolio render {sample} --doc dossier --format html -w {root}",
            ),
        ) from None


def demo_ready(root: Path, documents: Path) -> str:
    return f"Démonstration prête dans {root} : ouvrez {documents / 'index.html'}."
