"""`apply` under faults: killed, interrupted, run twice at once, files changed underfoot."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import pytest

from tests.faulttrees import alive, children, shim_tree, start_unshim

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _workers_of(process_pid: int, wanted: int, timeout: float = 60.0) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = children(process_pid)
        if len(found) >= wanted:
            return found
        time.sleep(0.01)
    raise AssertionError(f"unshim never started {wanted} workers")


def _gone(pids: set[int], timeout: float = 5.0) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    return {p for p in pids if alive(p)}


@linux_only
def test_workers_end_when_apply_is_killed(tmp_path: Path) -> None:
    shim_tree(tmp_path, 400)
    process = start_unshim("apply", str(tmp_path), "--shim", "old", "--jobs", "2", "--dry-run")
    try:
        workers = _workers_of(process.pid, 2)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        assert _gone(workers) == set()
    finally:
        process.kill()
        process.wait()


@linux_only
def test_ctrl_c_stops_the_workers_and_exits_130(tmp_path: Path) -> None:
    shim_tree(tmp_path, 400)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.py")}
    process = start_unshim("apply", str(tmp_path), "--shim", "old", "--jobs", "2")
    try:
        workers = _workers_of(process.pid, 2)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 130, err
        assert b"Traceback" not in err
        assert _gone(workers) == set()
    finally:
        process.kill()
        process.wait()
    after = {p: p.read_bytes() for p in tmp_path.rglob("*.py")}
    assert after == before  # interrupted while the workers read: nothing was written
