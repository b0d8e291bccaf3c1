"""`analyze` calls a package DEAD only when the deletion proof lets it go; otherwise it says
why not, with file:line, in the text and the JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.treemaker import make_tree
from unshim.bot.cli import main
from unshim.codemods.analyze.analysis import analyze
from unshim.codemods.analyze.inventory import ACTIVE, DEAD
from unshim.codemods.delete.removal import proof_of

# Nothing imports `tool._vendor.tomli` by its dotted name; `import tomli` reaches it once
# `tool/__init__.py` has put `tool/_vendor` on sys.path.
VENDORED = {
    "tool/__init__.py": (
        "import os, sys\nsys.path.append(os.path.join(os.path.dirname(__file__), '_vendor'))\n"
    ),
    "tool/_vendor/__init__.py": "",
    "tool/_vendor/tomli/__init__.py": "def loads(s): ...\n",
    "tool/_vendor/unused/__init__.py": "X = 1\n",
    "tool/config.py": "import tomli\n",
}


def statuses(root: Path) -> dict[str, str]:
    return {p.name: p.status for p in analyze(root, prover=proof_of).packages}


def test_a_package_the_proof_keeps_is_not_dead(tmp_path: Path) -> None:
    root = make_tree(tmp_path, VENDORED)
    packages = {p.name: p for p in analyze(root, prover=proof_of).packages}
    kept = packages["tool._vendor.tomli"]
    assert kept.status == ACTIVE
    assert kept.kept[1].startswith("kept: tool/config.py:1: ")
    assert "imports tomli by that name" in kept.kept[1]
    assert packages["tool._vendor.unused"].status == DEAD


def test_without_the_proof_only_imports_decide(tmp_path: Path) -> None:
    root = make_tree(tmp_path, VENDORED)
    assert {p.name: p.status for p in analyze(root).packages}["tool._vendor.tomli"] == DEAD


def test_a_file_inside_that_is_not_python_keeps_it_alive(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {**VENDORED, "tool/_vendor/unused/data.json": "{}\n"})
    assert statuses(root)["tool._vendor.unused"] == ACTIVE


def test_text_and_json_say_why_not_dead(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(tmp_path, VENDORED)
    assert main(["analyze", str(root), "-q"]) == 0
    text = capsys.readouterr().out
    section = text.split("Not dead: ", 1)[1]
    assert "  tool._vendor.tomli (tool/_vendor/tomli/)\n    kept: tool/config.py:1: " in section
    assert "DEAD: tool._vendor.unused" in text
    assert main(["analyze", str(root), "--format", "json", "-q"]) == 0
    document = json.loads(capsys.readouterr().out)
    (tomli,) = [p for p in document["packages"] if p["name"] == "tool._vendor.tomli"]
    assert tomli["status"] == ACTIVE
    assert any(e.startswith("kept: tool/config.py:1: ") for e in tomli["evidence"])
    dead = [p["name"] for p in document["packages"] if p["status"] == DEAD]
    # `tool._vendor` holds the folder on sys.path, `tomli` in it: the proof keeps it too.
    assert dead == ["tool._vendor.unused"]
    assert document["summary"]["dead_packages"] == 1


def test_a_public_package_of_a_distribution_is_not_dead(tmp_path: Path) -> None:
    root = make_tree(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "tool"\nversion = "1"\n',
            "tool/__init__.py": "",
            "tool/contrib/__init__.py": "X = 1\n",  # public: its users import it
            "tool/_old/__init__.py": "X = 1\n",  # private: nobody outside may import it
        },
    )
    packages = {p.name: p for p in analyze(root, prover=proof_of).packages}
    public = packages["tool.contrib"]
    assert public.status == ACTIVE
    assert public.evidence[0] == (
        "no importers inside the repository, but a public module of distribution tool "
        "(pyproject.toml): outside users may import it"
    )
    assert packages["tool._old"].status == DEAD
