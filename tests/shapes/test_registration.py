"""Parent registration (`codemods.rewrite.shapes.registration`): `from . import shim` in the
`__init__` of the package that holds a shim being deleted goes with the shim."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply_support import dedent
from tests.shapes.parent import parent_after

FIXES = [
    pytest.param(
        """\
        from . import filters  # expose the old module
        from .keep import kept

        __all__ = ["filters", "kept"]
        """,
        """\
        from .keep import kept

        __all__ = ["kept"]
        """,
        id="goes_with_the_shim",
    ),
    pytest.param(
        "from . import filters, keep\n",
        "from . import keep\n",
        id="only_the_shim_leaves_a_shared_statement",
    ),
    pytest.param(
        "from legacy import filters\nfrom .keep import kept\n",
        "from .keep import kept\n",
        id="absolute_registration",
    ),
    # Not a registration: the parent uses it, or it is not the plain name at module level.
    pytest.param(
        "from . import filters\nfilters.Real\n",
        "from real import core as filters\nfilters.Real\n",
        id="used_in_the_parent_is_rebound",
    ),
    pytest.param(
        "from . import filters as f\n",
        "from real import core as f\n",
        id="under_another_name_is_rebound",
    ),
    pytest.param(
        "if True:\n    from . import filters\n",
        "if True:\n    from real import core as filters\n",
        id="not_at_module_level_is_rebound",
    ),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(tmp_path: Path, before: str, after: str) -> None:
    assert parent_after(tmp_path, dedent(before)) == dedent(after)


NO_CHANGE = [
    pytest.param("from . import keep\n", id="registration_of_another_module"),
    pytest.param("from .keep import kept\n", id="name_from_another_module"),
]


@pytest.mark.parametrize("source", NO_CHANGE)
def test_no_change(tmp_path: Path, source: str) -> None:
    assert parent_after(tmp_path, source) == source


def test_stays_when_the_shim_stays(tmp_path: Path) -> None:
    parent = "from . import filters\n\n__all__ = ['filters']\n"
    patched = {
        "tests/test_x.py": "import sys\nmock.patch.dict(sys.modules, {'legacy.filters': 1})\n"
    }
    assert parent_after(tmp_path, parent, patched) == parent
