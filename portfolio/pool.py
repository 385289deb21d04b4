"""The one kind of process pool of the package: checks, assessments and documents on every core.

Each pool process dies with the command that started it: a `kill -9` of `portfolio build` must
not leave processes behind that go on writing documents (nor holding 100 MB each).

On Linux the kernel kills a process whose parent dies (`PR_SET_PDEATHSIG`), at once, whatever
the process is doing. But the kernel's "parent" is the *thread* that forked: a pool forked by a
thread that ends before the pool (a web server's worker thread, a generator resumed by another
thread) would lose its processes with that thread. So the processes are forked when the pool is
made, by the thread that makes it; the death signal is used when that thread is the main thread
(it lives as long as the process), and otherwise, like on systems without the signal, each
process watches its parent and leaves as soon as it is gone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

_PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.05
"""How often a process without the death signal checks that its parent is still there."""


def process_pool(
    workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    """A pool of `workers` processes, each prepared once by `initializer(*initargs)`.

    Processes are forked where the system allows it: they start with the parent's imports
    instead of importing everything again."""
    context = get_context("fork") if hasattr(os, "fork") else get_context()
    signalled = sys.platform.startswith("linux") and threading.current_thread() is (
        threading.main_thread()
    )
    pool = ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_start,
        initargs=(os.getpid(), signalled, initializer, initargs),
    )
    pool.submit(os.getpid)  # forks every process now, from this thread (see the module's note)
    return pool


def _start(
    parent: int, signalled: bool, initializer: Callable[..., None], initargs: tuple[Any, ...]
) -> None:
    die_with_parent(parent, signalled)
    initializer(*initargs)


def die_with_parent(parent: int, signalled: bool) -> None:
    """End this process as soon as its parent is gone: by the kernel's death signal when
    `signalled`, else by a thread that watches the parent."""
    if signalled:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)
