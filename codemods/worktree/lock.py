"""One unshim run per work tree: `apply` (unless a dry run) and `run` hold the tree's lock.

The lock is an `fcntl.flock` on an open file holding "pid started-at", so the kernel releases
it when its holder ends, however it ends. A file left by a holder that was killed is taken
over (`held` yields who held it). The file is removed while still locked, and a taker checks
that the file it locked is still the one at the path, so two runs never hold two files.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from unshim.codemods.worktree.place import lock_path


@dataclass(frozen=True)
class Holder:
    pid: str
    since: str


class TreeBusy(Exception):
    """Another run holds the tree: nothing was done."""

    def __init__(self, path: Path, holder: Holder) -> None:
        super().__init__(
            f"another unshim (pid {holder.pid}) has been working on this tree since "
            f"{holder.since} (lock {path}): nothing was changed; wait for it to end"
        )
        self.holder = holder


def _holder(text: str) -> Holder | None:
    pid, _, since = text.strip().partition(" ")
    return Holder(pid, since or "an unknown time") if pid else None


def _read(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 200).decode("utf-8", errors="replace")


def _take(path: Path) -> tuple[int, Holder | None]:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(_read(fd)) or Holder("unknown", "an unknown time")
            os.close(fd)
            raise TreeBusy(path, holder) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd, _holder(_read(fd))
        os.close(fd)  # its holder removed it as we opened it: take the new one


@contextmanager
def held(root: Path) -> Iterator[Holder | None]:
    """Hold the tree's lock; yields the holder of a lock left behind by a run that ended
    without releasing it (killed), else None. Raises `TreeBusy` when another run holds it."""
    path = lock_path(root)
    fd, stale = _take(path)
    try:
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()} {started}\n".encode())
        yield stale
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)
