"""Public modules of a distribution the tree builds or ships: `--auto` rewrites their importers
and keeps them; naming one with `--shim` still removes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply_support import write_tree
from unshim.bot.cli import main
from unshim.codemods.scan.distributions import Distribution, distributions, publisher
from unshim.codemods.scan.sources import discover

REAL = "class Real: ...\n"
SHIM = "from pkg.real import Real\n"
TREE = {
    "pkg/__init__.py": "",
    "pkg/real.py": REAL,
    "pkg/sub/__init__.py": "",
    "pkg/sub/old.py": SHIM,
    "pkg/use.py": "from pkg.sub.old import Real\n",
}


def texts(files: dict[str, str]) -> tuple[Distribution, ...]:
    return distributions(sorted(files), files.get)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"pyproject.toml": '[project]\nname = "lib"\n'},
            Distribution("", "lib", "pyproject.toml"),
        ),
        ({"setup.py": "from setuptools import setup\n"}, Distribution("", "", "setup.py")),
        (
            {"setup.cfg": "[metadata]\nname = lib\n[options]\n"},
            Distribution("", "lib", "setup.cfg"),
        ),
        (
            {"lib-1.0.dist-info/RECORD": "", "lib/__init__.py": ""},
            Distribution("", "lib", "lib-1.0.dist-info"),
        ),
    ],
)
def test_a_build_file_or_an_unpacked_wheel_ships_a_distribution(
    files: dict[str, str], expected: Distribution
) -> None:
    assert texts(files) == (expected,)


@pytest.mark.parametrize(
    "files",
    [
        {"pyproject.toml": "[tool.ruff]\nline-length = 100\n"},
        {"pyproject.toml": "[project\nbroken"},
        {"setup.cfg": "[flake8]\nmax-line-length = 100\n"},
        {"README.md": "lib-1.0.dist-info/RECORD"},
    ],
)
def test_tool_configuration_alone_ships_nothing(files: dict[str, str]) -> None:
    assert texts(files) == ()


SHIPPED = (
    Distribution("", "setuptools", "setuptools-1.0.dist-info"),
    Distribution("setuptools/_vendor", "packaging", "setuptools/_vendor/packaging-2.dist-info"),
    Distribution("setuptools/_vendor", "wheel", "setuptools/_vendor/wheel-0.46.dist-info"),
)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("setuptools/command/build.py", "setuptools"),
        ("numpy/f2py/__version__.py", "setuptools"),  # a dunder is no private name
        ("setuptools/_importlib.py", None),
        ("setuptools/_distutils/command/build.py", None),
        ("setuptools/_vendor/wheel/metadata.py", "wheel"),  # a vendored wheel is its own
        ("setuptools/_vendor/wheel/_metadata.py", None),
        ("setuptools/_vendor/packaging/__init__.py", "packaging"),
    ],
)
def test_a_module_is_public_when_no_part_below_its_distribution_is_private(
    path: str, name: str | None
) -> None:
    found = publisher(SHIPPED, path)
    assert (found.name if found else None) == name


def test_a_vendored_folder_without_its_own_wheel_is_private() -> None:
    shipped = (Distribution("", "pip", "pip-1.dist-info"),)
    assert publisher(shipped, "pip/_vendor/rich/console.py") is None


def test_discover_reads_the_build_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {**TREE, "pyproject.toml": '[project]\nname = "lib"\n'})
    assert discover(tmp_path).distributions == (Distribution("", "lib", "pyproject.toml"),)


def test_auto_keeps_a_public_module_of_a_distribution(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {**TREE, "pyproject.toml": '[project]\nname = "lib"\n'})
    assert main(["apply", str(tmp_path), "--auto"]) == 1
    assert (tmp_path / "pkg/use.py").read_text() == "from pkg.real import Real\n"
    assert (tmp_path / "pkg/sub/old.py").read_text() == SHIM
    assert (
        "kept: pkg/sub/old.py: pkg.sub.old: public module of distribution lib (pyproject.toml): "
        "outside users may import it"
    ) in capsys.readouterr().err


def test_auto_deletes_a_private_module_of_a_distribution(tmp_path: Path) -> None:
    files = {
        **TREE,
        "pkg/_old.py": SHIM,
        "pkg/use.py": "from pkg._old import Real\n",
        "lib-1.0.dist-info/RECORD": "",
    }
    write_tree(tmp_path, files)
    assert main(["apply", str(tmp_path), "--auto"]) == 0
    assert (tmp_path / "pkg/use.py").read_text() == "from pkg.real import Real\n"
    assert not (tmp_path / "pkg/_old.py").exists()


def test_auto_deletes_a_shim_of_a_tree_that_ships_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, {**TREE, "pyproject.toml": "[tool.ruff]\n"})
    assert main(["apply", str(tmp_path), "--auto"]) == 0
    assert not (tmp_path / "pkg/sub/old.py").exists()


def test_naming_a_public_module_still_removes_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {**TREE, "setup.py": "from setuptools import setup\nsetup()\n"})
    assert main(["apply", str(tmp_path), "--shim", "pkg.sub.old"]) == 0
    assert (tmp_path / "pkg/use.py").read_text() == "from pkg.real import Real\n"
    assert not (tmp_path / "pkg/sub/old.py").exists()


def test_a_vendored_wheels_bare_warn_is_a_notice_and_its_module_stays_under_auto(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # setuptools/_vendor/wheel/metadata.py: `from warnings import warn` then `warn(...)` at
    # import time is its deprecation notice, not a re-export of warnings.warn.
    metadata = (
        "from warnings import warn\n\nfrom ._metadata import safe_name as safe_name\n\n"
        'warn("made private", DeprecationWarning, stacklevel=2)\n'
    )
    files = {
        "tool/__init__.py": "",
        "tool/_vendor/__init__.py": "",
        "tool/_vendor/wheel-0.46.3.dist-info/RECORD": "",
        "tool/_vendor/wheel/__init__.py": "",
        "tool/_vendor/wheel/_metadata.py": "def safe_name(n): ...\n",
        "tool/_vendor/wheel/metadata.py": metadata,
        "tool/use.py": "from tool._vendor.wheel.metadata import safe_name\n",
    }
    write_tree(tmp_path, files)
    assert main(["apply", str(tmp_path), "--auto"]) == 1
    use = (tmp_path / "tool/use.py").read_text()
    assert use == "from tool._vendor.wheel._metadata import safe_name\n"
    assert (tmp_path / "tool/_vendor/wheel/metadata.py").read_text() == metadata
    err = capsys.readouterr().err
    assert "public module of distribution wheel (tool/_vendor/wheel-0.46.3.dist-info)" in err
    assert "warn" not in err.replace("warning:", "")
