"""A second `unshim analyze` of a tree in which nothing changed prints the inventory the first
worked out, without analyzing again (`bot/memo.py`); any change to any input, and it analyzes
as before. The key covers every file the analysis reads: checked by watching what it opens."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.installed_names import PYTHONPATH
from tests.treemaker import make_tree
from unshim.bot import memo
from unshim.bot.cli import main
from unshim.codemods.scan.sources import list_files

ROOT = Path(__file__).resolve().parents[1]
TREE = {
    "app/__init__.py": "",
    "app/core.py": "class Real: ...\n",
    "app/old.py": "from app.core import Real\n",
    "app/use.py": "from app.old import Real  # old name\n",
    "app/broken.py": "def f(:\n",
    "app/dead/__init__.py": "",
    "app/dead/thing.py": "X = 1\n",
    "tox.ini": "[testenv]\ncommands = python -m app.dead.thing\n",
    "README.md": "See app.old for the old names.\n",
    "pyproject.toml": '[project]\nname = "app"\n',
}


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = make_tree(tmp_path / "tree", TREE)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    return root


@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The root of every analysis that really ran."""
    from unshim.codemods.analyze import analysis

    ran: list[str] = []
    real = analysis.analyze

    def counted(root: Path, *args: object, **kwargs: object) -> analysis.Analysis:
        ran.append(str(root))
        return real(root, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "analyze", counted)
    return ran


