"""A vendored package is importable by its own name once its folder is on `sys.path`: an import
of that name may be a use of it, so it is never deleted while one exists."""

from __future__ import annotations

from pathlib import Path

from tests.treemaker import make_tree
from unshim.codemods.delete.own_names import adds_folder, pth_adds, shorter_names
from unshim.codemods.delete.removal import prove_and_delete
from unshim.codemods.outcome import Location
from unshim.codemods.scan.build import build_index

VENDORED = {
    "tool/__init__.py": (
        "import os, sys\nsys.path.append(os.path.join(os.path.dirname(__file__), '_vendor'))\n"
    ),
    "tool/_vendor/tomli/__init__.py": "def loads(s): ...\n",
    "tool/_vendor/zipp.py": "class Path: ...\n",
}


def test_a_package_imported_by_its_own_name_is_kept(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {**VENDORED, "tool/config.py": "import tomli\n"})
    result = prove_and_delete(build_index(root), ["tool._vendor.tomli"], dry_run=True)
    assert result.deleted_files == ()
    (kept,) = result.kept
    assert kept.location == Location("tool/config.py", 1)
    assert "imports tomli by that name" in kept.reason
    assert "tool/_vendor/ on sys.path" in kept.reason


def test_a_module_imported_by_its_own_name_is_kept(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {**VENDORED, "tool/files.py": "from zipp import Path\n"})
    result = prove_and_delete(build_index(root), ["tool._vendor.zipp"], dry_run=True)
    assert result.deleted_files == ()
    assert [k.location for k in result.kept] == [Location("tool/files.py", 1)]


def test_a_vendored_package_nothing_imports_by_any_name_goes(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {**VENDORED, "tool/config.py": "import json\n"})
    result = prove_and_delete(build_index(root), ["tool._vendor.tomli"], dry_run=True)
    assert result.kept == ()
    assert result.deleted_files == ("tool/_vendor/tomli/__init__.py",)


def test_a_name_the_tree_has_as_its_own_module_is_not_the_vendored_one(tmp_path: Path) -> None:
    files = {**VENDORED, "tomli/__init__.py": "", "app.py": "import tomli\n"}
    root = make_tree(tmp_path, files)
    result = prove_and_delete(build_index(root), ["tool._vendor.tomli"], dry_run=True)
    assert result.kept == ()


def test_shorter_names_climb_one_folder_per_dotted_part() -> None:
    names = list(shorter_names("tool._vendor.jaraco.text", ["tool/_vendor/jaraco/text"]))
    assert names == [
        ("text", "tool/_vendor/jaraco"),
        ("jaraco.text", "tool/_vendor"),
        ("_vendor.jaraco.text", "tool"),
    ]


def test_a_name_shared_with_an_installed_package_blocks_nothing_without_sys_path(
    tmp_path: Path,
) -> None:
    # sympy.utilities.pytest and `import pytest`: no file puts sympy/utilities on sys.path.
    files = {
        "pkg/__init__.py": "",
        "pkg/utilities/__init__.py": "",
        "pkg/utilities/pytest.py": "from pkg.testing import *\n",
        "pkg/testing.py": "import pytest\n",
    }
    root = make_tree(tmp_path, files)
    result = prove_and_delete(build_index(root), ["pkg.utilities.pytest"], dry_run=True)
    assert result.kept == ()
    assert result.deleted_files == ("pkg/utilities/pytest.py",)


def test_a_file_in_the_folder_that_adds_its_own_folder_counts() -> None:
    text = "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
    assert adds_folder("tool/_vendor", "tool/_vendor/setup_path.py", text)
    assert not adds_folder("tool/_vendor", "tool/other.py", text)
    assert adds_folder("tool/_vendor", "tool/__init__.py", "sys.path.append('tool/_vendor')\n")
    assert not adds_folder("tool/_vendor", "tool/__init__.py", "print('_vendor')\n")


def test_a_package_holding_the_folder_put_on_sys_path_is_kept(tmp_path: Path) -> None:
    # `tool/_vendor` is on sys.path: deleting `tool._vendor` deletes `tomli` with it.
    files = {**VENDORED, "tool/_vendor/__init__.py": "", "tool/config.py": "import tomli\n"}
    root = make_tree(tmp_path, files)
    result = prove_and_delete(build_index(root), ["tool._vendor"], dry_run=True)
    assert result.deleted_files == ()
    # `tool/__init__.py` builds the folder's path from `__file__` too: that keeps it as well.
    (kept,) = [k for k in result.kept if k.location == Location("tool/config.py", 1)]
    assert "imports tomli by that name, and with tool/_vendor/ on sys.path" in kept.reason
    assert "that is tool._vendor.tomli" in kept.reason


