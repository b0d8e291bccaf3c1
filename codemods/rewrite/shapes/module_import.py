"""Module import: `import shim`, `import pkg.shim as s`, `import moved.module`, with the
attribute uses that go through the binding. A shim's binding is rebound to the one module its
uses reach, or dissolved into imports of the names it is used for (`codemods.rewrite.rebinding`),
and its uses respelled; a moved module is renamed, its dotted uses with it.
"""

from __future__ import annotations

import libcst as cst

from unshim.codemods.rewrite.bindings import uses_of
from unshim.codemods.rewrite.context import Context, Small, local_of, name_of
from unshim.codemods.rewrite.pieces import statements_for
from unshim.codemods.rewrite.rebinding import Piece, rebind, replace
from unshim.codemods.rewrite.shapes.patch_target import dissolving
from unshim.codemods.rewrite.spelling import alias_node, dotted_expr, keep_items


def decide(ctx: Context, statement: cst.Import) -> None:
    plan = ctx.plan
    inplace: list[tuple[int, cst.ImportAlias]] = []
    pieces: list[Piece] = []
    extra: list[str] = []
    changed = False
    for index, alias in enumerate(statement.names):
        dotted_name, local = name_of(alias.name), local_of(alias)
        dotted = alias.asname is None
        if dotted_name in plan.shims:
            binding = rebind(statement, local, dotted_name, dotted, plan, ctx.meta, ctx)
            if binding.reason is not None:
                ctx.keep(dotted_name, statement, f"still imports {dotted_name}: {binding.reason}")
                inplace.append((index, alias))
                continue
            if binding.module is None and dissolving(ctx, statement, dotted_name):
                inplace.append((index, alias))
                continue
            changed = True
            ctx.out.exprs.update(binding.exprs)
            if binding.module is None:
                pieces.extend(binding.pieces)
                continue
            new_local = binding.module if dotted else local
            same = binding.module == dotted_name
            if same or not ctx.duplicate(statement, (binding.module, None, new_local)):
                inplace.append((index, alias_node(alias, binding.module, new_local)))
            extra.extend(binding.imports)
            continue
        moved = plan.moved(dotted_name)
        if moved is None:
            inplace.append((index, alias))
            continue
        if dotted:
            uses = uses_of(statement, dotted_name, ctx.meta)
            head = dotted_name.split(".")[0]
            if uses.other and moved.split(".")[0] != head:
                ctx.keep(dotted_name, statement, f"other code uses {head} through this import")
                inplace.append((index, alias))
                continue
            for use in uses.uses:
                ctx.out.exprs.update(replace(use, 0, moved))
        changed = True
        inplace.append((index, alias_node(alias, moved, moved if dotted else local)))
    if not changed:
        return
    new: list[Small] = []
    if inplace:
        new.append(statement.with_changes(names=keep_items(statement.names, inplace)))
    for module in extra:
        if not ctx.duplicate(statement, (module, None, module)):
            new.append(cst.Import(names=[cst.ImportAlias(name=dotted_expr(module))]))
    new.extend(statements_for(ctx, statement, None, pieces))
    ctx.record(statement, new)
