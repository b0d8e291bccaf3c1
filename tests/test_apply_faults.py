"""`apply` under faults: killed, interrupted, run twice at once, files changed underfoot."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.faulttrees import (
    alive,
    children,
    hold_lock,
    in_group,
    shim_tree,
    start_unshim,
)
from unshim.bot import commands
from unshim.bot.apply_request import deletion
from unshim.bot.cli import main
from unshim.codemods.delete.removal import DeletionResult
from unshim.codemods.scan.index import Index
from unshim.codemods.worktree import journal
from unshim.codemods.worktree.faults import VARIABLE

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
        assert b"error: interrupted: nothing was written" in err
        assert _gone(workers) == set()
    finally:
        process.kill()
        process.wait()
    after = {p: p.read_bytes() for p in tmp_path.rglob("*.py")}
    assert after == before  # interrupted while the workers read: nothing was written


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts and p.name != ".unshim.lock"
    }


@pytest.mark.parametrize("git", [True, False], ids=["git_tree", "plain_tree"])
def test_second_run_on_a_held_tree_exits_2_and_changes_nothing(tmp_path: Path, git: bool) -> None:
    shim_tree(tmp_path, 3)
    if git:
        (tmp_path / ".git").mkdir()
    before = _snapshot(tmp_path)
    holder = hold_lock(tmp_path)
    try:
        second = start_unshim("apply", str(tmp_path), "--shim", "old")
        _, err = second.communicate(timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert second.returncode == 2, err
    assert f"another unshim (pid {holder.pid}) has been working on this tree since".encode() in err
    assert _snapshot(tmp_path) == before
    lock = tmp_path / (".git/unshim.lock" if git else ".unshim.lock")
    assert lock.read_text().startswith(f"{holder.pid} ")  # left by the killed holder


def test_lock_of_a_killed_run_is_taken_over_saying_so(tmp_path: Path) -> None:
    shim_tree(tmp_path, 3)
    holder = hold_lock(tmp_path)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    process = start_unshim("apply", str(tmp_path), "--shim", "old")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert f"took over the lock of unshim pid {holder.pid}".encode() in err
    assert (tmp_path / "app/use1.py").read_text().startswith("from real.core import Real")
    assert not (tmp_path / ".unshim.lock").exists()  # released: removed


def test_dry_run_takes_no_lock(tmp_path: Path) -> None:
    shim_tree(tmp_path, 3)
    holder = hold_lock(tmp_path)
    try:
        process = start_unshim("apply", str(tmp_path), "--shim", "old", "--dry-run")
        _, err = process.communicate(timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert process.returncode == 0, err


def test_a_file_changed_between_read_and_write_is_left_and_apply_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone saves app/use1.py while apply works (here: while the deletion is proven, after
    the rewrite read it and before the write): it is not written, nor is the shim deleted."""
    shim_tree(tmp_path, 3)
    edited = b"from old.one import Real  # edited meanwhile\n"

    def edit_then_prove(index: Index, packages: tuple[str, ...], dry_run: bool) -> DeletionResult:
        (tmp_path / "app/use1.py").write_bytes(edited)
        return deletion(index, packages, dry_run)

    monkeypatch.setattr(commands, "deletion", edit_then_prove)
    assert main(["apply", str(tmp_path), "--shim", "old"]) == 1
    err = capsys.readouterr().err
    assert "app/use1.py: changed while unshim ran; left as it is" in err
    assert (tmp_path / "app/use1.py").read_bytes() == edited
    assert (tmp_path / "app/use0.py").read_text().startswith("import real.core")
    assert (tmp_path / "old/one.py").exists()
    assert "not deleted: app/use1.py was not rewritten" in err


def _files(root: Path) -> dict[str, bytes]:
    """Every file of the tree, but not unshim's own state in `.git`."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def _fault_tree(root: Path) -> Path:
    """300 files: the shim package, 150 consumers, and files that do not name it."""
    shim_tree(root, 150, whole=False)
    (root / ".git").mkdir()
    bystanders = 300 - len(_files(root))
    for n in range(bystanders):
        (root / f"app/other{n}.py").write_text(f"VALUE = {n}\n")
    return root


def _killed_at(point: int, arguments: list[str]) -> tuple[int, int]:
    """`unshim apply` in a process of its own group, forked from this one (whose imports it
    shares, so it starts at once), killed by the test hook after its `point`th file
    operation: (its pid, how it ended)."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.setpgid(0, 0)
            os.environ[VARIABLE] = str(point)
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            main(arguments)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return pid, os.waitstatus_to_exitcode(status)


@linux_only
@pytest.mark.many_runs
def test_apply_killed_at_20_points_is_old_or_new_and_a_rerun_completes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _fault_tree(tmp_path / "base")
    before = _files(base)
    assert len(before) == 300
    clean = tmp_path / "clean"
    shutil.copytree(base, clean)
    assert start_unshim("apply", str(clean), "--shim", "old", "--jobs", "2").wait(60) == 0
    # The rewrite's workers end before the first write (test_workers_end_when_apply_is_killed
    # kills them while they work), so here one process does it all: quicker.
    arguments = ["apply", "--shim", "old", "--jobs", "1"]
    after = _files(clean)
    changed = sum(before[p] != after.get(p) for p in before)
    # temporaries written, journal written twice, renames, deletions: the kill points
    operations = 2 * (changed - 4) + 2 + 4
    points = sorted(random.Random(13).sample(range(1, operations + 1), 20))
    for point in points:
        tree = tmp_path / f"killed{point}"
        shutil.copytree(base, tree)
        pid, ended = _killed_at(point, [*arguments, str(tree)])
        assert ended == -signal.SIGKILL, point
        assert _gone(set(in_group(pid))) == set(), point  # nothing of its group is left
        now = _files(tree)
        temporaries = {p for p in now if p.endswith(".tmp")}
        record = journal.read(tree)  # the temporaries on disk are the journal's: none stray
        assert temporaries <= {e.temporary for e in record.writes} if record else not temporaries
        assert set(now) - temporaries <= set(before), point
        assert all(now[p] in (before[p], after.get(p)) for p in set(now) - temporaries), point
        code = main([*arguments, str(tree)])  # the rerun
        assert (code, _files(tree)) == (0, after), (point, capsys.readouterr().err)
        shutil.rmtree(tree)
