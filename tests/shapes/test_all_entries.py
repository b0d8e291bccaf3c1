"""`__all__` entries (`codemods.rewrite.shapes.all_entries`): a registration that goes takes
its entry out of the parent's `__all__`, in whichever literal lists it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shapes.parent import parent_after

FIXES = [
    pytest.param(
        "from . import filters\n__all__ = ['filters', 'keep']\n",
        "__all__ = ['keep']\n",
        id="list",
    ),
    pytest.param(
        "from . import filters\n__all__ = ('filters', 'keep')\n",
        "__all__ = ('keep',)\n",
        id="tuple",
    ),
    pytest.param(
        "from . import filters\n__all__ = ['keep']\n__all__ += ['filters']\n",
        "__all__ = ['keep']\n__all__ += []\n",
        id="augmented",
    ),
    pytest.param(
        "from . import filters\n__all__: list[str] = ['filters']\n",
        "__all__: list[str] = []\n",
        id="annotated",
    ),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(tmp_path: Path, before: str, after: str) -> None:
    assert parent_after(tmp_path, before) == after


NO_CHANGE = [
    # Without the registration there is nothing to take out.
    pytest.param("__all__ = ['filters']\n", id="entry_without_a_registration"),
    pytest.param(
        "from real import core as filters\n__all__ = ['filters']\n",
        id="entry_of_a_name_bound_otherwise",
    ),
    pytest.param("from . import keep\n__all__ = ['keep']\n", id="entries_of_other_names"),
]


@pytest.mark.parametrize("source", NO_CHANGE)
def test_no_change(tmp_path: Path, source: str) -> None:
    assert parent_after(tmp_path, source) == source
