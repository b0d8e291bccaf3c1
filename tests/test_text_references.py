"""Configuration, prose and comments naming modules, found for many targets in one call, are
exactly what a call per target finds: whether the call looks for each last name in a line
(few targets) or splits the line into words first (many)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.treemaker import make_tree
from unshim.codemods.analyze import references
from unshim.codemods.analyze.references import text_references
from unshim.codemods.scan.build import build_index

AREAS = [f"area{n}" for n in range(12)]
TREE = {
    "app/__init__.py": "",
    **{f"app/{area}/__init__.py": "" for area in AREAS},
    **{f"app/{area}/old.py": "X = 1\n" for area in AREAS},
    "app/core.py": "# app.area3.old and app/area4/old.py, not app.area5.older\nX = 1  # area6\n",
    "tox.ini": "[testenv]\ncommands = python -m app.area1.old app.area2.old\n",
    "docs/plan.md": "Move app/area7/old away; app/area8/olden stays; app.area9.old.X too.\n",
    "setup.cfg": "[options]\nscripts = app/area10/old.py\n",
    "Makefile": "lint:\n\truff app/area11/old-ish app/area0/old\n",
}


@pytest.mark.parametrize("count", [3, 12], ids=["few_targets", "many_targets"])
def test_one_call_finds_what_a_call_per_target_finds(tmp_path: Path, count: int) -> None:
    index = build_index(make_tree(tmp_path, TREE))
    targets = [f"app.{area}.old" for area in AREAS[:count]]
    assert (len(targets) <= references.FEW_WORDS) == (count == 3)
    together = text_references(index, targets)
    alone = [r for t in targets for r in text_references(index, [t])]
    key = lambda r: (r.location.path, r.location.line, r.target)  # noqa: E731
    assert sorted(together, key=key) == sorted(alone, key=key)
    found = {r.target for r in together}
    expected = {"app.area1.old", "app.area2.old", "app.area0.old"}
    if count == 12:
        expected |= {"app.area3.old", "app.area4.old", "app.area7.old", "app.area9.old"}
        expected |= {"app.area10.old"}
    assert found == expected


def test_many_targets_with_one_last_name_that_is_no_word(tmp_path: Path) -> None:
    """A target whose last name is not one word (no module has such a name) is still tried."""
    index = build_index(make_tree(tmp_path, {**TREE, "notes.md": "see app/old-ish/x\n"}))
    targets = [f"app.{area}.old" for area in AREAS] + ["app.old-ish"]
    together = text_references(index, targets)
    alone = [r for t in targets for r in text_references(index, [t])]
    key = lambda r: (r.location.path, r.location.line, r.target)  # noqa: E731
    assert sorted(together, key=key) == sorted(alone, key=key)
