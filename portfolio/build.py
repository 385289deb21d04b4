"""Every document of a federation, rendered incrementally and in parallel (SPEC §9 `build`).

A document is rendered again only when the hash of everything it depends on changes: its worker
file (or every worker file, for the aggregate documents), the référentiels, the catalogues,
`workspace.yaml`, the templates, the package's code and version, and the assessment date.
Rendering happens in a process pool (WeasyPrint imported once per process); each output is written
atomically and the manifest is saved as documents complete, so an interrupted build loses nothing
and the next one finishes the work.

A build holds its output folder's lock (`transaction.locked`) from the moment it reads the worker
files to its last write: a second build of the same folder waits for it (its clean-up would
otherwise delete the first one's temporary files), and `portfolio forget`, which takes the same
lock, can never see a worker's documents written back after it erased them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import time
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from portfolio import __version__
from portfolio.fsutil import write_atomic
from portfolio.load import find_workspace, load_workspace
from portfolio.model.loaded import Workspace
from portfolio.pool import process_pool
from portfolio.render.consent import consenting, withheld_workers
from portfolio.render.documents import DOCUMENT_KINDS
from portfolio.render.pdf import require_pdf_libraries
from portfolio.resources import WORKSPACE_FILE, referentiels_dir, templates_dir
from portfolio.transaction import locked

JobKind = Literal["dossier", "portfolio", "coverage", "report"]
MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
SAVE_EVERY_SECONDS = 2.0
WORKERS_DIR = "salaries"
BODIES_DIR = "organismes"
PROGRAMME_DIR = "programme"


@dataclass(frozen=True)
class Job:
    """One document to produce: where it goes, what it is about, and its dependency hash."""

    output: str
    kind: JobKind
    subject: str
    digest: str


@dataclass
class BuildSummary:
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    withheld: dict[str, str] = field(default_factory=dict)
    """Worker id → why none of their documents was made: no recorded consent (SPEC §10)."""
    seconds: float = 0.0


class DocumentTimeout(Exception):
    """A document took longer than the per-document limit."""


# --- dependency hashes --------------------------------------------------------------------------


def _hash_files(files: Iterable[Path], base: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(files):
        digest.update(str(file.relative_to(base)).encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def _tree_files(folder: Path, pattern: str = "*") -> list[Path]:
    return [f for f in folder.rglob(pattern) if f.is_file()] if folder.is_dir() else []


def shared_fingerprint(root: Path, as_of: dt.date) -> str:
    """What every document depends on, whatever its subject."""
    package = Path(__file__).resolve().parent
    parts = [
        __version__,
        as_of.isoformat(),
        _hash_files(_tree_files(package, "*.py"), package),
        _hash_files(_tree_files(templates_dir()), templates_dir()),
        _hash_files(_tree_files(referentiels_dir(), "*.yaml"), referentiels_dir()),
        _hash_files(_tree_files(root / "referentiels", "*.yaml"), root),
        _hash_files(_tree_files(root / "catalog", "*.yaml"), root),
        _hash_files([root / WORKSPACE_FILE], root),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def worker_output(stem: str, kind: str) -> str:
    return f"{WORKERS_DIR}/{stem}/{kind}.pdf"


def plan_jobs(
    root: Path, ws: Workspace, as_of: dt.date, withheld: Collection[str] = ()
) -> list[Job]:
    """Every document of the workspace with the hash of what it depends on; none for the
    `withheld` workers (no consent), who still count in the aggregates' hash: giving consent
    changes their file, and with it what the aggregates count."""
    shared = shared_fingerprint(root, as_of)
    worker_files = sorted((root / "workers").glob("*.yaml"))
    file_hashes = {f.stem: hashlib.sha256(f.read_bytes()).hexdigest() for f in worker_files}
    all_workers = _digest(*(f"{k}={v}" for k, v in sorted(file_hashes.items())))
    jobs = [
        Job(worker_output(stem, kind), kind, stem, _digest(shared, kind, file_hashes[stem]))
        for stem in sorted(file_hashes)
        if stem not in withheld
        for kind in DOCUMENT_KINDS
    ]
    jobs += [
        Job(
            f"{BODIES_DIR}/couverture-{cat.body.id}.pdf",
            "coverage",
            cat.body.id,
            _digest(shared, "coverage", cat.body.id, all_workers),
        )
        for cat in sorted(ws.catalogs, key=lambda c: c.body.id)
    ]
    jobs.append(
        Job(
            f"{PROGRAMME_DIR}/rapport.pdf",
            "report",
            "programme",
            _digest(shared, "report", all_workers),
        )
    )
    return jobs


# --- manifest -----------------------------------------------------------------------------------


def read_manifest(out: Path) -> dict[str, str]:
    """Previous digests by output path; an unreadable manifest just means "render everything"."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    documents = data.get("documents", {})
    return {str(k): str(v) for k, v in documents.items()} if isinstance(documents, dict) else {}


