"""Non-Python files of the repository that name a module keep it: the `reference-files` globs
(tox.ini, *.toml, *.cfg, *.yaml, Makefile, Dockerfile*, workflows, *.pth, the entry points of a
built distribution...), each reported with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.treemaker import make_tree
from unshim.bot.apply_request import apply_options
from unshim.bot.cli import main
from unshim.bot.config import Config, load_config
from unshim.codemods.analyze.analysis import analyze
from unshim.codemods.delete.removal import proof_of, prove_and_delete
from unshim.codemods.outcome import Location
from unshim.codemods.scan.build import build_index
from unshim.codemods.scan.sources import REFERENCE_FILES, is_reference_file

APP = {
    "app/__init__.py": "",
    "app/core.py": "X = 1\n",
    "app/old/__init__.py": "",
    "app/old/tool.py": "def main(): ...\n",
}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("tox.ini", "[testenv]\ncommands = python -m app.old.tool\n"),
        ("ci/settings.cfg", "[run]\nplugin = app.old\n"),
        ("conf/logging.yaml", "handlers:\n  h:\n    class: app.old.tool.Handler\n"),
        (".github/workflows/ci.yml", "steps:\n  - run: python app/old/tool.py\n"),
        ("Makefile", "lint:\n\truff app/old\n"),
        ("mk/rules.mk", "SRC := app/old\n"),
        ("Dockerfile.dev", "FROM python\nCOPY app/old /srv/old\n"),
        ("mypy.ini", "[mypy-app.old.*]\nignore_errors = True\n"),
    ],
)
def test_a_reference_file_that_names_the_module_blocks(
    tmp_path: Path, name: str, text: str
) -> None:
    root = make_tree(tmp_path, {**APP, name: text})
    result = prove_and_delete(build_index(root), ["app.old"], dry_run=True)
    assert result.deleted_files == ()
    (kept,) = result.kept
    line = 1 + next(i for i, t in enumerate(text.splitlines()) if "old" in t)
    assert kept.location == Location(name, line)
    assert kept.reason.startswith(f"named in {name}: ")


def test_a_line_naming_two_of_the_packages_keeps_both(tmp_path: Path) -> None:
    """The packages are proven together, from one reading of the files: a line that names two
    of them is a reference to each, as it is when each is proven alone."""
    files = {**APP, "app/new/__init__.py": "", "tox.ini": "[run]\nplugins = app.old app.new\n"}
    root = make_tree(tmp_path, files)
    together = prove_and_delete(build_index(root), ["app.old", "app.new"], dry_run=True)
    assert sorted(k.subject for k in together.kept) == ["app.new", "app.old"]
    for package in ("app.old", "app.new"):
        alone = prove_and_delete(build_index(root), [package], dry_run=True)
        assert [k.location for k in alone.kept] == [Location("tox.ini", 2)]
    assert together.deleted_files == ()


def test_a_file_no_glob_matches_only_mentions(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {**APP, "notes/plan.org": "move app.old away\n"})
    result = prove_and_delete(build_index(root), ["app.old"], dry_run=True)
    assert result.kept == ()
    assert result.deleted_files == ("app/old/__init__.py", "app/old/tool.py")


def test_an_entry_point_of_the_built_distribution_blocks(tmp_path: Path) -> None:
    entry_points = "[console_scripts]\napp-tool = app.old.tool:main\n"
    files = {**APP, "app-1.0.dist-info/entry_points.txt": entry_points}
    root = make_tree(tmp_path, files)
    result = prove_and_delete(build_index(root), ["app.old.tool"], dry_run=True)
    (kept,) = result.kept
    assert kept.location == Location("app-1.0.dist-info/entry_points.txt", 2)
    assert kept.reason == (
        "an entry point of the built distribution, app-1.0.dist-info/entry_points.txt: "
        "app-tool = app.old.tool:main"
    )
    packages = {p.name: p for p in analyze(root, prover=proof_of).packages}
    assert packages["app.old"].status != "DEAD"
    assert [r.kind for r in packages["app.old"].dynamic] == ["entry point"]


def test_the_configured_list_replaces_the_default(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {**APP, "tox.ini": "commands = python -m app.old.tool\n"})
    only_cfg = build_index(root, reference_files=("*.cfg",))
    assert prove_and_delete(only_cfg, ["app.old"], dry_run=True).kept == ()
    assert prove_and_delete(build_index(root), ["app.old"], dry_run=True).kept != ()


def test_reference_files_is_read_from_the_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        **APP,
        "deploy.conf": "module = app.old.tool\n",
        ".unshim.toml": 'reference-files = ["*.conf"]\n',
    }
    root = make_tree(tmp_path, files)
    config = load_config(root)
    assert config.reference_files == ("*.conf",)
    assert apply_options(config, jobs=1).reference_files == ("*.conf",)
    assert Config().reference_files == REFERENCE_FILES
    assert main(["apply", str(root), "--delete", "app.old", "--dry-run"]) == 1
    assert "deploy.conf:1: app.old: named in deploy.conf: module = app.old.tool" in (
        capsys.readouterr().err
    )
    assert main(["analyze", str(root), "-q"]) == 0
    assert "DEAD: app.old" not in capsys.readouterr().out


def test_a_bad_reference_files_value_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_tree(tmp_path, {**APP, ".unshim.toml": 'reference-files = "*.ini"\n'})
    assert main(["analyze", str(root)]) == 2
    assert "'reference-files' must be a list of non-empty globs" in capsys.readouterr().err


def test_globs_match_names_anywhere_and_paths_at_their_end() -> None:
    assert is_reference_file("deep/down/tox.ini", REFERENCE_FILES)
    assert is_reference_file(".github/workflows/test.yml", REFERENCE_FILES)
    assert is_reference_file("x-1.0.dist-info/entry_points.txt", REFERENCE_FILES)
    assert is_reference_file("setup.py", ())
    assert not is_reference_file("x-1.0.dist-info/RECORD", REFERENCE_FILES)
    assert not is_reference_file("Dockerfile_helpers.py", REFERENCE_FILES)
    assert not is_reference_file("docs/notes.txt", REFERENCE_FILES)


def test_an_egg_info_entry_point_blocks_outside_git_too(tmp_path: Path) -> None:
    # The directory walk skips egg-info folders but for their entry points.
    files = {
        **APP,
        "app.egg-info/entry_points.txt": "[console_scripts]\napp-tool = app.old.tool:main\n",
        "app.egg-info/SOURCES.txt": "app/old/tool.py\n",
    }
    root = make_tree(tmp_path, files)
    result = prove_and_delete(build_index(root), ["app.old"], dry_run=True)
    assert [k.location for k in result.kept] == [Location("app.egg-info/entry_points.txt", 2)]


def test_verify_reads_the_configured_reference_files(tmp_path: Path) -> None:
    from unshim.bot.verify.run import analyze_trees, mentions

    root = make_tree(tmp_path, {**APP, "deploy.conf": "module = app.old.tool\n"})
    config = Config(reference_files=("*.conf",))
    after = analyze_trees(None, root, config).after
    assert mentions(after, ("app.old",), config) == (Location("deploy.conf", 1),)
    assert mentions(analyze_trees(None, root, Config()).after, ("app.old",), Config()) == ()
