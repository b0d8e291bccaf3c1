"""Star import: `from shim import *`. A shim that is itself one star import stays a star of
its target. Otherwise the star must keep binding every name it bound, since any module may hand
them on (a package `__init__`, an `__all__`, importers of its own): it becomes star imports of
the modules the names live in, when each binds exactly the names it gave the shim's star, or it
stays and says why. A moved module's star is only respelled.
"""

from __future__ import annotations

import libcst as cst

from unshim.codemods.rewrite.context import Context
from unshim.codemods.rewrite.layout import FileView
from unshim.codemods.rewrite.shapes.all_entries import all_names


def unbound(meta: FileView) -> set[str]:
    """Names the file uses but binds nowhere: what its star imports provide."""
    names: set[str] = set()
    for scope in set(meta.scopes.values()):
        if scope is None:
            continue
        for access in scope.accesses:
            if not access.referents and isinstance(access.node, cst.Name):
                names.add(access.node.value)
    return names


def decide(ctx: Context, statement: cst.ImportFrom) -> None:
    base = ctx.base(statement)
    if base is None:
        return
    plan = ctx.plan
    if base in plan.shims:
        shim = plan.shims[base]
        if shim.star_module is not None:
            ctx.record(statement, [ctx.respell(statement, shim.star_module)])
            return
        wanted = unbound(ctx.meta) | set(plan.consumed.get(ctx.task.module, ()))
        wanted |= all_names(ctx.meta)
        missing = sorted(n for n in wanted if n in shim.unresolved)
        if missing:
            ctx.keep(
                base,
                statement,
                f"still star-imports it: {', '.join(missing[:5])} cannot be resolved",
            )
            return
        _whole(ctx, statement, base)
        return
    moved = plan.moved(base)
    if moved is not None:
        ctx.record(statement, [ctx.respell(statement, moved)])


def _whole(ctx: Context, statement: cst.ImportFrom, base: str) -> None:
    """The star keeps binding every name it bound: as stars of the modules the names live in,
    or as it is. Any module may hand what it star-imports on (a package `__init__`, an
    `__all__`, modules importing from it, which a focused index does not even read), so
    narrowing it to the names this file uses could drop a name someone imports from it."""
    shim = ctx.plan.shims[base]
    sources = [s for s in shim.star_sources if s != ctx.task.module]
    if not sources or len(sources) != len(shim.star_sources):
        why = shim.star_refusal or f"it would become a star import of {ctx.task.module} itself"
        ctx.keep(
            base,
            statement,
            f"still star-imports it, and every name that star binds may be imported from "
            f"{ctx.task.module} in turn: {why}; the star stays whole",
        )
        return
    ctx.record(statement, [ctx.respell(statement, source) for source in sources])
