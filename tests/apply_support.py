"""Small repositories for the apply tests: built from dicts of files, rewritten in place."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

from tests.treemaker import make_tree
from unshim.codemods.apply import Applied, ApplyOptions, DeleteHook, apply
from unshim.codemods.plan.values import PlanRequest

# A canonical package, and a shim package that only forwards to it.
CANONICAL = {
    "real/__init__.py": "",
    "real/core.py": """\
        class Real: ...
        class Other: ...
        def helper(): ...
        """,
    "real/more.py": "def extra(): ...\n",
    "old/__init__.py": "",
    "old/shim.py": """\
        from real.core import Other, Real, helper
        from real.more import extra

        __all__ = ["Other", "Real", "extra", "helper"]
        """,
    "old/one.py": "from real.core import Other, Real, helper\n",
    "old/renamed.py": "from real.core import Real as Thing\n",
    "app/__init__.py": "",
}


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Byte-exact tests give files as they are: nothing but the indentation is taken off."""
    return make_tree(root, files, strip_first_newline=False)


def run(
    root: Path,
    files: Mapping[str, str | bytes],
    shims: tuple[str, ...] = ("old",),
    moves: tuple[tuple[str, str], ...] = (),
    delete: DeleteHook | None = None,
    **options: object,
) -> Applied:
    write_tree(root, files)
    return apply(
        root,
        PlanRequest(shims=shims, moves=moves),
        ApplyOptions(**options),  # type: ignore[arg-type]
        delete=delete,
    )


def rewritten(
    root: Path,
    consumer: str,
    extra: Mapping[str, str | bytes] | None = None,
    path: str = "app/use.py",
    **kwargs: object,
) -> str:
    """The consumer file, after `apply` over CANONICAL plus `extra`."""
    run(root, {**CANONICAL, **(extra or {}), path: consumer}, **kwargs)  # type: ignore[arg-type]
    return (root / path).read_text(encoding="utf-8")


def dedent(text: str) -> str:
    return textwrap.dedent(text)
