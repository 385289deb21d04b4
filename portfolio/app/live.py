"""A workspace kept loaded by a long-running front end (the web interface, SPEC §11).

The files stay the single source of truth: each request asks for the `current` snapshot, which
looks at the files' signatures (size, modification time, inode) and reloads only what changed: a
worker file alone, or, when `workspace.yaml`, a référentiel or a catalogue changed, the shared
files and everything computed from them. Assessments and checks are computed on first use and
kept while their inputs stay the same (a bounded cache, so that memory does not grow with the
federation). A snapshot never changes once made: a request reads one coherent state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from portfolio.assess import assess
from portfolio.checks import check_shared, check_worker
from portfolio.issues import Issue, sort_issues
from portfolio.load import find_workspace, load_file, load_workspace
from portfolio.model.evidence import Assessment, WorkerEvidence
from portfolio.model.loaded import Locator, Workspace
from portfolio.model.workspace import Worker
from portfolio.resources import WORKSPACE_FILE

T = TypeVar("T")

CACHE_SIZE = 300
"""Large computed values kept (assessments, worker pages): a page of the dashboard needs 50
assessments once (its rows are then kept in the light cache), a worker page one. With 5,000
workers, 2,000 of them took the server past 500 MB."""

LIGHT_CACHE_SIZE = 200_000
"""Small computed values kept (a worker's check issues, a dashboard row): a few hundred bytes
each, so every worker of a large federation keeps its own."""

SCAN_SECONDS = 1.0
"""How often, at most, every file's signature is read again. In between, a request looks only at
the folders' modification times, which change when a file is written the way every command and
most editors write (a new file renamed over the old one): such a change shows on the next page
at once; a file rewritten in place shows within this delay."""

Signature = tuple[int, int, int]


@dataclass(frozen=True)
class WorkerFile:
    """One file of `workers/` as last read: its model (None when invalid) and load issues."""

    stem: str
    signature: Signature
    worker: Worker | None
    source: Locator | None
    issues: tuple[Issue, ...]


@dataclass(frozen=True)
class Snapshot:
    """The workspace as the files were at one moment; `version` changes with any file."""

    ws: Workspace
    files: dict[str, WorkerFile]
    shared_issues: tuple[Issue, ...]
    shared_version: str
    version: str
    cache: _Cache = field(repr=False, compare=False)
    light: _Cache = field(repr=False, compare=False)
    """Where small values are kept (`CACHE_SIZE` bounds the large ones only)."""

    def worker_version(self, stem: str) -> str:
        return f"{self.shared_version}:{self.files[stem].signature}"

    def assessment(self, stem: str, as_of: dt.date) -> tuple[Assessment, WorkerEvidence]:
        """The assessment at `as_of` (SPEC §6) of the worker of `workers/<stem>.yaml`, computed
        once per version of its file."""
        worker = self.ws.workers[stem]
        key = ("assess", stem, self.worker_version(stem), as_of)
        return self.cache.get(key, lambda: assess(self.ws, worker, as_of))

    def worker_issues(self, stem: str, as_of: dt.date) -> list[Issue]:
        """Load issues and SPEC §8 checks of one worker file, sorted."""
        entry = self.files[stem]

        def compute() -> list[Issue]:
            found = list(entry.issues)
            if entry.worker is not None:
                found += check_worker(self.ws, stem, entry.worker, as_of)
            return sort_issues(found)

        return self.light.get(("check", stem, self.worker_version(stem), as_of), compute)

    def per_worker(self, stem: str, key: Hashable, build: Callable[[], T]) -> T:
        """A small value computed from one worker file (and the shared files), kept while they
        stay the same."""
        return self.light.get(("worker", stem, self.worker_version(stem), key), build)

    def computed(self, key: Hashable, build: Callable[[], T]) -> T:
        """A value computed from the whole snapshot (the cohort's figures), kept while no file
        changes."""
        return self.light.get(("whole", self.version, key), build)


class _Cache:
    """A thread-safe least-recently-used map; a value is computed outside the lock, so that
    two requests never wait on each other's computation (at worst both compute it)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[no-any-return]
        value = build()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value


class LiveWorkspace:
    """The loaded workspace of a server, refreshed from the files on each `current()` call."""

    def __init__(
        self,
        root: Path,
        cache_size: int = CACHE_SIZE,
        scan_seconds: float = SCAN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.root = find_workspace(root)
        self.scan_seconds = scan_seconds
        self._clock = clock
        self._scanned_at: float | None = None
        self._folders: tuple[tuple[str, Signature], ...] = ()
        self._lock = threading.Lock()
        self._cache = _Cache(cache_size)
        self._light = _Cache(LIGHT_CACHE_SIZE)
        self._shared_signature: tuple[tuple[str, Signature], ...] | None = None
        self._shared: tuple[Workspace, tuple[Issue, ...], str] | None = None
        self._files: dict[str, WorkerFile] = {}
        self._snapshot: Snapshot | None = None

    def current(self) -> Snapshot:
        with self._lock:
            folders = tuple(_signatures(self._folder_paths()))
            now = self._clock()
            if (
                self._snapshot is not None
                and folders == self._folders
                and self._scanned_at is not None
                and now - self._scanned_at < self.scan_seconds
            ):
                return self._snapshot
            self._folders, self._scanned_at = folders, now
            shared_signature = tuple(_signatures(self._shared_files()))
            if shared_signature != self._shared_signature or self._shared is None:
                self._shared = self._load_shared(shared_signature)
                self._shared_signature = shared_signature
                self._files = {}
                self._snapshot = None
            files = self._refresh_workers()
            if self._snapshot is None or files is not self._files:
                self._files = files
                self._snapshot = self._make_snapshot()
            return self._snapshot

    def _folder_paths(self) -> list[Path]:
        root = self.root
        return [root, root / "workers", root / "referentiels", root / "catalog"]

    def _shared_files(self) -> list[Path]:
        root = self.root
        files = [root / WORKSPACE_FILE]
        for folder in (root / "referentiels", root / "catalog"):
            if folder.is_dir():
                files += sorted(folder.glob("*.yaml"))
        return files

    def _load_shared(
        self, signature: tuple[tuple[str, Signature], ...]
    ) -> tuple[Workspace, tuple[Issue, ...], str]:
        ws, issues = load_workspace(self.root, workers=False)
        issues += check_shared(ws)
        version = hashlib.sha256(repr(signature).encode()).hexdigest()[:16]
        return ws, tuple(sort_issues(issues)), version

    def _refresh_workers(self) -> dict[str, WorkerFile]:
        """The worker files now: the same dict when none changed, else a new one in which only
        the changed files were read again."""
        folder = self.root / "workers"
        now: dict[str, Signature] = {}
        if folder.is_dir():
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.endswith(".yaml") and not entry.name.startswith("."):
                        stat = entry.stat()
                        now[entry.name[: -len(".yaml")]] = _signature(stat)
        old = self._files
        if now.keys() == old.keys() and all(old[s].signature == sig for s, sig in now.items()):
            return old
        return {
            stem: old[stem] if stem in old and old[stem].signature == sig else self._read(stem, sig)
            for stem, sig in sorted(now.items())
        }

    def _read(self, stem: str, signature: Signature) -> WorkerFile:
        file = self.root / "workers" / f"{stem}.yaml"
        worker, source, issues = load_file(Worker, file, f"workers/{file.name}", self.root)
        return WorkerFile(stem, signature, worker, source, tuple(issues))

    def _make_snapshot(self) -> Snapshot:
        assert self._shared is not None
        base, shared_issues, shared_version = self._shared
        workers = {s: f.worker for s, f in self._files.items() if f.worker is not None}
        sources = dict(base.sources)
        sources.update({("worker", s): f.source for s, f in self._files.items() if f.source})
        broken = set(base.broken) | {("worker", s) for s, f in self._files.items() if not f.worker}
        ws = dataclasses.replace(base, workers=workers, sources=sources, broken=broken)
        ws.derived = base.derived  # computed from the shared files only: kept across snapshots
        version = hashlib.sha256(
            repr((shared_version, [(s, f.signature) for s, f in self._files.items()])).encode()
        ).hexdigest()[:16]
        return Snapshot(
            ws, self._files, shared_issues, shared_version, version, self._cache, self._light
        )


def _signature(stat: os.stat_result) -> Signature:
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def _signatures(files: Iterable[Path]) -> Iterable[tuple[str, Signature]]:
    for file in files:
        try:
            yield (str(file), _signature(file.stat()))
        except OSError:
            yield (str(file), (0, 0, 0))
