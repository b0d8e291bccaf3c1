"""Star import: `from shim import *`. A shim that is itself one star import stays a star of
its target; otherwise the star becomes imports of the names the file needs from it (those it
uses without binding, those other modules import from it, those its `__all__` lists). A moved
module's star is only respelled. In a package's `__init__` a star that cannot stay a star is
kept: it hands every name on, and narrowing it would drop names its importers use.
"""

from __future__ import annotations

import libcst as cst

from codemods.names import within
from codemods.plan.values import Target
from codemods.rewrite.context import Context
from codemods.rewrite.layout import FileView
from codemods.rewrite.pieces import statements_for
from codemods.rewrite.rebinding import Piece, import_of
from codemods.rewrite.shapes.all_entries import all_names


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


def _target(ctx: Context, target: Target) -> Target:
    """Never a package the consumer is part of (that import is a cycle): its definer."""
    if within(ctx.task.module, target.module) and target.definer is not None:
        return target.definer
    return target


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
        if ctx.task.is_package:
            # A package's star import hands every name on to its importers; narrowing it to
            # the names seen here would drop the others.
            ctx.keep(
                base,
                statement,
                f"still star-imports it: {base} re-exports from several modules, and this "
                "package hands on every name of it",
            )
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
        pieces = [
            Piece(*import_of(_target(ctx, shim.names[n])), n)
            for n in sorted(wanted)
            if n in shim.names
        ]
        ctx.record(statement, statements_for(ctx, statement, statement, pieces))
        return
    moved = plan.moved(base)
    if moved is not None:
        ctx.record(statement, [ctx.respell(statement, moved)])
