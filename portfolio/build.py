"""Every document of a federation, rendered incrementally and in parallel (SPEC §9 `build`).

A document is rendered again only when the hash of what it depends on changes. A worker's
documents depend on their worker file, and their portfolio also on the credentials issued to them
(`badges/<worker>/*.json`, which it lists); the catalogue coverages and the programme report depend
on the figures they print, hashed once computed: an edit that changes none of their figures
leaves them untouched. Every document also depends on the référentiels, the catalogues,
`workspace.yaml`, the templates, the package's code and version, and the assessment date. The
aggregates' figures are computed only when a worker file changed since they were made (the
manifest keeps the digest of the files they were computed from), so a build with nothing to do
reads and hashes the files, and renders nothing.

Each worker is assessed once per build, in this process: the assessment serves their two
documents (and the dossier's plan) and the cohort, from which every coverage and the report are
computed once. Rendering happens in a process pool (WeasyPrint imported once per process); the
processes are forked with the loaded workspace and receive with each job what it prints (the
worker and their assessment, or the figures of an aggregate): they load and assess nothing. Each
output is written atomically and the manifest is saved as documents complete, so an interrupted
build loses nothing and the next one finishes the work.

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
from collections.abc import Callable, Collection, Iterable, Mapping
from concurrent.futures import as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from portfolio import __version__
from portfolio.assess import assess
from portfolio.coverage import Coverage, body_coverage
from portfolio.credentials.issued import (
    BADGES_DIR,
    Credential,
    credential_files,
    issued_credentials,
)
from portfolio.fsutil import write_atomic
from portfolio.load import find_workspace, load_workspace
from portfolio.model.evidence import Assessment, WorkerEvidence
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.pool import process_pool
from portfolio.render.consent import withheld_workers
from portfolio.render.documents import DOCUMENT_KINDS
from portfolio.render.pdf import require_pdf_libraries
from portfolio.report import ProgrammeReport, programme_report
from portfolio.resources import WORKSPACE_FILE, referentiels_dir, templates_dir
from portfolio.transaction import locked

JobKind = Literal["dossier", "portfolio", "coverage", "report"]
MANIFEST = "manifest.json"
BUILD_INDEX = "index.html"
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


def worker_file_hashes(root: Path) -> dict[str, str]:
    """Worker id (file stem) → SHA-256 of its file's bytes."""
    return {
        f.stem: hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted((root / "workers").glob("*.yaml"))
    }


def badge_hashes(root: Path) -> dict[str, str]:
    """Worker id → digest of the credentials issued to them (the names and bytes of
    `badges/<id>/*.json`), for the workers who have any: what their portfolio lists."""
    folder = root / BADGES_DIR
    hashes = {}
    for worker in sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []:
        files = credential_files(root, worker)
        if files:
            hashes[worker] = _hash_files(files, folder)
    return hashes


def inputs_fingerprint(
    shared: str, file_hashes: Mapping[str, str], badges: Mapping[str, str]
) -> str:
    """Everything a build reads: the `shared_fingerprint`, every worker file and every issued
    credential (`badge_hashes`)."""
    return _digest(
        shared,
        *(f"{k}={v}" for k, v in sorted(file_hashes.items())),
        *(f"badges/{k}={v}" for k, v in sorted(badges.items())),
    )


