"""A module that builds the path of a sibling folder or module from its own `__file__` keeps
it: NumPy hands `Path(__file__).with_name("_pyinstaller")` to PyInstaller."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.treemaker import make_tree
from unshim.codemods.analyze.analysis import analyze
from unshim.codemods.delete.removal import proof_of, prove_and_delete
from unshim.codemods.outcome import Location
from unshim.codemods.scan.build import build_index

HOOKS = {
    "lib/__init__.py": "",
    "lib/_hooks/__init__.py": "",
    "lib/_hooks/hook_lib.py": "hiddenimports = []\n",
    "lib/_helper.py": "X = 1\n",
    "lib/core.py": "Y = 2\n",
}


@pytest.mark.parametrize(
    ("code", "package"),
    [
        ('from pathlib import Path\n\nHOOKS = Path(__file__).with_name("_hooks")\n', "lib._hooks"),
        ("from pathlib import Path\n\nHOOKS = Path(__file__).parent / '_hooks'\n", "lib._hooks"),
        (
            'from pathlib import Path\n\nHOOKS = Path(__file__).parent.joinpath("_hooks/")\n',
            "lib._hooks",
        ),
        (
            "import os\n\nHOOKS = os.path.join(\n    os.path.dirname(__file__), '_hooks')\n",
            "lib._hooks",
        ),
        (
            'import os\n\nHELPER = os.path.join(os.path.dirname(__file__), "_helper.py")\n',
            "lib._helper",
        ),
    ],
)
def test_a_sibling_path_built_from_file_keeps_it(tmp_path: Path, code: str, package: str) -> None:
    root = make_tree(tmp_path, {**HOOKS, "lib/paths.py": code})
    result = prove_and_delete(build_index(root), [package], dry_run=True)
    assert result.deleted_files == ()
    (kept,) = result.kept
    line = len(code.rstrip("\n").splitlines())
    assert kept.location == Location("lib/paths.py", line)
    assert kept.reason.startswith(f"lib.paths builds the path of {package} from its own __file__")


def test_the_package_init_naming_its_subfolder_keeps_it_from_analyze(tmp_path: Path) -> None:
    init = """
        from pathlib import Path

        def hooks_dir():
            return [str(Path(__file__).with_name('_hooks'))]
    """
    root = make_tree(tmp_path, {**HOOKS, "lib/__init__.py": init})
    packages = {p.name: p for p in analyze(root, prover=proof_of).packages}
    assert packages["lib._hooks"].status != "DEAD"
    assert packages["lib._hooks"].kept[1].startswith("kept: lib/__init__.py:4: lib builds the path")


def test_a_name_that_is_not_a_sibling_path_keeps_nothing(tmp_path: Path) -> None:
    files = {
        **HOOKS,
        # The word without __file__ in the module, and __file__ with a longer name.
        "lib/names.py": "KIND = '_hooks'\n",
        "lib/paths.py": "import os\n\nP = os.path.join(os.path.dirname(__file__), '_hooks2')\n",
        # The same literal one folder away is no sibling.
        "other/__init__.py": "from pathlib import Path\n\nP = Path(__file__).with_name('_hooks')\n",
    }
    root = make_tree(tmp_path, files)
    result = prove_and_delete(build_index(root), ["lib._hooks"], dry_run=True)
    assert result.kept == ()
    assert result.deleted_files == ("lib/_hooks/__init__.py", "lib/_hooks/hook_lib.py")
