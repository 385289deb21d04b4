"""Writing to a workspace or an output folder with several writers at once: one writer at a time,
and a change of several files lands whole or not at all (SPEC §4, §9).

Counselors, a web server and `build` may write to one workspace at the same moment. Every write
(recording, import, forget, accounts, the build manifest) happens inside `locked(folder)`: an
exclusive lock taken by the operating system on a lock file, which the system releases when its
holder dies, so a killed command never blocks the next one. Under the lock, the writer reads the
files again, validates the change, and writes it with `commit`: every new file is first written
beside its target and listed in a journal; the renames follow; a writer killed in the middle
leaves the journal, and the next writer to take the lock finishes the renames before anything
else (`recover`). A reader never sees a half-written file (each rename is atomic), and a change
of thirteen worker files is never left with five of them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from portfolio.fsutil import stage, write_atomic
from portfolio.issues import PortfolioError

LOCK_FILE = ".portfolio.lock"
JOURNAL_FILE = ".portfolio-journal.json"
WAIT_SECONDS = 120.0
"""How long a writer waits for another one before giving up with a message."""


@contextmanager
def locked(folder: Path, *, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the folder's write lock; finish a change a killed writer left half done."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / LOCK_FILE, timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise PortfolioError(
            f"le dossier {folder} est en cours de modification par une autre commande depuis "
            f"plus de {wait:g} s : réessayez quand elle aura fini"
        ) from None
    try:
        recover(folder)
        yield
    finally:
        lock.release()


def commit(folder: Path, files: Mapping[Path, str | bytes]) -> None:
    """Replace every file of `files` (paths inside `folder`), all of them or none.

    Call it under `locked(folder)`. With one file, this is an atomic write."""
    if len(files) == 1:
        ((path, content),) = files.items()
        write_atomic(path, content)
        return
    staged: dict[str, str] = {}
    try:
        for path, content in files.items():
            staged[str(stage(path, content, suffix=".new"))] = str(path)
    except BaseException:
        for tmp in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    write_atomic(folder / JOURNAL_FILE, json.dumps(staged, ensure_ascii=False))
    recover(folder)


def recover(folder: Path) -> None:
    """Finish the renames a journal lists (a writer was killed after staging its change)."""
    journal = folder / JOURNAL_FILE
    try:
        staged: dict[str, str] = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    for tmp, target in staged.items():
        if Path(tmp).exists():
            os.replace(tmp, target)
    for parent in {Path(target).parent for target in staged.values()}:
        _sync_folder(parent)
    journal.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the renames durable (POSIX; nothing to do elsewhere)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