def plan_jobs(
    ws: Workspace,
    shared: str,
    file_hashes: Mapping[str, str],
    withheld: Collection[str] = (),
    badges: Mapping[str, str] | None = None,
) -> list[Job]:
    """Every document of the workspace with the hash of what it depends on; none for the
    `withheld` workers (no consent), who still count in the aggregates' inputs: giving consent
    changes their file, and with it what the aggregates count.

    An aggregate's digest here is that of its inputs, every worker file: `settle_aggregates`
    replaces it by the digest of the figures it prints when they have to be computed. `shared`
    is the `shared_fingerprint`, `file_hashes` the `worker_file_hashes`, `badges` the
    `badge_hashes` (a worker's portfolio lists their credentials; the other documents do not)."""
    all_workers = _digest(*(f"{k}={v}" for k, v in sorted(file_hashes.items())))
    issued = badges or {}

    def digest(stem: str, kind: str) -> str:
        listed = issued.get(stem, "") if kind == "portfolio" else ""
        return _digest(shared, kind, file_hashes[stem], listed)

    jobs = [
        Job(worker_output(stem, kind), kind, stem, digest(stem, kind))
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


def is_aggregate(job: Job) -> bool:
    return job.kind not in DOCUMENT_KINDS


# --- manifest -----------------------------------------------------------------------------------


@dataclass
class Manifest:
    """What the output folder holds, saved in `manifest.json` as `{"version": 1, "documents":
    {output: digest}, "inputs": {output: digest}, "complete": {"fingerprint": digest,
    "withheld": {"salaries/<id>": reason}}}`.

    `documents` is the digest of what each document shows (the worker file for a worker's
    documents, the figures for an aggregate); `inputs` the digest of the worker files an
    aggregate's figures were computed from, which spares computing them when no worker file
    changed. `complete` is written only by a build that ended with every document made: the
    `inputs_fingerprint` it was made from, and the workers left without documents (no consent).
    A build whose fingerprint is that one, with every document on disk, has nothing to do and
    reads no file further. Keys are output paths at any depth: `portfolio forget` drops a
    worker's entries (and the report's) from every map alike."""

    documents: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    fingerprint: str = ""
    withheld: dict[str, str] = field(default_factory=dict)

    def forget(self, output: str) -> None:
        self.documents.pop(output, None)
        self.inputs.pop(output, None)


def _string_map(data: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def read_manifest(out: Path) -> Manifest:
    """The previous build's digests; an unreadable manifest just means "render everything"."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest()
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return Manifest()
    complete = data.get("complete")
    complete = complete if isinstance(complete, dict) else {}
    return Manifest(
        _string_map(data.get("documents")),
        _string_map(data.get("inputs")),
        str(complete.get("fingerprint", "")),
        _string_map(complete.get("withheld")),
    )


def manifest_text(manifest: Manifest) -> str:
    payload: dict[str, object] = {
        "version": MANIFEST_VERSION,
        "documents": dict(sorted(manifest.documents.items())),
        "inputs": dict(sorted(manifest.inputs.items())),
    }
    if manifest.fingerprint:
        payload["complete"] = {
            "fingerprint": manifest.fingerprint,
            "withheld": dict(sorted(manifest.withheld.items())),
        }
    return json.dumps(payload, indent=1, ensure_ascii=False) + "\n"


def write_manifest(out: Path, manifest: Manifest) -> None:
    write_atomic(out / MANIFEST, manifest_text(manifest))


def nothing_to_do(out: Path, manifest: Manifest, fingerprint: str) -> bool:
    """Whether the last build ended complete from these very inputs, and its documents and
    index are all still there: then a build only needs to say so."""
    return (
        manifest.fingerprint == fingerprint
        and (out / BUILD_INDEX).is_file()
        and all((out / output).is_file() for output in manifest.documents)
    )


def write_if_changed(path: Path, content: str) -> None:
    """Write atomically, unless the file already holds exactly this: a build with nothing to do
    rewrites no file (a folder synchronised to a server sends nothing again)."""
    try:
        if path.read_text(encoding="utf-8") == content:
            return
    except (OSError, ValueError):
        pass
    write_atomic(path, content)


# --- what each document prints, computed once per build in this process -----------------------


@dataclass(frozen=True)
class WorkerDocument:
    """What a pool process needs for one of a worker's documents: the worker and their
    assessment at the build's date, computed once for both documents and the cohort; for the
    portfolio, the credentials issued to them."""

    worker: Worker
    assessment: Assessment
    evidence: WorkerEvidence
    credentials: tuple[Credential, ...] = ()


Payload = WorkerDocument | Coverage | ProgrammeReport
"""What a job's process receives: nothing is loaded or assessed there."""


class Assessments:
    """Each worker's assessment at the build's date, computed on first use and kept for the
    build: a worker's two documents and the cohort share it (SPEC §6 computed once per worker)."""

    def __init__(self, ws: Workspace, as_of: dt.date) -> None:
        self.ws = ws
        self.as_of = as_of
        self._done: dict[str, tuple[Assessment, WorkerEvidence]] = {}

    def of(self, worker_id: str) -> tuple[Assessment, WorkerEvidence]:
        if worker_id not in self._done:
            self._done[worker_id] = assess(self.ws, self.ws.workers[worker_id], self.as_of)
        return self._done[worker_id]

    def cohort(self, withheld: Collection[str]) -> dict[str, tuple[Assessment, WorkerEvidence]]:
        """The workers the federation's figures count, by id: every valid worker file but the
        withheld ones (SPEC §10; the same as `consenting(ws, assess_cohort(ws, as_of))`)."""
        return {wid: self.of(wid) for wid in sorted(self.ws.workers) if wid not in withheld}


def coverage_author(ws: Workspace) -> str:
    return (ws.settings.federation or ws.settings.name) if ws.settings else ""


def aggregate_figures(
    ws: Workspace,
    jobs: Iterable[Job],
    cohort: Mapping[str, tuple[Assessment, WorkerEvidence]],
    as_of: dt.date,
) -> dict[str, Coverage | ProgrammeReport]:
    """Output → the figures each aggregate job prints, all from the one cohort."""
    assessments = {wid: pair[0] for wid, pair in cohort.items()}
    figures: dict[str, Coverage | ProgrammeReport] = {}
    for job in jobs:
        if job.kind == "coverage":
            figures[job.output] = body_coverage(ws, job.subject, assessments, as_of)
        else:
            figures[job.output] = programme_report(ws, cohort, as_of)
    return figures


def figures_digest(shared: str, job: Job, figures: Coverage | ProgrammeReport, author: str) -> str:
    """The digest of what an aggregate prints: its figures (a Result model, dumped to JSON), the
    author of its metadata, and everything every document depends on (templates, code…)."""
    return _digest(shared, job.kind, job.subject, author, figures.model_dump_json())


def settle_aggregates(
    ws: Workspace,
    as_of: dt.date,
    shared: str,
    jobs: list[Job],
    manifest: Manifest,
    out: Path,
    assessments: Assessments,
    withheld: Collection[str],
) -> tuple[list[Job], dict[str, str], dict[str, Payload]]:
    """The jobs with each aggregate's digest made that of its figures, the aggregates' input
    digests, and the figures of those computed.

    An aggregate whose inputs have not changed since its document was made keeps its recorded
    digest (nothing is computed); otherwise the cohort is assessed once, every such aggregate
    computed from it, and its figures hashed: unchanged figures leave the document as it is."""

    def current(job: Job) -> bool:
        return (
            manifest.inputs.get(job.output) == job.digest
            and job.output in manifest.documents
            and (out / job.output).is_file()
        )

    inputs = {job.output: job.digest for job in jobs if is_aggregate(job)}
    outdated = [job for job in jobs if is_aggregate(job) and not current(job)]
    figures: dict[str, Payload] = {}
    if outdated:
        figures.update(aggregate_figures(ws, outdated, assessments.cohort(withheld), as_of))
    author = coverage_author(ws)
    settled = []
    for job in jobs:
        if job.output in figures:
            job = replace(job, digest=figures_digest(shared, job, figures[job.output], author))  # type: ignore[arg-type]
        elif is_aggregate(job):
            job = replace(job, digest=manifest.documents[job.output])
        settled.append(job)
    return settled, inputs, figures


# --- rendering, in the pool's processes ---------------------------------------------------------

_process_state: dict[str, object] = {}


def _init_process(ws: Workspace) -> None:
    """Keep the workspace the build loaded (the processes are forked: it is inherited, not
    loaded nor sent again) and import WeasyPrint once per process, not once per document (the
    parent has checked that it loads: `require_pdf_libraries`)."""
    from portfolio.render.pdf import weasyprint_and_fonts

    _process_state["ws"] = ws
    weasyprint_and_fonts()


def render_job(job: Job, payload: Payload, ws: Workspace) -> bytes:
    """The PDF bytes of one document, from what the build computed for it."""
    if isinstance(payload, WorkerDocument):
        from portfolio.render.documents import render_document

        return render_document(
            ws,
            payload.worker,
            job.kind,  # type: ignore[arg-type]
            payload.assessment.as_of,
            assessed=(payload.assessment, payload.evidence),
            credentials=payload.credentials,
        ).pdf()
    from portfolio.render.federation import coverage_document, report_document

    if isinstance(payload, Coverage):
        return coverage_document(payload, "pdf", coverage_author(ws))
    return report_document(payload, "pdf")


def _on_alarm(signum: int, frame: object) -> None:
    raise DocumentTimeout


def _run_job(job: Job, payload: Payload, out: str, timeout: float) -> tuple[str, str | None, float]:
    """Render and write one document; never raises, so one failure does not stop the build."""
    start = time.perf_counter()
    ws = _process_state["ws"]
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        content = render_job(job, payload, ws)  # type: ignore[arg-type]
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
    out: Path, manifest: Manifest, jobs: list[Job], withheld: Collection[str] = ()
) -> list[str]:
    """Delete documents of workers or bodies that no longer exist (e.g. a forgotten worker), and
    those of the `withheld` workers (consent withdrawn), even if the manifest lost them."""
    current = {job.output for job in jobs}
    unwanted = {worker_output(stem, kind) for stem in withheld for kind in DOCUMENT_KINDS}
    unlisted = {output for output in unwanted if (out / output).is_file()}
    removed = []
    for output in sorted((set(manifest.documents) - current) | unlisted):
        path = (out / output).resolve()
        if path.is_relative_to(out.resolve()):
            path.unlink(missing_ok=True)
            removed.append(output)
        manifest.forget(output)
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
    # Hashed before loading: a file changed in between makes the next build redo its work.
    shared = shared_fingerprint(root, as_of)
    file_hashes = worker_file_hashes(root)
    badges = badge_hashes(root)
    fingerprint = inputs_fingerprint(shared, file_hashes, badges)
    manifest = read_manifest(out)
    if nothing_to_do(out, manifest, fingerprint):
        withheld = {key.split("/", 1)[1]: why for key, why in manifest.withheld.items()}
        return BuildSummary(reused=sorted(manifest.documents), withheld=withheld)
    recorded = manifest_text(manifest)
    manifest.fingerprint, manifest.withheld = "", {}  # until this build ends complete
    ws, _ = load_workspace(root)
    summary = BuildSummary(withheld=withheld_workers(ws))
    assessments = Assessments(ws, as_of)
    todo_all, inputs, payloads = settle_aggregates(
        ws,
        as_of,
        shared,
        plan_jobs(ws, shared, file_hashes, summary.withheld, badges),
        manifest,
        out,
        assessments,
        summary.withheld,
    )
    todo: list[tuple[Job, Payload]] = []
    for job in todo_all:
        if manifest.documents.get(job.output) == job.digest and (out / job.output).is_file():
            summary.reused.append(job.output)
            if job.output in inputs:
                manifest.inputs[job.output] = inputs[job.output]
        elif is_aggregate(job):
            todo.append((job, payloads[job.output]))
        elif job.subject in ws.workers:
            assessment, evidence = assessments.of(job.subject)
            credentials = (
                tuple(issued_credentials(root, job.subject)) if job.kind == "portfolio" else ()
            )
            worker = ws.workers[job.subject]
            todo.append((job, WorkerDocument(worker, assessment, evidence, credentials)))
        else:
            manifest.forget(job.output)
            summary.failed[job.output] = (
                f"le fichier workers/{job.subject}.yaml contient des erreurs : "
                "corrigez-les (portfolio check)"
            )
    if todo:  # here, not in each process: without Pango they would all die (BrokenProcessPool)
        require_pdf_libraries()
    remove_partial_writes(out)
    summary.removed = remove_stale(out, manifest, todo_all, summary.withheld)
    if progress:
        progress("", len(summary.reused) + len(summary.failed), len(todo_all))
    if todo:
        _render_all(
            ws, out, todo, inputs, manifest, summary, jobs, timeout, progress, len(todo_all)
        )
    write_index(out, ws, todo_all, summary, as_of)
    if not summary.failed:
        manifest.fingerprint = fingerprint
        manifest.withheld = {f"{WORKERS_DIR}/{w}": why for w, why in summary.withheld.items()}
    if manifest_text(manifest) != recorded:
        write_manifest(out, manifest)
    return summary


def _render_all(
    ws: Workspace,
    out: Path,
    todo: list[tuple[Job, Payload]],
    inputs: Mapping[str, str],
    manifest: Manifest,
    summary: BuildSummary,
    jobs: int | None,
    timeout: float,
    progress: Progress | None,
    total: int,
) -> None:
    # Aggregates first: they take longest, so starting them early shortens the whole build.
    order = sorted(todo, key=lambda task: not is_aggregate(task[0]))
    digests = {job.output: job.digest for job, _ in todo}
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    last_save = time.monotonic()
    with process_pool(workers, _init_process, (ws,)) as pool:
        futures = [pool.submit(_run_job, job, payload, str(out), timeout) for job, payload in order]
        try:
            # `as_completed` watches every future once: waiting again on the pending set after
            # each document would make a build of N documents cost N² in bookkeeping alone.
            for future in as_completed(futures):
                output, failure, _ = future.result()
                if failure is None:
                    manifest.documents[output] = digests[output]
                    if output in inputs:
                        manifest.inputs[output] = inputs[output]
                    summary.rendered.append(output)
                else:
                    manifest.forget(output)
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
            for future in futures:
                future.cancel()
            write_manifest(out, manifest)
            raise


def write_index(
    out: Path, ws: Workspace, jobs: list[Job], summary: BuildSummary, as_of: dt.date
) -> None:
    """An index.html linking every document, grouped for the people who read them; rewritten
    only when it changes.

    The documents on disk are known without looking: those reused or just rendered; only a
    failed document's former file is looked for (it stays linked, marked as failed)."""
    from portfolio.render.environment import render_html
    from portfolio.render.views.index import index_view

    written = {*summary.reused, *summary.rendered}
    written |= {output for output in summary.failed if (out / output).is_file()}
    view = index_view(ws, jobs, written, summary.failed, as_of, summary.withheld)
    write_if_changed(out / BUILD_INDEX, render_html("build/index.html.j2", view=view))
