"""Per-worker stages over a whole workspace, one worker file at a time, in parallel.

A federation may hold 180,000 worker files: loading them all before checking or assessing would
take gigabytes. Here the shared files (settings, référentiels, catalogues) are loaded once per
process and each worker file is loaded, checked, assessed and dropped in turn, so memory stays
flat and both cores work. Results come back in worker-file order.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple, TypeVar

from portfolio.assess import assess
from portfolio.checks import check_worker
from portfolio.issues import Issue, sort_issues
from portfolio.load import _cyclic_gc_paused, load_worker, load_workspace, worker_files
from portfolio.model.evidence import Assessment
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.pool import process_pool

T = TypeVar("T")

PARALLEL_FROM = 400
"""Below this many workers, starting processes costs more than it saves."""
CHUNK = 64

SummaryRow = tuple[str, str, str, str]

WorkerStage = Callable[[Workspace, str, Worker | None, list[Issue], dt.date], T]
"""Called with the shared workspace, the worker's file stem, the worker (None when its file is
invalid), the issues of loading and checking it, and the assessment date."""

_process: dict[str, object] = {}


def _init(root: str, as_of: str, stage: WorkerStage) -> None:
    ws, _ = load_workspace(Path(root), workers=False)
    _process.update(ws=ws, as_of=dt.date.fromisoformat(as_of), stage=stage)


def _run(file: Path) -> object:
    ws: Workspace = _process["ws"]  # type: ignore[assignment]
    as_of: dt.date = _process["as_of"]  # type: ignore[assignment]
    stage: WorkerStage = _process["stage"]  # type: ignore[assignment]
    return run_one(ws, file, as_of, stage)


def run_one(ws: Workspace, file: Path, as_of: dt.date, stage: WorkerStage[T]) -> T:
    """Load, check and hand one worker to `stage`, then forget it."""
    stem = file.stem
    with _cyclic_gc_paused():
        worker, issues = load_worker(ws, file)
        if worker is not None:
            issues += check_worker(ws, stem, worker, as_of)
        try:
            return stage(ws, stem, worker, sort_issues(issues), as_of)
        finally:
            ws.workers.pop(stem, None)
            ws.sources.pop(("worker", stem), None)
            ws.broken.discard(("worker", stem))


def map_workers(
    root: Path, as_of: dt.date, stage: WorkerStage[T], *, jobs: int | None = None
) -> Iterator[T]:
    """`stage` applied to every worker file of the workspace, in file order."""
    files = worker_files(root)
    workers = jobs or (os.cpu_count() or 1 if len(files) >= PARALLEL_FROM else 1)
    if workers <= 1:
        _init(str(root), as_of.isoformat(), stage)
        for file in files:
            yield _run(file)  # type: ignore[misc]
        return
    with process_pool(workers, _init, (str(root), as_of.isoformat(), stage)) as pool:
        yield from pool.map(_run, files, chunksize=CHUNK)  # type: ignore[misc]


def issues_only(
    ws: Workspace, stem: str, worker: Worker | None, issues: list[Issue], as_of: dt.date
) -> list[Issue]:
    """`portfolio check`: the worker's issues."""
    return issues


class AssessedWorker(NamedTuple):
    """What `assess --all` needs of one worker, small enough to send between processes."""

    stem: str
    json: str | None
    """The SPEC §9 shape, or None when the worker's data has errors."""
    warned: bool
    summary: list[SummaryRow]
    issues: list[Issue]


def assessed_worker(
    ws: Workspace, stem: str, worker: Worker | None, issues: list[Issue], as_of: dt.date
) -> AssessedWorker:
    """`portfolio assess --all`: the assessment, unless the worker's data has errors."""
    if worker is None or any(i.is_error for i in issues):
        return AssessedWorker(stem, None, False, [], issues)
    warnings = [i.render() for i in issues]
    assessment, _ = assess(ws, worker, as_of, warnings)
    return AssessedWorker(
        stem, assessment.model_dump_json(), bool(warnings), summary_rows(stem, assessment), []
    )


def summary_rows(stem: str, assessment: Assessment) -> list[SummaryRow]:
    """Worker, référentiel, presentable blocks and acquired competencies, as « n/total »."""
    rows = []
    for ref_status in assessment.referentiels:
        blocks = ref_status.blocks
        presentable = sum(b.presentable for b in blocks)
        acquired = sum(b.acquired for b in blocks)
        total = sum(b.total for b in blocks)
        rows.append((stem, ref_status.id, f"{presentable}/{len(blocks)}", f"{acquired}/{total}"))
    return rows
