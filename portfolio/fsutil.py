"""Writing files so that an interruption never leaves a truncated or half-copied result."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def kept_mode(path: Path) -> int:
    """Keep the mode of the file being replaced; a new file gets the usual umask-based mode.

    (`mkstemp` creates files readable by their owner only, which would silently make a worker
    file or a shared document private after the first edit.)
    """
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def write_atomic(path: Path, content: str | bytes, *, mode: int | None = None) -> None:
    """Write to a temporary file in the same folder, flush it to disk, then rename it.

    `mode` (0o600 for a secret) is the file's from its creation on, never loosened for a moment:
    the temporary file is created readable by its owner only and given `mode` before any byte
    is written. Without it, the replaced file's mode is kept (`kept_mode`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = stage(path, content, mode=mode)
    try:
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _about(exc, path) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def stage(
    path: Path, content: str | bytes, *, mode: int | None = None, suffix: str = ".tmp"
) -> Path:
    """The new content of `path`, complete and flushed to disk in a hidden file beside it, with
    `mode` (or the mode of the file it will replace); renaming it into place is the caller's."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    except OSError as exc:
        raise _about(exc, path) from None
    try:
        os.fchmod(fd, kept_mode(path) if mode is None else mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _about(exc: OSError, path: Path) -> OSError:
    """The same error, naming the file the user asked for rather than its hidden temporary
    twin (« .rapport.html.x1y2.tmp » means nothing to them)."""
    return OSError(exc.errno, exc.strerror, str(path))


def blocking_file(path: Path) -> Path | None:
    """The file standing where `path` needs a folder (`a/b/c.pdf` while `a` is a file, or `a`
    itself when it was to be created as a folder), so that a message names it; None when there
    is none."""
    for ancestor in (*reversed(path.parents), path):
        if ancestor.is_file():
            return ancestor
    return None


def copy_tree_atomic(source: Path, target: Path) -> None:
    """Copy a folder next to `target`, then rename it into place in one step."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        shutil.copytree(
            source,
            staging,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(".keep", "__pycache__"),
        )
        staging.chmod(0o777 & ~_umask())
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