def write_manifest(out: Path, documents: dict[str, str]) -> None:
    payload = {"version": MANIFEST_VERSION, "documents": dict(sorted(documents.items()))}
    write_atomic(out / MANIFEST, json.dumps(payload, indent=1, ensure_ascii=False) + "\n")


# --- rendering, in the pool's processes ---------------------------------------------------------

_process_state: dict[str, object] = {}


def _init_process(root: str, as_of: str) -> None:
    """Load the workspace and import WeasyPrint once per process, not once per document (the
    parent has checked that it loads: `require_pdf_libraries`)."""
    from portfolio.render.pdf import weasyprint_and_fonts

    ws, _ = load_workspace(Path(root))
    _process_state.update(ws=ws, as_of=dt.date.fromisoformat(as_of), cohort=None)
    weasyprint_and_fonts()


def _cohort(ws: Workspace, as_of: dt.date) -> dict:
    from portfolio.report import assess_cohort

    if _process_state.get("cohort") is None:
        _process_state["cohort"] = consenting(ws, assess_cohort(ws, as_of))
    return _process_state["cohort"]  # type: ignore[return-value]


def render_job(job: Job, ws: Workspace, as_of: dt.date) -> bytes:
    """The PDF bytes of one document."""
    if job.kind in DOCUMENT_KINDS:
        from portfolio.render.documents import render_document

        worker = ws.workers.get(job.subject)
        if worker is None:
            raise ValueError(
                f"le fichier workers/{job.subject}.yaml contient des erreurs : "
                "corrigez-les (portfolio check)"
            )
        return render_document(ws, worker, job.kind, as_of).pdf()
    from portfolio.render.federation import coverage_document, report_document

    cohort = _cohort(ws, as_of)
    if job.kind == "coverage":
        from portfolio.coverage import body_coverage

        assessments = {wid: pair[0] for wid, pair in cohort.items()}
        coverage = body_coverage(ws, job.subject, assessments, as_of)
        author = (ws.settings.federation or ws.settings.name) if ws.settings else ""
        return coverage_document(coverage, "pdf", author)
    from portfolio.report import programme_report

    return report_document(programme_report(ws, cohort, as_of), "pdf")


def _on_alarm(signum: int, frame: object) -> None:
    raise DocumentTimeout


def _run_job(job: Job, out: str, timeout: float) -> tuple[str, str | None, float]:
    """Render and write one document; never raises, so one failure does not stop the build."""
    start = time.perf_counter()
    ws = _process_state["ws"]
    as_of = _process_state["as_of"]
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        content = render_job(job, ws, as_of)  # type: ignore[arg-type]
        signal.setitimer(signal.ITIMER_REAL, 0)
        write_atomic(Path(out) / job.output, content)
        return job.output, None, time.perf_counter() - start
    except DocumentTimeout:
        return job.output, f"trop long (plus de {timeout:g} s) : document abandonné", timeout
    except Exception as exc:  # one document's failure must not stop the others
        return job.output, f"{type(exc).__name__} : {exc}", time.perf_counter() - start
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- the build ----------------------------------------------------------------------------------

Progress = Callable[[str, int, int], None]
"""Called as (output path or "", done, total) after each document."""


def remove_partial_writes(out: Path) -> None:
    """Temporary files left by a build that was killed while writing (see fsutil.write_atomic)."""
    for leftover in out.rglob(".*.tmp"):
        leftover.unlink(missing_ok=True)