def test_an_import_of_a_namespace_above_a_vendored_package_keeps_it(tmp_path: Path) -> None:
    # `import jaraco` (a namespace package of the vendored folder) reaches `jaraco.text`.
    files = {
        **VENDORED,
        "tool/_vendor/jaraco/text/__init__.py": "def dedent(s): ...\n",
        "tool/dist.py": "import jaraco\n",
    }
    root = make_tree(tmp_path, files)
    result = prove_and_delete(build_index(root), ["tool._vendor.jaraco.text"], dry_run=True)
    assert [k.location for k in result.kept] == [Location("tool/dist.py", 1)]


PTH_TREE = {
    "tool/__init__.py": "",
    "tool/_vendor/tomli/__init__.py": "def loads(s): ...\n",
    "tool/config.py": "import tomli\n",
}


def test_a_folder_a_pth_file_names_is_on_sys_path(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {**PTH_TREE, "tool-vendor.pth": "# vendored\ntool/_vendor\n"})
    result = prove_and_delete(build_index(root), ["tool._vendor.tomli"], dry_run=True)
    (kept,) = result.kept
    assert kept.location == Location("tool/config.py", 1)
    assert "(as tool-vendor.pth may put it there)" in kept.reason


def test_without_a_pth_file_or_sys_path_code_the_own_name_is_another_module(
    tmp_path: Path,
) -> None:
    root = make_tree(tmp_path, {**PTH_TREE, "other.pth": "import os\nlib\n"})
    result = prove_and_delete(build_index(root), ["tool._vendor.tomli"], dry_run=True)
    assert result.kept == ()
    assert result.deleted_files == ("tool/_vendor/tomli/__init__.py",)


def test_pth_lines_are_folders_relative_to_the_file() -> None:
    assert pth_adds("lib/_vendor", "lib/x.pth", "_vendor\n")
    assert pth_adds("tool/_vendor", "x.pth", "./tool/_vendor/\n")
    assert not pth_adds("tool/_vendor", "x.pth", "# tool/_vendor\n")
    assert pth_adds("tool/_vendor", "x.pth", "import sys; sys.path.append('tool/_vendor')\n")


# Django's layout: `tests/` has no `__init__.py`; its runner is a script there, so every test
# package is loaded by its own name (`auth_tests.backend_alias`), which no code spells out.
TESTS = {
    "tests/runtests.py": "#!/usr/bin/env python\nimport django\n",
    "tests/app_tests/__init__.py": "",
    "tests/app_tests/real.py": "class Backend: ...\n",
    "tests/app_tests/alias.py": "from .real import Backend\n",
}


def test_a_module_named_below_a_namespace_folder_is_kept(tmp_path: Path) -> None:
    uses = {
        "tests/app_tests/test_strings.py": 'BACKEND = "app_tests.alias.Backend"\n',
        "tests/app_tests/test_imports.py": "import os\nfrom app_tests.alias import Backend\n",
    }
    root = make_tree(tmp_path, {**TESTS, **uses})
    result = prove_and_delete(build_index(root), ["tests.app_tests.alias"], dry_run=True)
    assert result.deleted_files == ()
    assert sorted(k.location for k in result.kept) == [
        Location("tests/app_tests/test_imports.py", 2),
        Location("tests/app_tests/test_strings.py", 1),
    ]
    assert all("with tests/ on sys.path" in k.reason for k in result.kept)


def test_the_same_names_below_a_regular_package_do_not_block(tmp_path: Path) -> None:
    """With `tests/__init__.py` the module is `tests.app_tests.alias` wherever it is run from,
    and a string naming `app_tests.alias` names something else."""
    files = {**TESTS, "tests/__init__.py": "", "other.py": 'X = "app_tests.alias.Backend"\n'}
    root = make_tree(tmp_path, files)
    result = prove_and_delete(build_index(root), ["tests.app_tests.alias"], dry_run=True)
    assert result.kept == ()
    assert result.deleted_files == ("tests/app_tests/alias.py",)
