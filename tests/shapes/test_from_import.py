"""From-import (`codemods.rewrite.shapes.from_import`): `from shim import X` and `from pkg
import shim`, each name from where it is defined."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply_support import dedent, rewritten

EXTRA = {
    "old/funcs.py": "from real.core import Real as RealThing\n",
    "newpkg/__init__.py": "",
    "newpkg/mod.py": "X = 1\n",
}

FIXES = [
    pytest.param(
        "from old.one import Real\n",
        "from real.core import Real\n",
        id="points_at_canonical_module",
    ),
    pytest.param(
        "from old.renamed import Thing\nThing()\n",
        "from real.core import Real as Thing\nThing()\n",
        id="aliased_reexport_keeps_local_name",
    ),
    pytest.param(
        "from old.renamed import Thing as T\nfrom old.one import Real as R\n",
        "from real.core import Real as T\nfrom real.core import Real as R\n",
        id="consumer_alias_stays",
    ),
    pytest.param(
        "from old.funcs import RealThing as Real\n",
        "from real.core import Real\n",
        id="alias_equal_to_the_canonical_name_is_dropped",
    ),
    pytest.param(
        "from old import one\none.Real()\n",
        "from real import core as one\none.Real()\n",
        id="submodule_imported_from_shim_package_is_rebound",
    ),
    pytest.param(
        "from old import shim\nshim.Real(shim.extra())\n",
        """\
        from real.core import Real
        from real.more import extra
        Real(extra())
        """,
        id="submodule_used_for_several_modules_is_dissolved",
    ),
    pytest.param(
        "from old.shim import Real, extra, helper\n",
        "from real.core import Real, helper\nfrom real.more import extra\n",
        id="names_from_several_modules_split_per_module",
    ),
    pytest.param(
        """\
        try:
            from old.shim import Real as impl
        except ImportError:
            from old.shim import Other as impl
        """,
        """\
        try:
            from real.core import Real as impl
        except ImportError:
            from real.core import Other as impl
        """,
        id="both_branches_of_try_except_importerror_through_the_shim_are_rewritten",
    ),
    pytest.param(
        """\
        try:
            from fastlib import Real
        except ImportError:
            from old.shim import Real
        """,
        """\
        try:
            from fastlib import Real
        except ImportError:
            from real.core import Real
        """,
        id="try_branch_from_an_optional_dependency_stays_its_fallback_is_rewritten",
    ),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(tmp_path: Path, before: str, after: str) -> None:
    assert rewritten(tmp_path, dedent(before), EXTRA) == dedent(after)


MOVES = [
    pytest.param(
        "from oldpkg.mod import X\n", "from newpkg.mod import X\n", id="name_of_a_moved_module"
    ),
    pytest.param("from oldpkg import mod\n", "from newpkg import mod\n", id="moved_module_by_name"),
]


@pytest.mark.parametrize(("before", "after"), MOVES)
def test_fix_moved(tmp_path: Path, before: str, after: str) -> None:
    moves = (("oldpkg", "newpkg"),)
    assert rewritten(tmp_path, before, EXTRA, shims=(), moves=moves) == after


NO_CHANGE = [
    pytest.param("from real.core import Real, helper\n", id="canonical_names"),
    pytest.param("from real import core\n", id="canonical_module_by_name"),
    pytest.param("from oldish import Real\n", id="similar_package_name"),
    pytest.param("from .one import Real\n", id="relative_import_of_an_unrelated_module"),
]


@pytest.mark.parametrize("source", NO_CHANGE)
def test_no_change(tmp_path: Path, source: str) -> None:
    files = {**EXTRA, "oldish/__init__.py": "Real = 1\n", "app/one.py": "Real = 1\n"}
    assert rewritten(tmp_path, source, files) == source
