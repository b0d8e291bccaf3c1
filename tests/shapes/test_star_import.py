"""Star import (`codemods.rewrite.shapes.star_import`): `from shim import *`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply_support import CANONICAL, dedent, rewritten, run
from unshim.codemods.outcome import Location

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
        "from real.core import *\nfrom real.more import *\nReal(extra())\n",
        id="becomes_stars_of_each_source_not_the_names_the_file_uses",
    ),
    pytest.param(
        "from old.shim import *\n__all__ = ['Real']\n",
        "from real.core import *\nfrom real.more import *\n__all__ = ['Real']\n",
        id="with_an_all_becomes_stars_of_each_source_binding_every_name",
    ),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(tmp_path: Path, before: str, after: str) -> None:
    assert rewritten(tmp_path, before, EXTRA) == dedent(after)


def test_in_a_package_init_becomes_stars_of_each_source(tmp_path: Path) -> None:
    # The package hands every name of old.shim's star on to its own importers: narrowing the
    # star to the names the tree uses would drop Other, extra and helper from `app`.
    after = rewritten(tmp_path, "from old.shim import *\n", EXTRA, path="app/__init__.py")
    assert after == "from real.core import *\nfrom real.more import *\n"


def test_in_a_package_init_stays_whole_when_a_source_star_binds_more(tmp_path: Path) -> None:
    # The SciPy shape: scipy.stats re-exports scipy.stats.distributions by star, and the
    # module the names live in also exports the `*_gen` classes the shim's `__all__` leaves out.
    files = {
        "real/dist.py": "__all__ = ['norm', 'norm_gen']\nclass norm_gen: ...\nnorm = norm_gen()\n",
        "old/dists.py": "from real.dist import norm\n__all__ = ['norm']\n",
        "app/__init__.py": "from old.dists import *\n",
        "app/use.py": "from app import norm\n",
    }
    applied = run(tmp_path, {**CANONICAL, **files}, shims=("old.dists",))
    assert (tmp_path / "app/__init__.py").read_text() == "from old.dists import *\n"
    assert (tmp_path / "old/dists.py").exists()
    [kept] = [k for k in applied.outcome.kept if k.location == Location("app/__init__.py", 1)]
    assert "`from real.dist import *` would also bind norm_gen; the star stays whole" in (
        kept.reason
    )


def test_stays_whole_when_a_name_it_binds_is_not_found(tmp_path: Path) -> None:
    files = {
        "old/broken.py": "from real.core import Real, Missing\n",
        "app/mid.py": "from old.broken import *\n",
        "app/use.py": "from app.mid import Real\n",
    }
    # app.mid binds Real and hands it on; the focused index never reads app/use.py.
    applied = run(tmp_path, {**CANONICAL, **files}, shims=("old.broken",))
    assert (tmp_path / "app/mid.py").read_text() == "from old.broken import *\n"
    [kept] = [k for k in applied.outcome.kept if k.location == Location("app/mid.py", 1)]
    assert "it binds Missing, which has no module to star-import" in kept.reason


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
