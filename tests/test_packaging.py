"""What installing unshim puts on a machine: one import package, `unshim` (the folders bot/ and
codemods/ as unshim.bot and unshim.codemods), so that it never shadows a project's own `bot` or
`codemods`, and the `unshim` command.

The wheel is built once per module from a copy of this checkout, without build isolation (the
build backend is one of the test tools), so offline. The throwaway environment it is installed
into gets unshim's dependencies from this environment through a `.pth` file written after the
install, so pip downloads nothing; a path that a `.pth` file adds is not a site directory, so the
editable install of this checkout that it also holds is not loaded there.

In a checkout, the tests themselves import this checkout's folders as unshim.bot and
unshim.codemods (tests/installed_names.py), whatever copy the environment has installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path, PurePosixPath

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

from tests.actionrunner import clean_environ
from tests.checkout import ROOT, copy_checkout
from tests.installed_names import PYTHONPATH

FOLDERS = {"bot": "unshim.bot", "codemods": "unshim.codemods"}
# Offline: no index, no dependencies (those of the install come from this environment).
OFFLINE = ("-q", "--no-deps", "--no-index")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    copy_checkout(source)
    built = root / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            *OFFLINE,
            "--no-build-isolation",
            "-w",
            str(built),
            str(source),
        ],
        capture_output=True,
        check=True,
    )
    (found,) = built.glob("unshim-*.whl")
    return found


def _source_modules() -> set[str]:
    """Every module file of bot/ and codemods/, as the wheel should hold it."""
    return {
        str(PurePosixPath("unshim", path.relative_to(ROOT).as_posix()))
        for folder in FOLDERS
        for path in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    }


def test_the_tests_run_this_checkouts_code(tmp_path: Path) -> None:
    import unshim.bot.cli
    import unshim.codemods.apply

    assert Path(unshim.bot.cli.__file__).resolve() == ROOT / "bot" / "cli.py"
    assert Path(unshim.codemods.apply.__file__).resolve() == ROOT / "codemods" / "apply.py"
    # And so do the processes that run unshim, from any folder.
    done = subprocess.run(
        [sys.executable, "-c", "import unshim.bot.cli as m; print(m.__file__)"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": PYTHONPATH},
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(done.stdout.strip()).resolve() == ROOT / "bot" / "cli.py"


def test_every_package_folder_is_listed_in_pyproject() -> None:
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join([FOLDERS[init.relative_to(ROOT).parts[0]], *init.relative_to(ROOT).parts[1:-1]])
        for folder in FOLDERS
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert set(listed["packages"]) == on_disk
    assert listed["package-dir"] == {name: folder for folder, name in FOLDERS.items()}


def test_the_wheel_installs_unshim_and_nothing_else_at_the_top(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {PurePosixPath(name).parts[0] for name in names}
    assert {name for name in top if not name.endswith(".dist-info")} == {"unshim"}
    assert "unshim/__init__.py" not in names  # a namespace: no file claims the name
    assert _source_modules() <= set(names)
    (entry_points,) = (n for n in names if n.endswith(".dist-info/entry_points.txt"))
    scripts = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "unshim = unshim.bot.cli:main" in scripts.splitlines()


def _project_with_its_own_bot_and_codemods(root: Path) -> Path:
    project = root / "project"
    for package in ("bot", "codemods"):
        (project / package).mkdir(parents=True)
        (project / package / "__init__.py").write_text(f"OWNER = 'the project\\'s {package}'\n")
    (project / "bot" / "handlers.py").write_text("def handle() -> None:\n    pass\n")
    (project / "bot" / "legacy.py").write_text("from bot.handlers import handle\n")
    (project / "codemods" / "user.py").write_text("from bot.legacy import handle\n\nhandle()\n")
    return project


def test_installed_unshim_and_a_projects_bot_and_codemods_both_import(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", *OFFLINE, str(wheel)],
        capture_output=True,
        check=True,
    )
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site) / "_unshim_test_dependencies.pth").write_text(sysconfig.get_path("purelib"))
    project = _project_with_its_own_bot_and_codemods(tmp_path)
    environ = clean_environ()  # no PYTHONPATH: the wheel's copy, nothing of this checkout

    def run(*command: str | Path) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            command, cwd=project, env=environ, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        return done

    imported = run(
        python,
        "-c",
        "import json, bot, codemods, unshim.bot.cli, unshim.codemods.apply; "
        "print(json.dumps([bot.OWNER, codemods.OWNER, unshim.bot.cli.__file__, "
        "unshim.codemods.apply.__file__]))",
    )
    own_bot, own_codemods, cli, apply = json.loads(imported.stdout)
    assert (own_bot, own_codemods) == ("the project's bot", "the project's codemods")
    assert Path(cli).is_relative_to(site) and Path(apply).is_relative_to(site)

    assert run(venv / "bin" / "unshim", "--version").stdout.strip() == "unshim 0.1.0"
    assert "unshim removes the leftovers" in run(venv / "bin" / "unshim", "--help").stdout
    assert "unshim removes the leftovers" in run(python, "-m", "unshim.bot", "--help").stdout
    # And it reads the project's bot as the project's: bot.legacy is a shim of bot.handlers.
    inventory = json.loads(run(venv / "bin" / "unshim", "analyze", ".", "--format", "json").stdout)
    shims = {module["name"]: module["kind"] for module in inventory["modules"]}
    assert shims == {"bot.legacy": "pure shim"}
