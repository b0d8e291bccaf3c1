"""No process the target's commands start outlives them.

A command's process group is killed when it times out (see `run`), but a command can start a
daemon in a session of its own (`setsid`, a double fork), which no group kill reaches. Such a
process would live on beside the bot while it pushes with its token, and long after. On Linux
unshim makes itself the subreaper of what it starts (`PR_SET_CHILD_SUBREAPER`): a process
whose parent dies becomes unshim's child instead of init's, so after the commands every child
that was not there before them is one they left behind, and is killed.

Elsewhere there is no subreaper, and the commands' process groups are all that is stopped.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator

_PR_SET_CHILD_SUBREAPER = 36


def _become_subreaper() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) == 0
    except (OSError, AttributeError):  # pragma: no cover - no prctl here
        return False


def children(pid: int | None = None) -> frozenset[int]:
    """The processes whose parent is `pid` (default: this one), from /proc."""
    parent = os.getpid() if pid is None else pid
    found = set()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return frozenset()
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if len(fields) > 1 and int(fields[1]) == parent:
            found.add(int(entry))
    return frozenset(found)


def _kill(pids: frozenset[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    for pid in pids:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, 0)


@contextlib.contextmanager
def reaped() -> Iterator[None]:
    """Run the block; then kill every process it left behind (on Linux)."""
    if not _become_subreaper():
        yield
        return
    before = children()
    try:
        yield
    finally:
        # What a command left behind may itself fork while being killed: a few rounds.
        for _ in range(5):
            left = children() - before
            if not left:
                break
            _kill(left)
