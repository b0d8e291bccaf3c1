"""Hostile input to `apply`: each case gets a one-line message naming the file, a non-zero exit
where work was refused, and no byte changed anywhere else in the tree."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.treemaker import make_tree
from unshim.bot.cli import main
from unshim.codemods.rewrite import engine
from unshim.codemods.rewrite.results import Failed, Rewritten
from unshim.codemods.scan.sources import MAX_FILE_BYTES

TREE = {
    "app/__init__.py": "",
    "app/core.py": "class C:\n    pass\n",
    "app/legacy/__init__.py": "",
    "app/legacy/mod.py": "from app.core import C\n",
    "app/good.py": "from app.legacy.mod import C\n",
}
IMPORT = b"from app.legacy.mod import C\n"


def _nul(root: Path) -> str:
    (root / "app/nul.py").write_bytes(IMPORT + b'x = "\0"\n')
    return "app/nul.py: mentions app.legacy but was not analyzed (source contains NUL bytes)"


def _undecodable(root: Path) -> str:
    (root / "app/latin.py").write_bytes(IMPORT + b'x = "\xff\xfe"\n')
    return "app/latin.py: mentions app.legacy but was not analyzed (cannot be decoded"


def _huge(root: Path) -> str:
    with (root / "app/huge.py").open("wb") as out:
        out.write(IMPORT)
        out.write(b"x = 1\n" * (MAX_FILE_BYTES // 6 + 1))
    return "app/huge.py: mentions app.legacy but was not analyzed (file too large"


def _symlink_loop(root: Path) -> str:
    os.symlink("..", root / "app" / "loop")
    os.symlink("missing.py", root / "app" / "dangling.py")
    return ""  # nothing to refuse: the loop is not followed, the good file is rewritten


def _read_only(root: Path) -> str:
    (root / "app/frozen.py").write_bytes(IMPORT)
    (root / "app/frozen.py").chmod(0o444)
    return "kept: app/frozen.py: is read-only (mode 0444); left as it is"


def _folder_not_writable(root: Path) -> str:
    (root / "app/locked").mkdir()
    (root / "app/locked/__init__.py").write_bytes(b"")
    (root / "app/locked/user.py").write_bytes(IMPORT)
    (root / "app/locked").chmod(0o555)
    return "kept: app/locked/user.py: is in a folder that is not writable (mode 0555)"


CASES: dict[str, Callable[[Path], str]] = {
    "NUL bytes": _nul,
    "undecodable bytes": _undecodable,
    "a module larger than unshim reads": _huge,
    "symlink loops and dangling links": _symlink_loop,
    "a read-only file that must be rewritten": _read_only,
    "a folder without write permission": _folder_not_writable,
}


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink() and "__pycache__" not in p.parts
    }


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_hostile_input_gets_one_line_and_nothing_else_changes(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_tree(tmp_path / "tree", TREE)
    expected = CASES[case](root)
    before = _digests(root)
    try:
        code = main(["apply", str(root), "--shim", "app.legacy"])
    finally:
        if (root / "app/locked").exists():
            (root / "app/locked").chmod(0o755)  # for tmp_path's cleanup
    err = capsys.readouterr().err
    assert "Traceback" not in err
    after = _digests(root)
    changed = {path for path in before if before[path] != after.get(path)}
    # The good consumer is rewritten; the hostile file and every other byte stay (and the shim,
    # while a file unshim could not read may name it).
    shim = {"app/legacy/__init__.py", "app/legacy/mod.py"}
    assert changed == {"app/good.py"} | (set() if expected else shim), err
    assert (root / "app/good.py").read_text() == "from app.core import C\n"
    if expected:
        assert code == 1
        [line] = [line for line in err.splitlines() if expected in line]
        assert line.endswith(("the shim is kept", "to rewrite it"))
        assert (root / "app/legacy").is_dir()  # a file it did not rewrite still names the shim
    else:
        assert code == 0, err


def test_a_file_deleted_while_unshim_runs_is_not_written_again(tmp_path: Path) -> None:
    root = make_tree(tmp_path, TREE)
    before = (root / "app/good.py").read_bytes()
    result = Rewritten("app/good.py", before, b"from app.core import C\n", (), ())
    (root / "app/good.py").unlink()  # between unshim's read and its write
    [staged] = engine.stage(root, [result], {"app/good.py": engine.temporary_for("app/good.py")})
    assert isinstance(staged, Failed) and staged.reason == engine.DELETED
    assert not (root / "app/good.py").exists()
    assert [p.name for p in (root / "app").iterdir() if p.name.endswith(".tmp")] == []
