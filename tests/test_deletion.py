"""Deleting a shim package only with proof that nothing outside it still names it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.treemaker import make_tree
from unshim.codemods.delete.proof import blocking_references, plan_files
from unshim.codemods.delete.removal import DeletionResult, delete_dead, prove_and_delete
from unshim.codemods.outcome import Kept, Location
from unshim.codemods.scan.build import build_index

LAYOUT = {
    "pkg/__init__.py": "",
    "pkg/real.py": "class Thing: ...\ndef handler(): ...\n",
    "pkg/shim/__init__.py": "from pkg.real import Thing\n",
    "pkg/shim/x.py": "from pkg.real import handler\n",
    "pkg/shim/cli.py": "from pkg.real import handler as main\n",
}
SHIM_FILES = ("pkg/shim/__init__.py", "pkg/shim/cli.py", "pkg/shim/x.py")


def delete(
    tmp_path: Path,
    extra: Mapping[str, str | bytes] | None = None,
    packages: tuple[str, ...] = ("pkg.shim",),
    dry_run: bool = False,
) -> DeletionResult:
    root = make_tree(tmp_path, {**LAYOUT, **(extra or {})})
    return prove_and_delete(build_index(root), packages, dry_run=dry_run)


def assert_kept_by(result: DeletionResult, path: str, line: int, reason: str) -> None:
    assert result.kept == (Kept("pkg.shim", reason, Location(path, line)),)
    assert result.deleted_files == ()


def test_dead_package_is_deleted_with_its_empty_folders_and_pycache(tmp_path: Path) -> None:
    extra: dict[str, str | bytes] = {
        "pkg/shim/sub/__init__.py": "",
        "pkg/shim/__pycache__/x.cpython-311.pyc": b"\0",
        "pkg/shim/sub/__pycache__/__init__.cpython-311.pyc": b"\0",
        "pkg/__pycache__/real.cpython-311.pyc": b"\0",
    }
    result = delete(tmp_path, extra)
    deleted = (
        "pkg/shim/__init__.py",
        "pkg/shim/cli.py",
        "pkg/shim/sub/__init__.py",
        "pkg/shim/x.py",
    )
    assert result == DeletionResult(deleted, (), ())
    assert not (tmp_path / "pkg/shim").exists()
    assert (tmp_path / "pkg/real.py").exists()
    assert (tmp_path / "pkg/__pycache__/real.cpython-311.pyc").exists()


IMPORT_FORMS = [
    ("app.py", "from pkg.shim import Thing\n", 1, "app"),
    ("app.py", "import pkg.shim\n", 1, "app"),
    ("app.py", "import pkg.shim.x as x\n", 1, "app"),
    ("app.py", "from pkg.shim.x import handler\n", 1, "app"),
    ("app.py", "from pkg import shim\n", 1, "app"),
    ("app.py", "from pkg.shim import *\n", 1, "app"),
    ("pkg/use.py", "from .shim import Thing\n", 1, "pkg.use"),
    ("pkg/use.py", "from .shim.cli import main\n", 1, "pkg.use"),
    ("pkg/use.py", "from . import shim\n", 1, "pkg.use"),
    ("pkg/sub/use.py", "from ..shim import Thing\n", 1, "pkg.sub.use"),
    (
        "app.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.shim\n",
        3,
        "app",
    ),
    ("app.py", "def f():\n    from pkg.shim.x import handler\n", 2, "app"),
    ("app.py", "try:\n    from pkg.shim import Thing\nexcept ImportError:\n    pass\n", 2, "app"),
    ("app.pyi", "from pkg.shim import Thing\n", 1, "app"),
]


@pytest.mark.parametrize(("path", "source", "line", "importer"), IMPORT_FORMS)
def test_import_in_any_form_keeps_package(
    tmp_path: Path, path: str, source: str, line: int, importer: str
) -> None:
    result = delete(tmp_path, {path: source})
    assert_kept_by(result, path, line, f"imported by {importer}")
    assert all((tmp_path / p).exists() for p in SHIM_FILES)


def test_import_module_string_keeps_package(tmp_path: Path) -> None:
    result = delete(tmp_path, {"app.py": 'import importlib\nimportlib.import_module("pkg.shim")\n'})
    assert_kept_by(result, "app.py", 2, "imported by app through import_module('pkg.shim')")


def test_relative_import_module_string_keeps_package(tmp_path: Path) -> None:
    source = 'import importlib\nimportlib.import_module(".shim.x", __package__)\n'
    result = delete(tmp_path, {"pkg/loader.py": source})
    assert_kept_by(
        result, "pkg/loader.py", 2, "imported by pkg.loader through import_module('.shim.x')"
    )


def test_import_module_of_a_top_level_package_keeps_it(tmp_path: Path) -> None:
    files = {
        "legacy/__init__.py": "",
        "app.py": 'import importlib\nimportlib.import_module("legacy")\n',
    }
    result = delete(tmp_path, files, packages=("legacy",))
    assert result.kept == (
        Kept("legacy", "imported by app through import_module('legacy')", Location("app.py", 2)),
    )


def test_dunder_import_keeps_package(tmp_path: Path) -> None:
    result = delete(tmp_path, {"app.py": '__import__("pkg.shim.x")\n'})
    assert_kept_by(result, "app.py", 1, "imported by app through __import__('pkg.shim.x')")


def test_mock_patch_target_keeps_package(tmp_path: Path) -> None:
    source = 'from unittest import mock\n\n@mock.patch("pkg.shim.Thing")\ndef test(): ...\n'
    result = delete(tmp_path, {"tests/test_app.py": source})
    assert_kept_by(
        result, "tests/test_app.py", 3, "patched by tests.test_app: mock.patch('pkg.shim.Thing')"
    )


def test_settings_string_keeps_package(tmp_path: Path) -> None:
    result = delete(tmp_path, {"settings.py": 'HANDLER = "pkg.shim.handler"\n'})
    assert_kept_by(result, "settings.py", 1, "named by the string 'pkg.shim.handler' in settings")


def test_pyproject_entry_point_keeps_package(tmp_path: Path) -> None:
    pyproject = '[project.scripts]\nx = "pkg.shim.cli:main"\n'
    result = delete(tmp_path, {"pyproject.toml": pyproject})
    assert_kept_by(result, "pyproject.toml", 2, 'named in pyproject.toml: x = "pkg.shim.cli:main"')


def test_setup_cfg_console_script_keeps_package(tmp_path: Path) -> None:
    setup_cfg = "[options.entry_points]\nconsole_scripts =\n    x = pkg.shim.cli:main\n"
    result = delete(tmp_path, {"setup.cfg": setup_cfg})
    assert_kept_by(result, "setup.cfg", 3, "named in setup.cfg: x = pkg.shim.cli:main")


def test_setup_py_package_list_keeps_package(tmp_path: Path) -> None:
    setup_py = 'from setuptools import setup\nsetup(packages=["pkg", "pkg.shim"])\n'
    result = delete(tmp_path, {"setup.py": setup_py})
    assert_kept_by(result, "setup.py", 2, "named by the string 'pkg.shim' in setup")


def test_setup_py_outside_the_source_roots_keeps_package(tmp_path: Path) -> None:
    files = {f"src/{path}": source for path, source in LAYOUT.items()}
    setup_py = 'from setuptools import setup\nsetup(packages=["pkg", "pkg.shim"])\n'
    root = make_tree(tmp_path, {**files, "setup.py": setup_py})
    result = prove_and_delete(build_index(root, ("src",)), ["pkg.shim"])
    reason = 'named in setup.py: setup(packages=["pkg", "pkg.shim"])'
    assert result.kept == (Kept("pkg.shim", reason, Location("setup.py", 2)),)


def test_manifest_recursive_include_keeps_package(tmp_path: Path) -> None:
    result = delete(tmp_path, {"MANIFEST.in": "recursive-include pkg/shim *\n"})
    assert_kept_by(
        result,
        "MANIFEST.in",
        1,
        "listed in the build manifest MANIFEST.in: recursive-include pkg/shim *",
    )


def test_meson_build_listing_a_file_keeps_package(tmp_path: Path) -> None:
    result = delete(tmp_path, {"meson.build": "py.install_sources('pkg/shim/x.py')\n"})
    assert_kept_by(
        result,
        "meson.build",
        1,
        "listed in the build manifest meson.build: py.install_sources('pkg/shim/x.py')",
    )


def test_nested_meson_build_naming_the_folder_keeps_package(tmp_path: Path) -> None:
    result = delete(tmp_path, {"pkg/meson.build": "subdir('shim')\n"})
    assert_kept_by(
        result, "pkg/meson.build", 1, "listed in the build manifest pkg/meson.build: subdir('shim')"
    )


def test_manifest_naming_a_module_file_keeps_that_module(tmp_path: Path) -> None:
    files = {"pkg/old.py": "from pkg.real import Thing\n", "MANIFEST.in": "include pkg/old.py\n"}
    result = delete(tmp_path, files, packages=("pkg.old",))
    reason = "listed in the build manifest MANIFEST.in: include pkg/old.py"
    assert result.kept == (Kept("pkg.old", reason, Location("MANIFEST.in", 1)),)


def test_string_sharing_only_a_prefix_does_not_block(tmp_path: Path) -> None:
    extra = {
        "pkg/shimmer.py": "def handler(): ...\n",
        "settings.py": 'HANDLER = "pkg.shimmer.handler"\n',
        "MANIFEST.in": "include pkg/shimmer.py\nrecursive-include pkg/shim-data *\n",
    }
    result = delete(tmp_path, extra)
    assert result == DeletionResult(SHIM_FILES, (), ())


def test_prose_mention_is_listed_not_blocking(tmp_path: Path) -> None:
    readme = "# App\n\nThe old names lived in `pkg.shim`, see pkg/shim/x.py.\n"
    result = delete(tmp_path, {"README.md": readme})
    assert result == DeletionResult(SHIM_FILES, (), (Location("README.md", 3),))


def test_comment_mention_is_listed_not_blocking(tmp_path: Path) -> None:
    real = "# Moved here from pkg.shim.x.\nclass Thing: ...\ndef handler(): ...\n"
    result = delete(tmp_path, {"pkg/real.py": real})
    assert result == DeletionResult(SHIM_FILES, (), (Location("pkg/real.py", 1),))


def test_unparseable_file_that_mentions_package_blocks(tmp_path: Path) -> None:
    result = delete(tmp_path, {"app.py": "from pkg.shim import Thing\ndef broken(:\n"})
    assert_kept_by(result, "app.py", 1, "does not parse and mentions pkg.shim")


def test_unparseable_file_with_a_relative_import_of_package_blocks(tmp_path: Path) -> None:
    result = delete(tmp_path, {"pkg/app.py": "from . import shim\ndef broken(:\n"})
    assert_kept_by(result, "pkg/app.py", 1, "does not parse and mentions pkg.shim")


def test_unparseable_file_that_does_not_mention_package_does_not_block(tmp_path: Path) -> None:
    result = delete(tmp_path, {"app.py": "from pkg.real import Thing\ndef broken(:\n"})
    assert result == DeletionResult(SHIM_FILES, (), ())


def test_unparseable_file_inside_package_blocks(tmp_path: Path) -> None:
    result = delete(tmp_path, {"pkg/shim/broken.py": "def broken(:\n"})
    assert result.deleted_files == ()
    [kept] = result.kept
    assert kept.location == Location("pkg/shim/broken.py", 0)
    assert kept.reason.startswith("contains pkg/shim/broken.py, which unshim did not analyze")


def test_stub_is_deleted_with_its_module(tmp_path: Path) -> None:
    result = delete(tmp_path, {"pkg/shim/x.pyi": "def handler() -> None: ...\n"})
    assert "pkg/shim/x.pyi" in result.deleted_files
    assert not (tmp_path / "pkg/shim").exists()


def test_single_module_shim_deletes_its_file_and_stub_only(tmp_path: Path) -> None:
    extra: dict[str, str | bytes] = {
        "pkg/old.py": "from pkg.real import Thing\n",
        "pkg/old.pyi": "from pkg.real import Thing as Thing\n",
        "pkg/__pycache__/old.cpython-311.pyc": b"\0",
    }
    result = delete(tmp_path, extra, packages=("pkg.old",))
    assert result == DeletionResult(("pkg/old.py", "pkg/old.pyi"), (), ())
    assert sorted(p.name for p in (tmp_path / "pkg").iterdir()) == [
        "__init__.py",
        "__pycache__",
        "real.py",
        "shim",
    ]


def test_a_data_file_inside_the_package_keeps_all_of_it(tmp_path: Path) -> None:
    result = delete(tmp_path, {"pkg/shim/data/table.json": "{}"})
    assert result.deleted_files == ()
    assert [(k.subject, k.location) for k in result.kept] == [
        ("pkg.shim", Location("pkg/shim/data/table.json", 0))
    ]
    assert "holds pkg/shim/data/table.json, not a Python file" in result.kept[0].reason
    assert "the package and all its files stay" in result.kept[0].reason
    assert all((tmp_path / p).exists() for p in SHIM_FILES)


def test_py_typed_marker_goes_with_its_package(tmp_path: Path) -> None:
    result = delete(tmp_path, {"pkg/shim/py.typed": "", "pkg/shim/x.pyi": "def handler(): ...\n"})
    assert result.kept == ()
    assert result.deleted_files == tuple(
        sorted((*SHIM_FILES, "pkg/shim/py.typed", "pkg/shim/x.pyi"))
    )
    assert not (tmp_path / "pkg/shim").exists()


def test_a_package_kept_by_a_data_file_keeps_what_it_imports(tmp_path: Path) -> None:
    extra = {
        "pkg/shim/data/table.json": "{}",
        "pkg/other/__init__.py": "",
        "pkg/shim/uses.py": "import pkg.other\n",
    }
    result = delete(tmp_path, extra, packages=("pkg.shim", "pkg.other"))
    assert result.deleted_files == ()
    assert ("pkg.other", Location("pkg/shim/uses.py", 1)) in [
        (k.subject, k.location) for k in result.kept
    ]


def test_dry_run_deletes_nothing(tmp_path: Path) -> None:
    result = delete(tmp_path, {"pkg/shim/__pycache__/x.cpython-311.pyc": b"\0"}, dry_run=True)
    assert result == DeletionResult(SHIM_FILES, (), (), ("pkg/shim",))
    assert all((tmp_path / p).exists() for p in SHIM_FILES)
    assert (tmp_path / "pkg/shim/__pycache__/x.cpython-311.pyc").exists()


def test_dry_run_over_a_planned_rewrite_proves_the_deletion(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {**LAYOUT, "app.py": "from pkg.shim import Thing\n"})
    index = build_index(root, overlay={"app.py": b"from pkg.real import Thing\n"})
    assert prove_and_delete(index, ["pkg.shim"], dry_run=True) == DeletionResult(
        SHIM_FILES, (), (), ("pkg/shim",)
    )
    assert (root / "pkg/shim/__init__.py").exists()


def test_imports_from_inside_the_package_do_not_block(tmp_path: Path) -> None:
    extra = {
        "pkg/shim/x.py": "from pkg.shim import Thing\nfrom . import cli\nimport pkg.shim.cli\n",
        "pkg/shim/cli.py": 'import importlib\nimportlib.import_module("pkg.shim.x")\n',
    }
    assert delete(tmp_path, extra) == DeletionResult(SHIM_FILES, (), ())


def test_parent_init_registering_the_package_blocks(tmp_path: Path) -> None:
    result = delete(tmp_path, {"pkg/__init__.py": "from . import shim\n"})
    assert_kept_by(result, "pkg/__init__.py", 1, "imported by pkg")


def test_parent_all_listing_the_package_blocks(tmp_path: Path) -> None:
    result = delete(tmp_path, {"pkg/__init__.py": '__all__ = ["real", "shim"]\n'})
    assert_kept_by(
        result, "pkg/__init__.py", 1, "listed in pkg.__all__: `from pkg import *` imports it"
    )


def test_packages_deleted_together_may_import_each_other(tmp_path: Path) -> None:
    extra = {"pkg/shim2.py": "from pkg.shim import Thing\n"}
    result = delete(tmp_path, extra, packages=("pkg.shim", "pkg.shim2"))
    assert result == DeletionResult((*SHIM_FILES, "pkg/shim2.py"), (), ())


def test_import_from_a_package_that_stays_blocks_the_other(tmp_path: Path) -> None:
    extra = {"pkg/shim2.py": "from pkg.shim import Thing\n", "app.py": "import pkg.shim2\n"}
    result = delete(tmp_path, extra, packages=("pkg.shim", "pkg.shim2"))
    assert result.deleted_files == ()
    assert result.kept == (
        Kept("pkg.shim", "imported by pkg.shim2", Location("pkg/shim2.py", 1)),
        Kept("pkg.shim2", "imported by app", Location("app.py", 1)),
    )


def test_unknown_package_is_kept(tmp_path: Path) -> None:
    result = delete(tmp_path, packages=("pkg.shimm",))
    assert result == DeletionResult(
        (), (Kept("pkg.shimm", "is not a module or package of the analyzed tree"),), ()
    )


def test_blocking_references_lists_every_reference_and_deletes_nothing(tmp_path: Path) -> None:
    root = make_tree(
        tmp_path,
        {**LAYOUT, "app.py": "import pkg.shim\n", "b.py": 'X = "pkg.shim.x.handler"\n'},
    )
    kept = blocking_references(build_index(root), "pkg.shim")
    assert [k.location for k in kept] == [Location("app.py", 1), Location("b.py", 1)]
    assert (root / "pkg/shim/__init__.py").exists()


def test_plan_files_keeps_folders_that_hold_other_files(tmp_path: Path) -> None:
    index = build_index(make_tree(tmp_path, {**LAYOUT, "pkg/shim/sub/__init__.py": ""}))
    listing = [*SHIM_FILES, "pkg/shim/sub/__init__.py", "pkg/shim/sub/notes.txt"]
    plan = plan_files(index, "pkg.shim", listing, ["pkg/shim", "pkg/shim/sub", "pkg/shim/empty"])
    assert plan.folders == ("pkg/shim/empty",)
    assert plan.staying == ("pkg/shim/sub/notes.txt",)


def test_delete_dead_indexes_the_tree_then_deletes(tmp_path: Path) -> None:
    make_tree(tmp_path, LAYOUT)
    assert delete_dead(tmp_path, "pkg.shim") == DeletionResult(SHIM_FILES, (), ())
    assert not (tmp_path / "pkg/shim").exists()


def test_package_loaded_by_name_keeps_what_is_under_it(tmp_path: Path) -> None:
    root = make_tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/_vendor/__init__.py": "",
            "pkg/_vendor/lib/__init__.py": "X = 1\n",
            "pkg/extern.py": 'import importlib\nVENDOR = "pkg._vendor"\n'
            "def load(name):\n    return importlib.import_module(VENDOR + '.' + name)\n",
        },
    )
    result = prove_and_delete(build_index(root), ["pkg._vendor.lib"])
    assert result.deleted_files == ()
    assert [k.location for k in result.kept] == [Location("pkg/extern.py", 2)]
    assert "computed names" in result.kept[0].reason


def test_top_level_package_loaded_by_name_does_not_keep_what_is_under_it(tmp_path: Path) -> None:
    root = make_tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/old/__init__.py": "X = 1\n",
            "tools/__init__.py": "",
            "tools/check.py": 'import importlib\nPKG = importlib.import_module("pkg")\n',
        },
    )
    result = prove_and_delete(build_index(root), ["pkg.old"])
    assert result.deleted_files == ("pkg/old/__init__.py",)
