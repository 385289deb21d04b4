"""Per-worker stages over a whole workspace, one worker file at a time, in parallel.

A federation may hold 180,000 worker files: loading them all before checking or assessing would
take gigabytes. Here the shared files (settings, référentiels, catalogues) are loaded once per
process and each worker file is loaded, checked, assessed and dropped in turn, so memory stays
flat and both cores work. Results come back in worker-file order.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import deque
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import NamedTuple, TypeVar

from portfolio.assess import assess
from portfolio.checks import check_worker
from portfolio.issues import Issue, sort_issues
from portfolio.load import _cyclic_gc_paused, load_worker, load_workspace, worker_file_names
from portfolio.model.evidence import Assessment
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.pool import process_pool

T = TypeVar("T")

PARALLEL_FROM = 400
"""Below this many workers, starting processes costs more than it saves."""
CHUNK = 64
"""Worker files sent to a process at a time."""
AHEAD = 4
"""Chunks sent ahead to each process: enough to keep it busy, few enough that results do not
pile up when they are written more slowly than they come (memory stays flat), and that a
command stopped early (`| head`) waits for a few chunks only."""

SummaryRow = tuple[str, str, str, str]

WorkerStage = Callable[[Workspace, str, Worker | None, list[Issue], dt.date], T]
"""Called with the shared workspace, the worker's file stem, the worker (None when its file is
invalid), the issues of loading and checking it, and the assessment date."""

_process: dict[str, object] = {}


def _init(root: str, as_of: str, stage: WorkerStage) -> None:
    ws, _ = load_workspace(Path(root), workers=False)
    _process.update(ws=ws, as_of=dt.date.fromisoformat(as_of), stage=stage)


def _run(name: str) -> object:
    ws: Workspace = _process["ws"]  # type: ignore[assignment]
    as_of: dt.date = _process["as_of"]  # type: ignore[assignment]
    stage: WorkerStage = _process["stage"]  # type: ignore[assignment]
    return run_one(ws, ws.root / "workers" / name, as_of, stage)


def _run_chunk(names: list[str]) -> list[object]:
    return [_run(name) for name in names]


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
    names = worker_file_names(root)
    workers = jobs or (os.cpu_count() or 1 if len(names) >= PARALLEL_FROM else 1)
    if workers <= 1:
        _init(str(root), as_of.isoformat(), stage)
        for name in names:
            yield _run(name)  # type: ignore[misc]
        return
    chunks = (names[start : start + CHUNK] for start in range(0, len(names), CHUNK))
    with process_pool(workers, _init, (str(root), as_of.isoformat(), stage)) as pool:
        sent = deque(pool.submit(_run_chunk, chunk) for chunk in islice(chunks, workers * AHEAD))
        try:
            while sent:
                results = sent.popleft().result()
                sent.extend(pool.submit(_run_chunk, chunk) for chunk in islice(chunks, 1))
                yield from results  # type: ignore[misc]
        finally:
            for future in sent:  # stopped early: what has not started never will
                future.cancel()


def issues_only(
    ws: Workspace, stem: str, worker: Worker | None, issues: list[Issue], as_of: dt.date
) -> list[Issue]:
    """`portfolio check`: the worker's issues."""
    return issues


class AssessedWorker(NamedTuple):
    """What `assess --all` needs of one worker, small enough to send between processes."""

    stem: str
    refused: bool
    """The worker's data has errors (`issues`): it is not assessed."""
    warned: bool
    json_line: bytes
    """The SPEC §9 shape as one line of UTF-8 (`assessed_json`), else empty."""
    summary: list[SummaryRow]
    """The rows of the summary table (`assessed_summary`), else empty."""
    issues: list[Issue]


def _assessment(
    ws: Workspace, worker: Worker | None, issues: list[Issue], as_of: dt.date
) -> Assessment | None:
    """The worker's assessment with its warnings, or None when its data has errors."""
    if worker is None or any(i.is_error for i in issues):
        return None
    return assess(ws, worker, as_of, [i.render() for i in issues])[0]


def assessed_json(
    ws: Workspace, stem: str, worker: Worker | None, issues: list[Issue], as_of: dt.date
) -> AssessedWorker:
    """`portfolio assess --all --json`: the assessment as a JSON line, serialised here, in the
    pool, straight to UTF-8: the parent process only writes it."""
    assessment = _assessment(ws, worker, issues, as_of)
    if assessment is None:
        return AssessedWorker(stem, True, False, b"", [], issues)
    line = _ASSESSMENT_JSON.to_json(assessment) + b"\n"
    return AssessedWorker(stem, False, bool(issues), line, [], [])


def assessed_summary(
    ws: Workspace, stem: str, worker: Worker | None, issues: list[Issue], as_of: dt.date
) -> AssessedWorker:
    """`portfolio assess --all`: the worker's rows of the summary table."""
    assessment = _assessment(ws, worker, issues, as_of)
    if assessment is None:
        return AssessedWorker(stem, True, False, b"", [], issues)
    return AssessedWorker(stem, False, bool(issues), b"", summary_rows(stem, assessment), [])


_ASSESSMENT_JSON = Assessment.__pydantic_serializer__
"""`Assessment.model_dump_json` without decoding its UTF-8 (which the parent would encode
again): 180,000 lines of 7 kB."""


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
