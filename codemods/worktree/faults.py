"""A test hook, and nothing else: `UNSHIM_TEST_KILL_AFTER=N` makes the process kill itself
(SIGKILL, as `kill -9` would) right after its Nth file operation of an apply's writes (a
temporary written, the journal written, a file renamed or deleted). The fault-injection test
(tests/test_apply_faults.py) uses it to stop `apply` at every point of its run; unset, `step`
only reads the environment."""

from __future__ import annotations

import os
import signal

VARIABLE = "UNSHIM_TEST_KILL_AFTER"
_done = 0


def step() -> None:
    global _done
    limit = os.environ.get(VARIABLE)
    if not limit:
        return
    _done += 1
    if _done >= int(limit):
        os.kill(os.getpid(), signal.SIGKILL)
