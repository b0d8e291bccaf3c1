"""What to do with each import of one file, decided before anything is changed.

`decide` reads the parsed file and the plan and returns `Decisions`: for each import statement
the statements that replace it, for each use of a rebound or dissolved module the expression
that replaces it, the `__all__` entries to drop, and what stays and why. Each import statement
goes to the shape that decides it (`SHAPES`, one module of `codemods.rewrite.shapes` each);
what depends on every statement comes after (`AFTER_STATEMENTS`). The transformer in
`codemods.rewrite.applier` only carries the decisions out.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import libcst as cst

from unshim.codemods.names import from_base
from unshim.codemods.plan.values import FileTask, RewritePlan
from unshim.codemods.rewrite.context import Context, Decisions, import_keys, rewritten
from unshim.codemods.rewrite.layout import FileView
from unshim.codemods.rewrite.shapes import (
    all_entries,
    from_import,
    module_import,
    patch_target,
    star_import,
)

# Which shape decides an import statement, by its kind (see `shape_of`). Parent registrations
# are from-imports: `shapes.from_import` asks `shapes.registration` about each.
SHAPES: dict[str, Callable[[Context, Any], None]] = {
    "module import": module_import.decide,
    "from-import": from_import.decide,
    "star import": star_import.decide,
    # Not an import: the string of a test's patch the plan retargets (`plan.patches_in`).
    patch_target.PATCH_TARGET: patch_target.decide,
}
# What is decided once every statement is: `__all__` loses the registrations that went.
AFTER_STATEMENTS: tuple[Callable[[Context], None], ...] = (all_entries.drop_unregistered,)


def shape_of(statement: cst.Import | cst.ImportFrom) -> str:
    if isinstance(statement, cst.Import):
        return "module import"
    return "star import" if isinstance(statement.names, cst.ImportStar) else "from-import"


def touches_plan(node: ast.Import | ast.ImportFrom, task: FileTask, plan: RewritePlan) -> bool:
    """Whether the decisions may change this import (else it only matters as what the file
    already imports)."""
    if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
        base = from_base(task.module, task.is_package, node.module, node.level)
        return base is not None and rewritten(plan, base, None)
    return any(rewritten(plan, module, name) for module, name, _ in import_keys(node, task))


def decide(module: cst.Module, meta: FileView, task: FileTask, plan: RewritePlan) -> Decisions:
    """Every change to one file, decided from its parse and the plan."""
    ctx = Context(module, meta, task, plan)
    for statement in meta.statements.imports:
        SHAPES[shape_of(statement)](ctx, statement)
    for target in plan.patches_in(task.path):
        SHAPES[patch_target.PATCH_TARGET](ctx, target)
    for finish in AFTER_STATEMENTS:
        finish(ctx)
    return ctx.out
