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
import gc
import hashlib
import json
import os
import signal
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

from portfolio import __version__
from portfolio.assess import assess
from portfolio.cohort import run_one
from portfolio.coverage import Coverage, CoverageTally
from portfolio.credentials.issued import (
    BADGES_DIR,
    Credential,
    credential_files,
    issued_credentials,
)
from portfolio.fsutil import write_atomic
from portfolio.issues import Issue
from portfolio.load import find_workspace, load_workspace
from portfolio.model.evidence import Assessment, WorkerEvidence
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.pool import process_pool
from portfolio.render.consent import missing_consent
from portfolio.render.documents import DOCUMENT_KINDS
from portfolio.render.pdf import require_pdf_libraries
from portfolio.render.views.index import Person
from portfolio.report import ProgrammeReport, ReportTally
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


def worker_jobs(stem: str, shared: str, file_hash: str, badges: str = "") -> list[Job]:
    """A worker's documents with the hash of what each depends on: their file, and for the
    portfolio the credentials issued to them (`badge_hashes`)."""
    return [
        Job(
            worker_output(stem, kind),
            kind,
            stem,
            _digest(shared, kind, file_hash, badges if kind == "portfolio" else ""),
        )
        for kind in DOCUMENT_KINDS
    ]


def aggregate_jobs(ws: Workspace, shared: str, file_hashes: Mapping[str, str]) -> list[Job]:
    """Each catalogue's coverage and the programme report, with the digest of their inputs:
    every worker file, withheld ones included (giving consent changes a file, and with it what
    the aggregates count). `settle_aggregates` replaces it by the digest of the figures they
    print when these are computed."""
    all_workers = _digest(*(f"{k}={v}" for k, v in sorted(file_hashes.items())))
    jobs = [
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


def plan_jobs(
    ws: Workspace,
    shared: str,
    file_hashes: Mapping[str, str],
    withheld: Collection[str] = (),
    badges: Mapping[str, str] | None = None,
) -> list[Job]:
    """Every document of the workspace: each worker's but the `withheld` ones' (no consent),
    then the aggregates."""
    issued = badges or {}
    jobs = [
        job
        for stem in sorted(file_hashes)
        if stem not in withheld
        for job in worker_jobs(stem, shared, file_hashes[stem], issued.get(stem, ""))
    ]
    return jobs + aggregate_jobs(ws, shared, file_hashes)


@dataclass(frozen=True)
class Shard:
    """Part `index` of `count` of a federation's workers (SPEC §13 `build --shard K/N`): a
    worker belongs to the part its id's SHA-256 falls in, the same on every machine and for
    every run (Python's `hash` is salted per process). Part 1 also makes the aggregates, from
    every worker's assessment."""

    index: int
    count: int

    def holds(self, stem: str) -> bool:
        return shard_of(stem, self.count) == self.index

    @property
    def aggregates(self) -> bool:
        return self.index == 1

    def owns(self, output: str) -> bool:
        """Whether an output of the folder is this part's to make, or to remove."""
        parts = output.split("/")
        if parts[0] == WORKERS_DIR and len(parts) > 2:
            return self.holds(parts[1])
        return self.aggregates


def shard_of(stem: str, count: int) -> int:
    return int.from_bytes(hashlib.sha256(stem.encode("utf-8")).digest()[:8], "big") % count + 1


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


class FederationTallies:
    """The figures of the aggregates a build has to compute, folded one worker at a time
    (SPEC §13: memory flat in the number of workers)."""

    def __init__(self, ws: Workspace, jobs: Iterable[Job], as_of: dt.date) -> None:
        self.report: tuple[str, ReportTally] | None = None
        self.coverages: dict[str, CoverageTally] = {}
        for job in jobs:
            if job.kind == "coverage":
                self.coverages[job.output] = CoverageTally(ws, job.subject, as_of)
            else:
                self.report = (job.output, ReportTally(ws, as_of))

    def add(self, worker: Worker, assessment: Assessment, evidence: WorkerEvidence) -> None:
        if self.report:
            self.report[1].add_worker(worker, assessment, evidence)
        for tally in self.coverages.values():
            tally.add_worker(assessment)


def coverage_author(ws: Workspace) -> str:
    return (ws.settings.federation or ws.settings.name) if ws.settings else ""


def aggregate_figures(tallies: FederationTallies) -> dict[str, Coverage | ProgrammeReport]:
    """Output → the figures each aggregate prints, from the tallies of the whole cohort."""
    figures: dict[str, Coverage | ProgrammeReport] = {
        output: tally.result() for output, tally in tallies.coverages.items()
    }
    if tallies.report:
        output, report = tallies.report
        figures[output] = report.result()
    return figures


def figures_digest(shared: str, job: Job, figures: Coverage | ProgrammeReport, author: str) -> str:
    """The digest of what an aggregate prints: its figures (a Result model, dumped to JSON), the
    author of its metadata, and everything every document depends on (templates, code…)."""
    return _digest(shared, job.kind, job.subject, author, figures.model_dump_json())


def aggregate_current(job: Job, manifest: Manifest, out: Path) -> bool:
    """Whether an aggregate's document was made from these very worker files: then its
    figures are not computed again."""
    return (
        manifest.inputs.get(job.output) == job.digest
        and job.output in manifest.documents
        and (out / job.output).is_file()
    )


# --- rendering, in the pool's processes ---------------------------------------------------------

_process_state: dict[str, object] = {}


def _init_process(ws: Workspace) -> None:
    """Keep the workspace the build loaded (the processes are forked: it is inherited, not
    loaded nor sent again) and import WeasyPrint once per process, not once per document (the
    parent has checked that it loads: `require_pdf_libraries`).

    What is in memory then lives as long as the process: frozen out of the garbage collector,
    it is not walked again by each full collection that rendering triggers."""
    from portfolio.render.pdf import weasyprint_and_fonts

    _process_state["ws"] = ws
    weasyprint_and_fonts()
    gc.freeze()


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


Outcome = tuple[str, str | None]
"""A document's output path, and why it failed (None when it was written)."""
Task = tuple[Job, Payload]


def write_document(job: Job, payload: Payload, out: Path, ws: Workspace) -> Outcome:
    """Render and write one document atomically; never raises, so that one failure does not
    stop the others (a build on a cluster calls this too, `portfolio/cluster.py`)."""
    try:
        write_atomic(out / job.output, render_job(job, payload, ws))
    except DocumentTimeout:
        raise
    except Exception as exc:  # one document's failure must not stop the others
        return job.output, f"{type(exc).__name__} : {exc}"
    return job.output, None


def _run_batch(tasks: list[Task], out: str, timeout: float) -> list[Outcome]:
    """In a pool process: each document under its own time limit (SIGALRM: the pool's
    processes run it in their main thread)."""
    ws: Workspace = _process_state["ws"]  # type: ignore[assignment]
    outcomes = []
    for job, payload in tasks:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            outcomes.append(write_document(job, payload, Path(out), ws))
        except DocumentTimeout:
            outcomes.append((job.output, f"trop long (plus de {timeout:g} s) : document abandonné"))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    return outcomes


class Renderer(Protocol):
    """Where documents are rendered: this machine's processes, or a Dask cluster."""

    batch: int
    """Documents per task: one locally; on a cluster, enough to dwarf the scheduling cost."""
    in_flight: int
    """Tasks sent and not yet done, at most: what is waiting stays small (flat memory)."""

    def submit(self, tasks: list[Task]) -> Any: ...

    def wait(self, pending: Collection[Any]) -> Collection[Any]:
        """The futures done among `pending` (at least one)."""
        ...

    def outcomes(self, future: Any, tasks: list[Task]) -> list[Outcome]: ...

    def close(self) -> None: ...


class LocalRenderer:
    """A pool of processes forked with the loaded workspace, WeasyPrint imported once each."""

    batch = 1

    def __init__(self, ws: Workspace, out: Path, processes: int, timeout: float) -> None:
        self.out, self.timeout = str(out), timeout
        self.in_flight = processes * 4
        self.pool = process_pool(processes, _init_process, (ws,))

    def submit(self, tasks: list[Task]) -> Future[list[Outcome]]:
        return self.pool.submit(_run_batch, tasks, self.out, self.timeout)

    def wait(self, pending: Collection[Any]) -> Collection[Any]:
        return futures_wait(pending, return_when=FIRST_COMPLETED).done

    def outcomes(self, future: Any, tasks: list[Task]) -> list[Outcome]:
        return future.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class Dispatch:
    """Documents sent to a renderer as they are planned, in batches, with a bounded number in
    flight; each outcome recorded in the manifest and the summary as it comes back, the
    manifest saved every few seconds (an interrupted build loses nothing)."""

    def __init__(
        self,
        start: Callable[[], Renderer],
        out: Path,
        manifest: Manifest,
        summary: BuildSummary,
        inputs: dict[str, str],
        progress: Progress | None,
    ) -> None:
        self._start, self.out, self.manifest, self.summary = start, out, manifest, summary
        self.inputs, self.progress = inputs, progress
        self.renderer: Renderer | None = None
        self.pending: dict[Any, list[Task]] = {}
        self.batch: list[Task] = []
        self.total = 0
        self.last_save = time.monotonic()

    def add(self, job: Job, payload: Payload) -> None:
        if self.renderer is None:
            self.renderer = self._start()
        self.batch.append((job, payload))
        if len(self.batch) >= self.renderer.batch:
            self._send()

    def finish(self) -> None:
        if self.batch:
            self._send()
        while self.pending:
            self._collect()

    def close(self) -> None:
        if self.renderer is not None:
            for future in self.pending:
                future.cancel()
            self.renderer.close()

    def done(self) -> int:
        return len(self.summary.reused) + len(self.summary.rendered) + len(self.summary.failed)

    def _send(self) -> None:
        assert self.renderer is not None
        while len(self.pending) >= self.renderer.in_flight:
            self._collect()
        self.pending[self.renderer.submit(self.batch)] = self.batch
        self.batch = []

    def _collect(self) -> None:
        assert self.renderer is not None
        for future in self.renderer.wait(list(self.pending)):
            tasks = self.pending.pop(future)
            digests = {job.output: job.digest for job, _ in tasks}
            for output, failure in self.renderer.outcomes(future, tasks):
                self._record(output, digests[output], failure)

    def _record(self, output: str, digest: str, failure: str | None) -> None:
        if failure is None:
            self.manifest.documents[output] = digest
            if output in self.inputs:
                self.manifest.inputs[output] = self.inputs[output]
            self.summary.rendered.append(output)
        else:
            self.manifest.forget(output)
            self.summary.failed[output] = failure
        if self.progress:
            self.progress(output, self.done(), self.total)
        if time.monotonic() - self.last_save > SAVE_EVERY_SECONDS:
            write_manifest(self.out, self.manifest)
            self.last_save = time.monotonic()


# --- the build ----------------------------------------------------------------------------------

Progress = Callable[[str, int, int], None]
"""Called as (output path or "", done, total) after each document."""


def remove_partial_writes(out: Path) -> None:
    """Temporary files left by a build that was killed while writing (see fsutil.write_atomic)."""
    for leftover in out.rglob(".*.tmp"):
        leftover.unlink(missing_ok=True)


def remove_stale(
    out: Path,
    manifest: Manifest,
    jobs: list[Job],
    withheld: Collection[str] = (),
    shard: Shard | None = None,
) -> list[str]:
    """Delete documents of workers or bodies that no longer exist (e.g. a forgotten worker), and
    those of the `withheld` workers (consent withdrawn), even if the manifest lost them. A part
    of a sharded build touches only what is its own (`Shard.owns`)."""
    current = {job.output for job in jobs}
    unwanted = {worker_output(stem, kind) for stem in withheld for kind in DOCUMENT_KINDS}
    unlisted = {output for output in unwanted if (out / output).is_file()}
    removed = []
    for output in sorted((set(manifest.documents) - current) | unlisted):
        if shard is not None and not shard.owns(output):
            continue
        path = (out / output).resolve()
        if path.is_relative_to(out.resolve()):
            path.unlink(missing_ok=True)
            removed.append(output)
        manifest.forget(output)
        if path.parent != out.resolve() and path.parent.is_dir() and not any(path.parent.iterdir()):
            path.parent.rmdir()
    return removed


RemoteRenderer = Callable[[Path, Path, dt.date, str], Renderer]
"""Starts a renderer elsewhere from the workspace, output folder, date and shared
fingerprint: `portfolio.cluster.DaskRenderer` for a Dask cluster (`build --scheduler`)."""


@dataclass(frozen=True)
class Target:
    """Where a build renders: this machine (`jobs` processes, `timeout` each), or `remote`."""

    jobs: int | None = None
    remote: RemoteRenderer | None = None
    timeout: float = 300.0


def build(
    root: Path,
    out: Path,
    as_of: dt.date,
    *,
    jobs: int | None = None,
    timeout: float = 300.0,
    progress: Progress | None = None,
    shard: Shard | None = None,
    remote: RemoteRenderer | None = None,
) -> BuildSummary:
    """Render what changed since the last build into `out`, then write the index.

    Everything happens under the output folder's lock, the reading of the worker files
    included: waits for another build or `forget` of the same folder (see the module's note)."""
    started = time.perf_counter()
    root = find_workspace(root)
    target = Target(jobs, remote, timeout)
    with locked(out):
        summary = _build_locked(root, out, as_of, target, progress, shard)
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass(frozen=True)
class Streamed:
    """One worker as the build saw it: their id and names for the index, why they get no
    document (no consent), and their assessment when something needed it."""

    stem: str
    worker: Worker | None
    withheld: str | None
    assessed: tuple[Assessment, WorkerEvidence] | None


def _stream(
    ws: Workspace,
    root: Path,
    stems: Iterable[str],
    as_of: dt.date,
    assess_all: bool,
    stale: Callable[[str], bool],
) -> Iterator[Streamed]:
    """Each worker loaded, judged and assessed in turn, then dropped from the workspace (flat
    memory): assessed when one of their documents must be made, or for the figures."""

    def stage(
        ws: Workspace, stem: str, worker: Worker | None, issues: list[Issue], as_of: dt.date
    ) -> Streamed:
        if worker is None:
            return Streamed(stem, None, None, None)
        reason = missing_consent(worker)
        needed = reason is None and (assess_all or stale(stem))
        return Streamed(stem, worker, reason, assess(ws, worker, as_of) if needed else None)

    for stem in stems:
        yield run_one(ws, root / "workers" / f"{stem}.yaml", as_of, stage)


def _build_locked(
    root: Path,
    out: Path,
    as_of: dt.date,
    target: Target,
    progress: Progress | None,
    shard: Shard | None,
) -> BuildSummary:
    # Hashed before loading: a file changed in between makes the next build redo its work.
    shared = shared_fingerprint(root, as_of)
    file_hashes = worker_file_hashes(root)
    badges = badge_hashes(root)
    fingerprint = inputs_fingerprint(shared, file_hashes, badges)
    manifest = read_manifest(out)
    if shard is None and nothing_to_do(out, manifest, fingerprint):
        withheld = {key.split("/", 1)[1]: why for key, why in manifest.withheld.items()}
        return BuildSummary(reused=sorted(manifest.documents), withheld=withheld)
    recorded = manifest_text(manifest)
    manifest.fingerprint, manifest.withheld = "", {}  # until a whole build ends complete
    ws, _ = load_workspace(root, workers=False)
    summary = BuildSummary()
    aggregates = (
        aggregate_jobs(ws, shared, file_hashes) if shard is None or shard.aggregates else []
    )
    outdated = [job for job in aggregates if not aggregate_current(job, manifest, out)]
    tallies = FederationTallies(ws, outdated, as_of)
    mine = [stem for stem in sorted(file_hashes) if shard is None or shard.holds(stem)]
    jobs_of = {
        stem: worker_jobs(stem, shared, file_hashes[stem], badges.get(stem, "")) for stem in mine
    }

    def current(job: Job) -> bool:
        return manifest.documents.get(job.output) == job.digest and (out / job.output).is_file()

    def stale(stem: str) -> bool:
        return stem in jobs_of and not all(current(job) for job in jobs_of[stem])

    inputs = {job.output: job.digest for job in aggregates}
    dispatch = Dispatch(
        lambda: _renderer(ws, root, out, as_of, shared, target),
        out,
        manifest,
        summary,
        inputs,
        progress,
    )
    dispatch.total = 2 * len(mine) + len(aggregates)
    remove_partial_writes(out)
    if progress:
        progress("", 0, dispatch.total)
    planned: list[Job] = []
    people: dict[str, Person] = {}
    try:
        scope = sorted(file_hashes) if outdated else mine
        for seen in _stream(ws, root, scope, as_of, bool(outdated), stale):
            if seen.worker is not None and seen.withheld is None and outdated:
                tallies.add(seen.worker, *seen.assessed)  # type: ignore[misc]
            if seen.stem not in jobs_of:
                continue
            if seen.withheld is not None:
                summary.withheld[seen.stem] = seen.withheld
                continue
            planned += jobs_of[seen.stem]
            if seen.worker is not None:
                people[seen.stem] = Person.of(seen.worker)
            for job in jobs_of[seen.stem]:
                _plan_worker_job(job, seen, current(job), root, dispatch)
        figures = aggregate_figures(tallies) if outdated else {}
        for job in settle_aggregates(ws, shared, aggregates, figures, manifest):
            planned.append(job)
            if current(job):
                summary.reused.append(job.output)
                manifest.inputs[job.output] = inputs[job.output]
            else:
                dispatch.add(job, figures[job.output])
        dispatch.finish()
    except BaseException:
        write_manifest(out, manifest)
        raise
    finally:
        dispatch.close()
    remove_partial_writes(out)
    summary.removed = remove_stale(out, manifest, planned, summary.withheld, shard)
    write_index(out, ws, people, planned, summary, as_of)
    if shard is None and not summary.failed:
        manifest.fingerprint = fingerprint
        manifest.withheld = {f"{WORKERS_DIR}/{w}": why for w, why in summary.withheld.items()}
    if manifest_text(manifest) != recorded:
        write_manifest(out, manifest)
    return summary


def _plan_worker_job(
    job: Job, seen: Streamed, current: bool, root: Path, dispatch: Dispatch
) -> None:
    """Reuse a worker's document, send it to be rendered, or say why it cannot be made."""
    if current:
        dispatch.summary.reused.append(job.output)
    elif seen.worker is None:
        dispatch.manifest.forget(job.output)
        dispatch.summary.failed[job.output] = (
            f"le fichier workers/{job.subject}.yaml contient des erreurs : "
            "corrigez-les (portfolio check)"
        )
    else:
        assessment, evidence = seen.assessed  # type: ignore[misc]
        credentials = (
            tuple(issued_credentials(root, job.subject)) if job.kind == "portfolio" else ()
        )
        dispatch.add(job, WorkerDocument(seen.worker, assessment, evidence, credentials))


def settle_aggregates(
    ws: Workspace,
    shared: str,
    aggregates: list[Job],
    figures: Mapping[str, Coverage | ProgrammeReport],
    manifest: Manifest,
) -> list[Job]:
    """The aggregates with the digest of what they print: that of their figures when these
    were computed (unchanged figures leave the document as it is), else the recorded one."""
    author = coverage_author(ws)
    settled = []
    for job in aggregates:
        if job.output in figures:
            job = replace(job, digest=figures_digest(shared, job, figures[job.output], author))
        else:
            job = replace(job, digest=manifest.documents[job.output])
        settled.append(job)
    return settled


def _renderer(
    ws: Workspace, root: Path, out: Path, as_of: dt.date, shared: str, target: Target
) -> Renderer:
    """Started when the first document is to be made: a build with nothing to render starts no
    process and connects to no cluster."""
    require_pdf_libraries()  # here, not in each process: without Pango they would all die
    if target.remote is not None:
        return target.remote(root, out, as_of, shared)
    return LocalRenderer(ws, out, max(1, target.jobs or os.cpu_count() or 1), target.timeout)


def write_index(
    out: Path,
    ws: Workspace,
    people: Mapping[str, Person],
    jobs: list[Job],
    summary: BuildSummary,
    as_of: dt.date,
) -> None:
    """An index.html linking every document, grouped for the people who read them; rewritten
    only when it changes.

    The documents on disk are known without looking: those reused or just rendered; only a
    failed document's former file is looked for (it stays linked, marked as failed)."""
    from portfolio.render.environment import render_html
    from portfolio.render.views.index import index_view

    written = {*summary.reused, *summary.rendered}
    written |= {output for output in summary.failed if (out / output).is_file()}
    view = index_view(ws, people, jobs, written, summary.failed, as_of, summary.withheld)
    write_if_changed(out / BUILD_INDEX, render_html("build/index.html.j2", view=view))