def _analyze(root: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[str, str]:
    capsys.readouterr()
    assert main(["analyze", str(root), *flags]) == 0
    done = capsys.readouterr()
    return done.out, done.err


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_a_second_analyze_of_the_same_tree_prints_the_same_without_analyzing(
    tree: Path, capsys: pytest.CaptureFixture[str], analyses: list[str], output_format: str
) -> None:
    first, first_err = _analyze(tree, capsys, "--format", output_format, "-v")
    second, second_err = _analyze(tree, capsys, "--format", output_format, "-v")
    assert len(analyses) == 1
    assert second == first
    assert "(no file changed since the run that worked it out)" in second_err
    assert "not analyzed: app/broken.py" in first_err
    assert "not analyzed: app/broken.py" in second_err


@pytest.mark.parametrize(
    ("path", "data"),
    [
        pytest.param("app/dead/thing.py", "X = 2\n", id="a_module_changed"),
        pytest.param("tox.ini", "[testenv]\ncommands = pytest\n", id="a_configuration_file"),
        pytest.param("README.md", "Nothing here.\n", id="prose"),
        pytest.param("app/new.py", "import app.dead.thing\n", id="a_file_added"),
        pytest.param("app/broken.py", None, id="a_file_removed"),
    ],
)
def test_any_change_to_the_tree_analyzes_it_again(
    tree: Path,
    capsys: pytest.CaptureFixture[str],
    analyses: list[str],
    path: str,
    data: str | None,
) -> None:
    _analyze(tree, capsys, "--format", "json")
    if data is None:
        (tree / path).unlink()
    else:
        (tree / path).write_text(data)
    after, err = _analyze(tree, capsys, "--format", "json")
    assert len(analyses) == 2
    assert "no file changed" not in err
    fresh = tree.parent / "fresh"
    shutil.copytree(tree, fresh)
    expected, _ = _analyze(fresh, capsys, "--format", "json", "--no-cache")
    assert _without_root(after) == _without_root(expected)


def _without_root(text: str) -> dict[str, object]:
    found = json.loads(text)
    del found["root"]
    return dict(found)


def test_other_settings_or_another_format_are_another_inventory(
    tree: Path, capsys: pytest.CaptureFixture[str], analyses: list[str]
) -> None:
    _analyze(tree, capsys)
    _analyze(tree, capsys, "--format", "json")
    _analyze(tree, capsys, "--source-root", "app")
    assert len(analyses) == 3


def test_no_cache_neither_keeps_nor_reads_an_inventory(
    tree: Path, capsys: pytest.CaptureFixture[str], analyses: list[str], tmp_path: Path
) -> None:
    folder = tmp_path / "cache"
    _analyze(tree, capsys, "--cache-dir", str(folder))
    _analyze(tree, capsys, "--no-cache")
    _analyze(tree, capsys, "--no-cache")
    assert len(analyses) == 3
    _analyze(tree, capsys, "--cache-dir", str(folder))
    assert len(analyses) == 3  # the first run's inventory
    assert len(list((folder / memo.FOLDER).glob("*.json"))) == 1


def test_a_tree_that_changes_while_it_is_analyzed_keeps_nothing(
    tree: Path,
    capsys: pytest.CaptureFixture[str],
    analyses: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from unshim.bot.report import inventory

    real = inventory.text

    def editing(result: object) -> str:
        (tree / "app/dead/thing.py").write_text("X = 3\n")  # an editor saving meanwhile
        return real(result)  # type: ignore[arg-type]

    monkeypatch.setattr(inventory, "text", editing)
    _analyze(tree, capsys)
    monkeypatch.setattr(inventory, "text", real)
    _analyze(tree, capsys)
    assert len(analyses) == 2


def test_only_the_newest_inventories_are_kept(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    for number in range(memo.KEPT + 5):
        memo.put(folder, f"{number:064x}", memo.Inventory(f"inventory {number}\n", 1, ()))
    kept = sorted((folder / memo.FOLDER).glob("*.json"))
    assert len(kept) == memo.KEPT
    newest = memo.get(folder, f"{memo.KEPT + 4:064x}")
    assert newest is not None and newest.text == f"inventory {memo.KEPT + 4}\n"


def test_a_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    (folder / memo.FOLDER).mkdir(parents=True)
    (folder / memo.FOLDER / f"{0:064x}.json").write_text('{"text": 3}')
    assert memo.get(folder, f"{0:064x}") is None


# Opens every file the analysis opens below the tree, and says which ones.
WATCH = """
import os, sys
root = os.path.realpath(sys.argv[1])
opened = set()

def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        path = os.path.realpath(os.fsdecode(args[0]))
        if path.startswith(root + os.sep) and os.path.isfile(path):
            opened.add(os.path.relpath(path, root))

sys.addaudithook(hook)
from unshim.bot.cli import main
code = main(["analyze", sys.argv[1], "--no-cache", "-q", "--format", "json"])
print("\\n".join(sorted(opened)), file=sys.stderr)
sys.exit(code)
"""


REFERENCES = {
    "app/paths.py": "import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n",
    "app/site.pth": "app\n",
    "app.egg-info/entry_points.txt": "[console_scripts]\nx = app.dead.thing:main\n",
    "docs/notes.rst": "app.dead is going\n",
    "setup.cfg": "[options]\npackages = app\n",
}


@pytest.mark.parametrize(
    ("extra", "read"),
    [
        pytest.param({}, {"tox.ini", "README.md"}, id="plain"),
        # app.dead is referenced only by text: the proof reads every kind of reference file.
        pytest.param(REFERENCES, {"tox.ini", "app/site.pth", "docs/notes.rst"}, id="references"),
        pytest.param(
            {**REFERENCES, "app/loader.py": "import importlib\nimportlib.import_module('app.x')\n"},
            set(),
            id="computed_import",
        ),
    ],
)
def test_the_key_covers_every_file_the_analysis_opens(
    tmp_path: Path, extra: dict[str, str], read: set[str]
) -> None:
    root = make_tree(tmp_path / "tree", {**TREE, **extra})
    _git(root, "init", "-q")
    done = subprocess.run(
        [sys.executable, "-c", WATCH, str(root)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": PYTHONPATH},
    )
    assert done.returncode == 0, done.stderr
    opened = set(done.stderr.split())
    listed, _ = list_files(root)
    assert read <= opened, "the watch missed files the analysis reads"
    assert opened <= set(listed), f"read but not in the key: {sorted(opened - set(listed))}"
