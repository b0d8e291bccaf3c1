"""From-import: `from shim import X`, `from pkg import shim` (a shim module bound by name),
and `from moved.module import X`. Each name goes to where it is defined; a module bound this
way is rebound or dissolved (`codemods.rewrite.rebinding`); what cannot be resolved stays,
with the reason.
"""

from __future__ import annotations

import libcst as cst

from unshim.codemods.names import within
from unshim.codemods.plan.values import ShimModule, Target
from unshim.codemods.rewrite.bindings import Node
from unshim.codemods.rewrite.context import Context, local_of, name_of
from unshim.codemods.rewrite.pieces import statements_for
from unshim.codemods.rewrite.rebinding import Piece, import_of, rebind
from unshim.codemods.rewrite.shapes.patch_target import dissolving
from unshim.codemods.rewrite.shapes.registration import registers, unregisters

Exprs = dict[Node, cst.BaseExpression]


def why_kept(shim: ShimModule, name: str) -> str:
    """Why `name` cannot be imported from where it is defined instead of from `shim`."""
    if name in shim.unresolved:
        return shim.unresolved[name]
    if shim.impure:
        return f"defined in {shim.module} itself (impure shim)"
    return "no canonical definer known"


def alias_pieces(
    ctx: Context, statement: cst.ImportFrom, base: str, alias: cst.ImportAlias, index: int
) -> tuple[list[Piece], Exprs]:
    """What one name of the statement becomes, and the uses it respells."""
    plan = ctx.plan
    name, local = name_of(alias.name), local_of(alias)
    full = f"{base}.{name}"
    keep = [Piece("", None, local, alias, index, keep=True)]
    if full in plan.shims:
        if unregisters(ctx, statement, plan.shims[full], local):
            return [], {}
        if registers(ctx, statement, plan.shims[full], local):
            return keep, {}
        binding = rebind(statement, local, full, False, plan, ctx.meta, ctx)
        if binding.reason is not None:
            ctx.keep(full, statement, f"still imports {full}: {binding.reason}")
            return keep, {}
        if binding.module is not None and within(ctx.task.module, binding.module):
            why = f"it would become {binding.module}, a package this module is part of"
            ctx.keep(full, statement, f"still imports {full}: {why}")
            return keep, {}
        if binding.module is not None:
            module, member = import_of(Target(binding.module, None))
            return [Piece(module, member, local, alias, index)], binding.exprs
        if dissolving(ctx, statement, full):
            return keep, {}
        return binding.pieces, binding.exprs
    if base in plan.shims:
        shim = plan.shims[base]
        target = shim.names.get(name)
        if target is None:
            ctx.keep(base, statement, f"still imports {name} from it: {why_kept(shim, name)}")
            return keep, {}
        module, member = import_of(target)
        if within(ctx.task.module, module) and target.definer is not None:
            module, member = import_of(target.definer)  # never from its own package
        if module == ctx.task.module:
            return keep, {}
        if within(ctx.task.module, module) and ctx.task.is_package:
            why = f"{module} is this package: importing {name} from it would import itself"
            ctx.keep(base, statement, f"still imports {name} from it: {why}")
            return keep, {}
        return [Piece(module, member, local, alias, index)], {}
    moved_base = plan.moved(base)
    if moved_base is not None:
        return [Piece(moved_base, name, local, alias, index)], {}
    moved = plan.moved(full)
    if moved is not None:
        module, member = import_of(Target(moved, None))
        return [Piece(module, member, local, alias, index)], {}
    return keep, {}


def decide(ctx: Context, statement: cst.ImportFrom) -> None:
    base = ctx.base(statement)
    if base is None or isinstance(statement.names, cst.ImportStar):
        return
    pieces: list[Piece] = []
    exprs: Exprs = {}
    for index, alias in enumerate(statement.names):
        found, more = alias_pieces(ctx, statement, base, alias, index)
        pieces.extend(found)
        exprs.update(more)
    if len(pieces) == len(statement.names) and all(p.keep for p in pieces):
        return
    ctx.out.exprs.update(exprs)
    ctx.record(statement, statements_for(ctx, statement, statement, pieces))
