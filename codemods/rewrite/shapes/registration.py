"""Parent registration: `from . import filters` in the `__init__` of the package that holds a
shim being deleted. It is only there to expose the shim, so it goes with it; the names it
registered are then dropped from the parent's `__all__` (`shapes.all_entries`).
"""

from __future__ import annotations

import libcst as cst

from unshim.codemods.plan.values import ShimModule
from unshim.codemods.rewrite.bindings import uses_of
from unshim.codemods.rewrite.context import Context
from unshim.codemods.rewrite.spelling import split_module


def registers(ctx: Context, statement: cst.ImportFrom, shim: ShimModule, local: str) -> bool:
    """Whether this import is the parent package's own registration of `shim` (`from . import
    shim` at the top of the parent's `__init__.py` or `__init__.pyi`). A shim that stays keeps
    its registration untouched: rebinding it would make the parent expose another module."""
    parent, last = split_module(shim.module)
    return (
        ctx.task.is_package
        and ctx.task.module == parent
        and local == last
        and ctx.top(statement)
        and not shim.deleting
    )


def unregisters(ctx: Context, statement: cst.ImportFrom, shim: ShimModule, local: str) -> bool:
    """Whether this import of `shim` (bound to `local`) is its parent's registration of it,
    unused in the parent: then it goes, and `local` is noted for the parent's `__all__`."""
    parent, last = split_module(shim.module)
    if not (shim.deleting and ctx.task.is_package and ctx.task.module == parent):
        return False
    if local != last or not ctx.top(statement):
        return False
    uses = uses_of(statement, local, ctx.meta)
    if uses.uses or uses.ambiguous:
        return False
    ctx.unregistered.add(last)
    return True
