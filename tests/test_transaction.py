"""The tree changed as a whole: staged, committed, interrupted, changed underfoot, recovered."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.treemaker import make_tree
from unshim.codemods import transaction
from unshim.codemods.rewrite import engine
from unshim.codemods.rewrite.results import Failed, Rewritten, Unchanged
from unshim.codemods.worktree import journal

FILES = {"a.py": "old a\n", "pkg/b.py": "old b\n", "pkg/c.py": "same\n", "gone/x.py": "x\n"}


def _tree(root: Path) -> Path:
    (root / ".git").mkdir()
    return make_tree(root, FILES)


def _results(root: Path) -> list[Rewritten | Unchanged]:
    return [
        Rewritten("a.py", b"old a\n", b"new a\n"),
        Rewritten("pkg/b.py", b"old b\n", b"new b\n"),
        Unchanged("pkg/c.py", b"same\n"),
    ]


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


def test_writes_then_deletes_and_leaves_no_journal(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    (root / "a.py").chmod(0o640)
    done = transaction.write_tree(root, _results(root), ["gone/x.py"], ["gone"])
    assert _files(root) == {"a.py": b"new a\n", "pkg/b.py": b"new b\n", "pkg/c.py": b"same\n"}
    assert done.deleted == ("gone/x.py",)
    assert (root / "a.py").stat().st_mode & 0o777 == 0o640
    assert not (root / ".git/unshim-journal").exists()


def test_a_file_changed_underfoot_is_left_and_nothing_is_deleted(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    (root / "pkg/b.py").write_bytes(b"someone else's\n")
    done = transaction.write_tree(root, _results(root), ["gone/x.py"], ["gone"])
    assert (root / "pkg/b.py").read_bytes() == b"someone else's\n"
    assert (root / "a.py").read_bytes() == b"new a\n"
    assert (root / "gone/x.py").exists()
    (failed,) = [r for r in done.results if isinstance(r, Failed)]
    assert (failed.path, failed.reason) == ("pkg/b.py", "changed while unshim ran; left as it is")
    assert [k.subject for k in done.kept] == ["gone/x.py"]


def test_ctrl_c_while_staging_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    write_new = engine._write_new
    calls: list[Path] = []

    def interrupted_second(path: Path, temporary: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        write_new(path, temporary, data)

    monkeypatch.setattr(engine, "_write_new", interrupted_second)
    before = _files(root)
    with pytest.raises(KeyboardInterrupt, match="nothing was written"):
        transaction.write_tree(root, _results(root), ["gone/x.py"], ["gone"])
    assert _files(root) == before  # no temporary left either
    assert journal.read(root) is None


def test_ctrl_c_during_the_renames_waits_for_them_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    commit = engine.commit

    def interrupted_commit(root: Path, entries: Sequence[journal.Entry]) -> tuple[str, ...]:
        os.kill(os.getpid(), signal.SIGINT)  # a Ctrl-C as the first rename begins
        return commit(root, entries)

    monkeypatch.setattr(engine, "commit", interrupted_commit)
    with pytest.raises(KeyboardInterrupt, match=r"written in full \(2 files rewritten, 1 del"):
        transaction.write_tree(root, _results(root), ["gone/x.py"], ["gone"])
    assert _files(root) == {"a.py": b"new a\n", "pkg/b.py": b"new b\n", "pkg/c.py": b"same\n"}
    assert journal.read(root) is None


def _killed_while(root: Path, phase: str) -> None:
    """The journal and temporaries a run killed in `phase` leaves: a.py already renamed."""
    writes = [
        journal.Entry("a.py", engine.digest(b"old a\n"), engine.digest(b"new a\n"), ".a.py.1.tmp"),
        journal.Entry(
            "pkg/b.py", engine.digest(b"old b\n"), engine.digest(b"new b\n"), "pkg/.b.py.2.tmp"
        ),
    ]
    deletes = [journal.Entry("gone/x.py", engine.digest(b"x\n"), None, None)]
    if phase == journal.STAGING:
        (root / ".a.py.1.tmp").write_bytes(b"new a\n")
    else:
        (root / "a.py").write_bytes(b"new a\n")
        (root / "pkg/.b.py.2.tmp").write_bytes(b"new b\n")
    record = journal.Journal(
        phase, 4321, "2026-01-01T00:00:00+00:00", (*writes,), (*deletes,), ("gone",)
    )
    journal.write(root, record)


def test_a_run_killed_while_committing_is_completed(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    _killed_while(root, journal.COMMITTING)
    recovery = transaction.recover(root)
    assert recovery is not None and recovery.found is not None and recovery.found.pid == 4321
    assert recovery.completed == ("a.py", "pkg/b.py") and recovery.deleted == ("gone/x.py",)
    assert _files(root) == {"a.py": b"new a\n", "pkg/b.py": b"new b\n", "pkg/c.py": b"same\n"}
    assert journal.read(root) is None
    assert transaction.recover(root) is None  # nothing left to do


def test_a_run_killed_while_staging_is_discarded(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    before = _files(root)
    _killed_while(root, journal.STAGING)
    recovery = transaction.recover(root)
    assert recovery is not None and recovery.completed == () and recovery.deleted == ()
    assert _files(root) == before


def test_completing_leaves_a_file_changed_since_as_it_is(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    _killed_while(root, journal.COMMITTING)
    (root / "pkg/b.py").write_bytes(b"edited after the kill\n")
    recovery = transaction.recover(root)
    assert recovery is not None
    assert next((k.subject, k.reason) for k in recovery.kept) == (
        "pkg/b.py",
        "changed while unshim ran; left as it is",
    )
    assert (root / "pkg/b.py").read_bytes() == b"edited after the kill\n"
    assert (root / "gone/x.py").exists()  # what still may import it was not rewritten
    assert not (root / "pkg/.b.py.2.tmp").exists()


def test_temporaries_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    strays = ["pkg/.b.py.4b88gwhx.tmp", ".a.py.0a1b2c3d.unshim.tmp"]
    theirs = ["pkg/.notes.txt.4b88gwhx.tmp", "pkg/.gone.py.4b88gwhx.tmp", ".other.tmp"]
    for name in strays + theirs:
        (root / name).write_text("x")
    recovery = transaction.recover(root)
    assert recovery is not None and recovery.strays == tuple(sorted(strays))
    assert all((root / name).exists() for name in theirs)


def test_a_journal_that_is_not_one_is_an_error(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    (root / ".git/unshim-journal").mkdir()
    (root / ".git/unshim-journal/journal.json").write_text(json.dumps({"phase": 1}))
    with pytest.raises(journal.JournalError, match="not an unshim journal"):
        transaction.recover(root)
    assert os.listdir(root / ".git/unshim-journal") == ["journal.json"]
