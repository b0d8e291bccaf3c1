"""`unshim check`: every way a removed module can come back is reported with file:line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.treemaker import make_tree
from unshim.bot.cli import main

BASE = {
    "app/__init__.py": "",
    "app/core.py": "class C:\n    pass\n",
    "pyproject.toml": '[tool.unshim]\nremoved = ["app.legacy=app.core"]\n',
}


def check(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["check", str(tmp_path), *argv])
    return code, capsys.readouterr().out


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("from app.legacy import C\n", "from app.legacy import C: app.legacy was removed"),
        ("import app.legacy.mod\n", "import app.legacy.mod: app.legacy was removed"),
        ("from app import legacy\n", "from app import legacy: app.legacy was removed"),
        ("from .legacy.mod import C\n", "from .legacy.mod import C: app.legacy was removed"),
        ("from app.legacy import *\n", "from app.legacy import *: app.legacy was removed"),
        (
            "import importlib\nm = importlib.import_module('app.legacy.mod')\n",
            "the string 'app.legacy.mod' names app.legacy, which was removed",
        ),
        (
            "from unittest import mock\np = mock.patch('app.legacy.C')\n",
            "the string 'app.legacy.C' names app.legacy, which was removed",
        ),
        (
            "import importlib\n"
            "def load(n):\n"
            "    return importlib.import_module('app.legacy.%s' % n)\n",
            "names app.legacy, which was removed",
        ),
        (
            "INSTALLED = ['app.legacy']\n",
            "the string 'app.legacy' names app.legacy, which was removed",
        ),
    ],
    ids=[
        "from",
        "import",
        "from-parent",
        "relative",
        "star",
        "import_module",
        "mock.patch",
        "template",
        "settings",
    ],
)
def test_each_way_back_is_reported_with_its_line_and_the_new_home(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, line: str
) -> None:
    make_tree(tmp_path, {**BASE, "app/user.py": source})
    code, out = check(tmp_path, capsys)
    assert code == 1
    [reported] = out.splitlines()
    assert reported.startswith("app/user.py:") and line in reported
    assert reported.endswith("use app.core instead")


@pytest.mark.parametrize(
    "source",
    [
        "from app.core import C\n",
        "import app.legacyx\n",  # shares only a prefix
        "# app.legacy was removed: use app.core\n",  # prose is no way back
        '"""See app.legacy in the changelog."""\n',
    ],
)
def test_what_does_not_bring_it_back_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    make_tree(tmp_path, {**BASE, "app/user.py": source})
    assert check(tmp_path, capsys) == (0, "")


def test_configuration_that_names_it_is_reported_but_not_unshims_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = BASE["pyproject.toml"] + '\n[project.entry-points.x]\nrun = "app.legacy.cli:main"\n'
    make_tree(tmp_path, {**BASE, "pyproject.toml": config, "tox.ini": "[x]\ny = app.core\n"})
    code, out = check(tmp_path, capsys)
    assert code == 1
    assert out == (
        "pyproject.toml:5: configuration names app.legacy, which was removed "
        '(run = "app.legacy.cli:main"); use app.core instead\n'
    )


def test_an_unshim_toml_listing_it_is_not_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {k: v for k, v in BASE.items() if k != "pyproject.toml"}
    make_tree(tmp_path, {**files, ".unshim.toml": 'removed = ["app.legacy"]\n'})
    assert check(tmp_path, capsys) == (0, "")


def test_given_files_only_those_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tree(
        tmp_path,
        {**BASE, "app/a.py": "from app.legacy import C\n", "app/b.py": "import app.legacy\n"},
    )
    monkeypatch.chdir(tmp_path)
    assert main(["check", "app/b.py"]) == 1
    assert (
        capsys.readouterr().out
        == "app/b.py:1: import app.legacy: app.legacy was removed; use app.core instead\n"
    )
    assert main(["check", "app/core.py"]) == 0


def test_removed_on_the_command_line_adds_to_the_configured(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_tree(tmp_path, {**BASE, "app/user.py": "import app.old\n"})
    assert check(tmp_path, capsys) == (0, "")
    code, out = check(tmp_path, capsys, "--removed", "app.old")
    assert (code, out) == (1, "app/user.py:1: import app.old: app.old was removed\n")


def test_github_format_annotates_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_tree(tmp_path, {**BASE, "app/user.py": "x = 1\nfrom app.legacy import C\n"})
    code, out = check(tmp_path, capsys, "--format", "github")
    assert code == 1
    assert out == (
        "::error file=app/user.py,line=2,title=app.legacy was removed::"
        "from app.legacy import C: app.legacy was removed; use app.core instead\n"
    )


def test_emit_ruff_prints_a_banned_api_table_ruff_enforces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_tree(tmp_path, {**BASE, "app/user.py": "from app.legacy import C\n"})
    code, table = check(tmp_path, capsys, "--emit", "ruff", "--removed", "app.gone")
    assert (code, table) == (
        0,
        "[tool.ruff.lint.flake8-tidy-imports.banned-api]\n"
        '"app.legacy".msg = "app.legacy was removed; import from app.core instead"\n'
        '"app.gone".msg = "app.gone was removed"\n',
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ruff.lint]\nselect = ["TID251"]\n\n' + table, encoding="utf-8"
    )
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run(
        [str(ruff), "check", "--no-cache", "app/user.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "`app.legacy` is banned: app.legacy was removed; import from app.core" in done.stdout


def test_nothing_to_check_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_tree(tmp_path, {"app/__init__.py": ""})
    assert main(["check", str(tmp_path)]) == 2
    assert "nothing to check" in capsys.readouterr().err


def test_a_bad_removed_entry_is_a_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_tree(tmp_path, {**BASE, "pyproject.toml": '[tool.unshim]\nremoved = ["app legacy"]\n'})
    assert main(["check", str(tmp_path)]) == 2
    assert "'removed' must be a list of dotted module names" in capsys.readouterr().err


def test_a_file_that_does_not_parse_but_names_it_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_tree(tmp_path, {**BASE, "app/broken.py": "def (:\nimport app.legacy\n"})
    code, out = check(tmp_path, capsys)
    assert code == 1
    assert out.startswith(
        "app/broken.py:2: may name app.legacy, which was removed: unshim could not read this "
        "file (syntax error"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["/no/such/tree"], "/no/such/tree: no such file or directory"),
        (["--removed", "app legacy"], "--removed app legacy: each must be"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    make_tree(tmp_path, BASE)
    args = argv if argv[0].startswith("/") else [str(tmp_path), *argv]
    assert main(["check", *args]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert message in line
