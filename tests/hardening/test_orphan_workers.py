"""Pool processes die with the command that started them (issue 13 item 9).

After `kill -9` of `portfolio build`, its two pool processes stayed alive (about 100 MB each) and
wrote three more PDFs. They now die with their parent, and a pool made by a thread that ends
keeps working until the pool is closed (the kernel's death signal is tied to the thread that
forks, not to the process).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import MINIMAL_WORKSPACE, write_tree
from test_build import AS_OF, CATALOG, REFERENTIEL, worker

from portfolio.pool import process_pool

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process table in /proc"
)

GONE_WITHIN = 5.0
"""Seconds a pool process may take to notice its parent is gone (it takes milliseconds)."""
QUIET_FOR = 2.0
"""Seconds during which the output folder must not change after the kill."""


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running or sleeping; a zombie nobody reaped yet has already died."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def survivors(pids: list[int]) -> list[int]:
    deadline = time.monotonic() + GONE_WITHIN
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    return [pid for pid in pids if alive(pid)]


@pytest.fixture
def killed_later() -> Iterator[list[int]]:
    """Pids to kill at the end whatever happens, so that a failing test leaves no process."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def pdfs(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*.pdf")}


@pytest.mark.slow
def test_a_killed_build_leaves_no_pool_process_and_no_new_document(
    tmp_path: Path, killed_later: list[int]
) -> None:
    files = {
        "workspace.yaml": MINIMAL_WORKSPACE,
        "referentiels/tst.yaml": REFERENTIEL,
        "catalog/ofa.yaml": CATALOG,
    }
    files |= {f"workers/w-{n}.yaml": worker(f"w-{n}") for n in range(12)}
    root = write_tree(tmp_path / "ws", files)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "portfolio", "build", "-w", str(root), "-o", str(out)]
    command += ["--jobs", "2", "--as-of", AS_OF.isoformat()]
    build = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed_later.append(build.pid)
    deadline = time.monotonic() + 120
    while len(pdfs(out)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    pool = children(build.pid)
    killed_later.extend(pool)
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    written = pdfs(out)
    assert 2 <= len(written) < 26, "the build must be killed while it renders"
    assert len(pool) == 2
    assert survivors(pool) == []
    time.sleep(QUIET_FOR)
    assert pdfs(out) == written


def _pid(_: object = None) -> int:
    return os.getpid()


def _nothing() -> None:
    """A pool initializer with nothing to prepare."""


def test_a_pool_made_by_a_thread_that_ends_keeps_its_processes() -> None:
    made = {}

    def make_and_use() -> None:
        pool = process_pool(2, _nothing)
        pool.submit(_pid).result()
        made["pool"] = pool

    thread = threading.Thread(target=make_and_use)
    thread.start()
    thread.join()
    time.sleep(0.3)  # the processes would be killed now if they were tied to the thread
    with made["pool"] as pool:
        assert len(list(pool.map(_pid, range(8)))) == 8


POOL_IN_A_THREAD = textwrap.dedent(
    """\
    import os, threading, time
    from portfolio.pool import process_pool

    def nothing():
        pass

    def sleep(seconds):
        time.sleep(seconds)

    made = {}
    thread = threading.Thread(target=lambda: made.update(pool=process_pool(2, nothing)))
    thread.start()
    thread.join()
    futures = [made["pool"].submit(sleep, 120) for _ in range(2)]
    print("prêt", flush=True)
    time.sleep(120)
    """
)


def test_a_pool_made_by_a_thread_dies_with_its_process(killed_later: list[int]) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", POOL_IN_A_THREAD], stdout=subprocess.PIPE, text=True
    )
    killed_later.append(parent.pid)
    assert parent.stdout is not None
    assert parent.stdout.readline().strip() == "prêt"
    pool = children(parent.pid)
    killed_later.extend(pool)
    assert len(pool) == 2
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    assert survivors(pool) == []
