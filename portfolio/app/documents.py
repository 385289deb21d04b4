"""Documents (SPEC §9, §10): a worker's dossier or portfolio, a catalogue's coverage, the
programme report, and the build of all of them.

Rendering modules (and WeasyPrint) are imported by the functions that need them, so that the
commands that make no document start quickly.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal, NamedTuple

from portfolio.app.outputs import output_file
from portfolio.app.workspace import FIX_AND_RETRY, open_worker, open_workspace
from portfolio.assess import assess
from portfolio.build import BuildSummary, Progress, RemoteRenderer, Shard, build
from portfolio.cohort import map_workers
from portfolio.coverage import CoverageFacts, CoverageTally, coverage_csv, coverage_facts
from portfolio.credentials.issued import issued_credentials
from portfolio.french import NBSP, fr_date, fr_number, plural
from portfolio.fsutil import write_atomic
from portfolio.issues import Issue, PortfolioError, cap_per_file
from portfolio.load import worker_files
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.report import ReportTally, WorkerFacts, report_csv, worker_facts
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
    *,
    large_print: bool = False,
    link_address: str | None = None,
) -> str:
    """Write one document of one worker (by default ./<salarié>-<document>.<format>, and
    ./<salarié>-dossier-gros-caracteres.<format> in large print, so that both editions can sit
    side by side); returns the lines that say where (and give the link). `announce` hears what
    is being prepared, before the wait.

    With `link_address` (the server's public address), the dossier is printed with a new
    personal link of the worker as a QR code (`worker_links.dossier_with_link`)."""
    from portfolio.render.consent import require_consent
    from portfolio.render.documents import render_document, write_document
    from portfolio.render.pdf import require_pdf_libraries

    if doc != "dossier":
        for option, asked, why in (
            ("--gros-caracteres", large_print, "garde sa taille de texte"),
            ("--lien", link_address is not None, "ne s'ouvre pas avec un lien personnel"),
        ):
            if asked:
                raise PortfolioError(
                    f"{option} ne vaut que pour le dossier du salarié (--doc dossier) : le "
                    f"dossier professionnel, lu par le certificateur, {why}.",
                    exit_code=2,
                )
    ws, worker = open_worker(root, worker_id)
    require_consent(worker)
    if fmt == "pdf":
        require_pdf_libraries()
    edition = "-gros-caracteres" if large_print else ""
    target = output_file(output, f"{worker.id}-{doc}{edition}.{fmt}", fmt)
    announce(f"Préparation du {DOC_NAMES[doc]} de {worker.display_name}…")
    if link_address is not None:
        from portfolio.app.worker_links import dossier_with_link

        document, link = dossier_with_link(
            root, worker.id, link_address, as_of, actor=None, large_print=large_print
        )
        write_document(document, target, fmt)
        return (
            f"Document écrit : {target}\n"
            f"Lien personnel de {worker.display_name}, valable jusqu'au "
            f"{fr_date(link.last_day, 'long')} : {link.url}"
        )
    credentials = issued_credentials(ws.root, worker.id) if doc == "portfolio" else []
    document = render_document(
        ws, worker, doc, as_of, credentials=credentials, large_print=large_print
    )
    write_document(document, target, fmt)
    return f"Document écrit : {target}"


def author_of(ws: Workspace) -> str:
    if ws.settings is None:
        return ws.root.name
    return ws.settings.federation or ws.settings.name


class FederationShare(NamedTuple):
    """What the federation's figures need of one worker file (`federation_share`), small enough
    to send between processes."""

    stem: str
    errors: list[Issue]
    """The file's errors (loading it and SPEC §8 checks): the figures are then refused."""
    withheld: bool
    """No recorded consent (SPEC §10): the worker is counted nowhere."""
    facts: tuple[WorkerFacts, CoverageFacts] | None
    """The worker's part of the report and of every coverage, when counted."""


def federation_share(
    ws: Workspace, stem: str, worker: Worker | None, issues: list[Issue], as_of: dt.date
) -> FederationShare:
    """A `portfolio.cohort` stage: a worker's part of the federation's figures."""
    from portfolio.render.consent import missing_consent

    errors = [i for i in issues if i.is_error]
    if worker is None or errors:
        return FederationShare(stem, cap_per_file(errors), False, None)
    if missing_consent(worker) is not None:
        return FederationShare(stem, [], True, None)
    assessment, evidence = assess(ws, worker, as_of)
    facts = (worker_facts(ws, worker, assessment, evidence), coverage_facts(assessment))
    return FederationShare(stem, [], False, facts)


def consenting_facts(
    ws: Workspace, as_of: dt.date, announce: Callable[[str], None]
) -> Iterator[tuple[WorkerFacts, CoverageFacts]]:
    """The part of each worker a federation's figures count: those who consented (SPEC §10,
    docs/donnees-personnelles.md), read one file at a time on every core, so that memory does
    not grow with the federation (SPEC §13). Once every file is read, errors in any of them
    refuse the figures, all listed (figures over part of the workers would look right); else
    `announce` hears who was left out."""
    errors: list[Issue] = []
    withheld: list[str] = []
    for share in map_workers(ws.root, as_of, federation_share):
        errors += share.errors
        if share.withheld:
            withheld.append(share.stem)
        elif share.facts is not None:
            yield share.facts
    if errors:
        raise PortfolioError(
            f"l'espace de travail contient des erreurs (ci-dessus) : {FIX_AND_RETRY}",
            issues=errors,
        )
    if withheld:
        announce(
            f"{plural(len(withheld), 'salarié')} sans consentement "
            f"{'non compté' if len(withheld) == 1 else 'non comptés'} : {', '.join(withheld)} "
            "(« portfolio check » dit quoi faire)"
        )


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
    ws, _ = open_workspace(root, workers=False)
    tally = CoverageTally(ws, body, as_of, referentiel)
    for _, facts in consenting_facts(ws, as_of, announce):
        tally.add(facts)
    coverage = tally.result()
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
    ws, _ = open_workspace(root, workers=False)
    tally = ReportTally(ws, as_of, pseudonym_key=pseudonym_key() if pseudonymise else None)
    for facts, _ in consenting_facts(ws, as_of, announce):
        tally.add(facts)
    report = tally.result()
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
    shard: str | None = None,
    scheduler: str | None = None,
) -> BuildSummary:
    """Every document of the workspace, incrementally (SPEC §9 `build`), or one part of them
    (`shard`, « K/N »), rendered here or on a Dask cluster (`scheduler`, SPEC §13)."""
    if jobs is not None and scheduler is not None:
        raise PortfolioError(
            "--jobs et --scheduler ne vont pas ensemble : sur une grappe Dask, le nombre de "
            "processus est celui des nœuds (dask worker --nworkers N).",
            exit_code=2,
        )
    return build(
        root,
        output,
        as_of,
        jobs=jobs,
        timeout=timeout,
        progress=progress,
        shard=parse_shard(shard) if shard is not None else None,
        remote=dask_cluster(scheduler) if scheduler is not None else None,
    )


def dask_cluster(address: str) -> RemoteRenderer:
    """The rendering sent to the Dask cluster whose scheduler is at `address` (SPEC §13)."""
    from portfolio.cluster import DaskRenderer

    return functools.partial(DaskRenderer, address)


def parse_shard(text: str) -> Shard:
    """« 2/8 » → part 2 of 8."""
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if found is None:
        raise PortfolioError(
            f"--shard « {text} » : écrivez la part et le nombre de parts, par exemple 2/8.",
            exit_code=2,
        )
    index, count = int(found[1]), int(found[2])
    if not 1 <= index <= count:
        raise PortfolioError(
            f"--shard « {text} » : la part doit aller de 1 au nombre de parts ({max(count, 1)}).",
            exit_code=2,
        )
    return Shard(index, count)


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
