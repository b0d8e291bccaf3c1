"""Worker processes that end when unshim ends, however it ends.

Every `ProcessPoolExecutor` of unshim (the scan's compile checks, the rewrite's readers) is
created by `pool()`, whose initializer runs first in each worker:

- on Linux, `PR_SET_PDEATHSIG` asks the kernel to send the worker SIGKILL when its parent
  dies, so a `kill -9` of unshim does not leave workers blocked on a pipe nobody reads;
- the parent is checked to be still the process that started the worker: one that died
  before the `prctl` took effect has already handed the worker to another parent;
- SIGPIPE is set back to its default, so a worker writing to a pipe whose reader went away
  ends instead of raising into a loop that nobody reads either;
- SIGINT is ignored: Ctrl-C reaches the whole process group, and it is the parent that
  decides what an interruption means (it stops the pool and writes nothing half).

A worker is forked inside `ProcessPoolExecutor.submit`; a Ctrl-C that lands during the fork
would be lost (it interrupts the fork's own handlers, which ignore it), so submissions go
through `submit`, which holds SIGINT back until the fork is done.

`PR_SET_PDEATHSIG` fires when the *thread* that started the worker ends; unshim starts its
workers from the main thread, which lives as long as the process.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no libc to ask: the parent check below still holds
        return


def start_worker(parent: int, nice: int = 0) -> None:
    """The initializer of every worker; `parent` is the pid of the process that made the pool,
    `nice` how much lower than its priority the worker runs (background work)."""
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the kernel could be told
        os._exit(1)


def pool(jobs: int, nice: int = 0) -> ProcessPoolExecutor:
    """A pool of `jobs` workers that end with this process, `nice` lower in priority."""
    return ProcessPoolExecutor(
        max_workers=jobs, initializer=start_worker, initargs=(os.getpid(), nice)
    )


def submit(pool: ProcessPoolExecutor, fn: Callable[..., T], *args: Any) -> Future[T]:
    """`pool.submit(fn, *args)` with SIGINT held back meanwhile: delivered once it returns."""
    blocked = {signal.SIGINT}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        return pool.submit(fn, *args)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
