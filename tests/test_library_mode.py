"""Library mode: a library's own code leaves its public shims, which stay for its users until
the version their removal is scheduled for."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.treemaker import make_tree
from unshim.bot.cli import main
from unshim.codemods.plan.schedule import reached

SHIM = (
    "import warnings\n"
    'warnings.warn("lib.old is deprecated: import from lib.core", DeprecationWarning)\n'
    "from lib.core import C\n"
)


def project(
    version: str, unshim: str, classifiers: bool = True, shim: str = SHIM
) -> dict[str, str]:
    listed = '\nclassifiers = ["Intended Audience :: Developers"]' if classifiers else ""
    return {
        "pyproject.toml": (
            f'[project]\nname = "lib"\nversion = "{version}"{listed}\n\n[tool.unshim]\n{unshim}'
        ),
        "lib/__init__.py": "",
        "lib/core.py": "class C:\n    pass\n",
        "lib/old.py": shim,
        "lib/user.py": "from lib.old import C\n",
    }


SCHEDULED = '[tool.unshim.shims."lib.old"]\nremove-in = "2.0"\n'


def apply(root: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["apply", str(root), *argv])
    return code, capsys.readouterr().err


def test_a_public_shim_stays_until_its_removal_is_due(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_tree(tmp_path, project("1.4", SCHEDULED.replace("[tool.unshim]\n", "")))
    code, err = apply(root, capsys)
    assert (root / "lib/user.py").read_text() == "from lib.core import C\n"  # its own code
    assert (root / "lib/old.py").is_file()
    assert code == 1
    assert (
        "kept: lib/old.py: lib.old: public shim of the library lib, kept for its users: due for "
        "removal in 2.0 (the project is at 1.4)\n"
    ) in err


def test_once_the_version_reaches_it_the_shim_is_deleted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_tree(tmp_path, project("2.0.0", SCHEDULED))
    code, err = apply(root, capsys)
    assert code == 0, err
    assert not (root / "lib/old.py").exists()
    assert (root / "lib/user.py").read_text() == "from lib.core import C\n"


def test_without_a_schedule_it_stays_and_says_how_to_set_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_tree(tmp_path, project("1.4", 'shims = ["lib.old"]\n'))
    code, err = apply(root, capsys)
    assert code == 1 and (root / "lib/old.py").is_file()
    assert 'no removal is scheduled (set [tool.unshim.shims."lib.old"] remove-in' in err


def test_a_shim_that_warns_of_nothing_is_reported_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_tree(tmp_path, project("1.4", SCHEDULED, shim="from lib.core import C\n"))
    _, err = apply(root, capsys)
    assert "it warns of no deprecation, so its users get no notice before it goes" in err


@pytest.mark.parametrize(
    ("classifiers", "setting"),
    [(True, 'kind = "application"\n'), (False, "")],
    ids=["kind-application", "no-library-classifier"],
)
def test_an_application_deletes_its_shims(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], classifiers: bool, setting: str
) -> None:
    root = make_tree(tmp_path, project("1.4", setting + 'shims = ["lib.old"]\n', classifiers))
    code, err = apply(root, capsys)
    assert code == 0, err
    assert not (root / "lib/old.py").exists()


def test_a_shim_named_on_the_command_line_is_the_maintainers_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_tree(tmp_path, project("1.4", ""))
    code, err = apply(root, capsys, "--shim", "lib.old")
    assert code == 0, err
    assert not (root / "lib/old.py").exists()


@pytest.mark.parametrize(
    ("version", "due", "answer"),
    [
        ("2.0", "2.0", True),
        ("2.0.0", "2", True),
        ("2.1", "2.0", True),
        ("1.9.9", "2.0", False),
        ("2.0rc1", "2.0", False),
        ("2.0.post1", "2.0", True),
        ("v3", "2.0", True),
        ("unknown", "2.0", None),
    ],
)
def test_versions_compare_by_their_release_numbers(
    version: str, due: str, answer: bool | None
) -> None:
    assert reached(version, due) is answer


def test_a_bad_schedule_is_a_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_tree(tmp_path, project("1.4", '[tool.unshim.shims."lib.old"]\nremove_in = 2\n'))
    assert main(["apply", str(root)]) == 2
    assert "unknown key 'remove_in' (known keys: remove-in)" in capsys.readouterr().err
