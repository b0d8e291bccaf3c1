"""A package `legacy` whose `__init__` may register its shim `legacy.filters`: the tests of
parent registration and of `__all__` entries rewrite that `__init__`."""

from __future__ import annotations

from pathlib import Path

from tests.apply_support import CANONICAL, run

LEGACY = {
    "legacy/filters.py": "from real.core import Real\n",
    "legacy/keep.py": "kept = 1\n",
}


def parent_after(root: Path, parent: str, extra: dict[str, str] | None = None) -> str:
    """legacy/__init__.py after `apply --shim legacy.filters`."""
    files = {**CANONICAL, **LEGACY, **(extra or {}), "legacy/__init__.py": parent}
    run(root, files, shims=("legacy.filters",))
    return (root / "legacy/__init__.py").read_text()
