"""Star import (`codemods.rewrite.shapes.star_import`): `from shim import *`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply_support import CANONICAL, dedent, rewritten, run

EXTRA = {
    "old/star.py": "from real.core import *  # noqa: F403\n",
    "old/broken.py": "from real.core import Real, Missing\n",
}

FIXES = [
    pytest.param(
        "from old.star import *\n",
        "from real.core import *\n",
        id="star_of_a_star_shim_stays_a_star",
    ),
    pytest.param(
        "from old.shim import *\nReal(extra())\n",
        "from real.core import Real\nfrom real.more import extra\nReal(extra())\n",
        id="becomes_the_names_the_file_uses",
    ),
    pytest.param(
        "from old.shim import *\n__all__ = ['Real']\n",
        "from real.core import Real\n__all__ = ['Real']\n",
        id="becomes_the_names_its_all_lists",
    ),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(tmp_path: Path, before: str, after: str) -> None:
    assert rewritten(tmp_path, before, EXTRA) == dedent(after)


def test_fix_moved(tmp_path: Path) -> None:
    files = {"newpkg/__init__.py": "", "newpkg/mod.py": "X = 1\n"}
    after = rewritten(
        tmp_path, "from oldpkg.mod import *\n", files, shims=(), moves=(("oldpkg", "newpkg"),)
    )
    assert after == "from newpkg.mod import *\n"


# Each source stays as it is; `reason`: why, as the outcome reports it (None: nothing to say).
NO_CHANGE = [
    pytest.param("from real.core import *\nReal()\n", None, id="star_of_the_canonical_module"),
    pytest.param(
        "from old.broken import *\nMissing\n",
        "still star-imports it: Missing cannot be resolved",
        id="star_of_a_shim_with_an_unresolved_name_the_file_uses",
    ),
]


@pytest.mark.parametrize(("source", "reason"), NO_CHANGE)
def test_no_change(tmp_path: Path, source: str, reason: str | None) -> None:
    applied = run(tmp_path, {**CANONICAL, **EXTRA, "app/use.py": source})
    assert (tmp_path / "app/use.py").read_text() == source
    reasons = [
        k.reason for k in applied.outcome.kept if k.location and k.location.path == "app/use.py"
    ]
    assert reasons == ([] if reason is None else [reason])