def remove_stale(
    out: Path, manifest: dict[str, str], jobs: list[Job], withheld: Collection[str] = ()
) -> list[str]:
    """Delete documents of workers or bodies that no longer exist (e.g. a forgotten worker), and
    those of the `withheld` workers (consent withdrawn), even if the manifest lost them."""
    current = {job.output for job in jobs}
    unwanted = {worker_output(stem, kind) for stem in withheld for kind in DOCUMENT_KINDS}
    unlisted = {output for output in unwanted if (out / output).is_file()}
    removed = []
    for output in sorted((set(manifest) - current) | unlisted):
        path = (out / output).resolve()
        if path.is_relative_to(out.resolve()):
            path.unlink(missing_ok=True)
            removed.append(output)
        manifest.pop(output, None)
        if path.parent != out.resolve() and path.parent.is_dir() and not any(path.parent.iterdir()):
            path.parent.rmdir()
    return removed


def build(
    root: Path,
    out: Path,
    as_of: dt.date,
    *,
    jobs: int | None = None,
    timeout: float = 300.0,
    progress: Progress | None = None,
) -> BuildSummary:
    """Render what changed since the last build into `out`, then write the index.

    Everything happens under the output folder's lock, the reading of the worker files
    included: waits for another build or `forget` of the same folder (see the module's note)."""
    started = time.perf_counter()
    root = find_workspace(root)
    with locked(out):
        summary = _build_locked(root, out, as_of, jobs, timeout, progress)
    summary.seconds = time.perf_counter() - started
    return summary


def _build_locked(
    root: Path,
    out: Path,
    as_of: dt.date,
    jobs: int | None,
    timeout: float,
    progress: Progress | None,
) -> BuildSummary:
    ws, _ = load_workspace(root)
    summary = BuildSummary(withheld=withheld_workers(ws))
    todo_all = plan_jobs(root, ws, as_of, summary.withheld)
    manifest = read_manifest(out)
    todo = []
    for job in todo_all:
        if manifest.get(job.output) == job.digest and (out / job.output).is_file():
            summary.reused.append(job.output)
        else:
            todo.append(job)
    if todo:  # here, not in each process: without Pango they would all die (BrokenProcessPool)
        require_pdf_libraries()
    remove_partial_writes(out)
    summary.removed = remove_stale(out, manifest, todo_all, summary.withheld)
    if progress:
        progress("", len(summary.reused), len(todo_all))
    if todo:
        _render_all(
            root, out, as_of, todo, manifest, summary, jobs, timeout, progress, len(todo_all)
        )
    write_manifest(out, manifest)
    write_index(out, ws, todo_all, summary, as_of)
    return summary


def _render_all(
    root: Path,
    out: Path,
    as_of: dt.date,
    todo: list[Job],
    manifest: dict[str, str],
    summary: BuildSummary,
    jobs: int | None,
    timeout: float,
    progress: Progress | None,
    total: int,
) -> None:
    # Aggregates first: they take longest, so starting them early shortens the whole build.
    order = sorted(todo, key=lambda j: j.kind in DOCUMENT_KINDS)
    digests = {job.output: job.digest for job in todo}
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    last_save = time.monotonic()
    with process_pool(workers, _init_process, (str(root), as_of.isoformat())) as pool:
        pending: set[Future] = {pool.submit(_run_job, job, str(out), timeout) for job in order}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    output, failure, _ = future.result()
                    if failure is None:
                        manifest[output] = digests[output]
                        summary.rendered.append(output)
                    else:
                        manifest.pop(output, None)
                        summary.failed[output] = failure
                    if progress:
                        progress(
                            output,
                            len(summary.reused) + len(summary.rendered) + len(summary.failed),
                            total,
                        )
                if time.monotonic() - last_save > SAVE_EVERY_SECONDS:
                    write_manifest(out, manifest)
                    last_save = time.monotonic()
        except BaseException:
            for future in pending:
                future.cancel()
            write_manifest(out, manifest)
            raise


def write_index(
    out: Path, ws: Workspace, jobs: list[Job], summary: BuildSummary, as_of: dt.date
) -> None:
    """An index.html linking every document, grouped for the people who read them."""
    from portfolio.render.environment import render_html
    from portfolio.render.views.index import index_view

    written = {j.output for j in jobs if (out / j.output).is_file()}
    view = index_view(ws, jobs, written, summary.failed, as_of, summary.withheld)
    html = render_html("build/index.html.j2", view=view)
    write_atomic(out / "index.html", html)
