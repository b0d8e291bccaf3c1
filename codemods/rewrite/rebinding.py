"""A module bound by an import (`import shim.mod as m`, `from pkg import mod`, `import
shim.mod`): rebind it to the one canonical module its uses reach, or dissolve it into imports
of the names it is used for, under names that collide with nothing in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import libcst as cst

from unshim.codemods.plan.values import RewritePlan, Target
from unshim.codemods.rewrite.bindings import Node, Use, Uses, string_with, uses_of
from unshim.codemods.rewrite.layout import FileView
from unshim.codemods.rewrite.spelling import dotted_expr, split_module

Resolved = list[tuple[Use, Target, int]]  # a use, where it leads, and how many links it takes


@dataclass(frozen=True)
class Piece:
    """What one imported name becomes: `from module import name as local`, or `import module
    as local` when name is None; `keep`: the consumer's alias stays as it is."""

    module: str
    name: str | None
    local: str
    alias: cst.ImportAlias | None = None  # the consumer's alias it replaces, for its formatting
    index: int = -1  # that alias's position in the statement
    keep: bool = False


@dataclass
class Binding:
    """A module binding resolved: rebind it to `module`, or dissolve it into `pieces`."""

    module: str | None = None
    pieces: list[Piece] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)  # dotted form: extra `import X` lines
    exprs: dict[Node, cst.BaseExpression] = field(default_factory=dict)
    reason: str | None = None  # kept, and why


class Names(Protocol):
    """How the file names things: an existing binding to reuse, or a new collision-free name."""

    def reuse(self, statement: cst.CSTNode, module: str, name: str | None) -> str | None: ...

    def fresh(self, member: str, local: str) -> str: ...


def import_of(target: Target) -> tuple[str, str | None]:
    """(module, name) to import for a target; a module object comes from its parent."""
    if target.name is not None:
        return target.module, target.name
    parent, last = split_module(target.module)
    return (parent, last) if parent else (target.module, None)


def _follow(plan: RewritePlan, shim: str, use: Use) -> tuple[Target, int] | None:
    """The target a chain `m.a.b...` reaches, and how many links it takes."""
    module = shim
    for depth, link in enumerate(use.chain, 1):
        table = plan.shims[module].names
        if link.attr in table:
            return table[link.attr], depth
        sub = f"{module}.{link.attr}"
        if sub not in plan.shims:
            return None
        module = sub
    target = plan.shims[module].module_target
    if target is None or module == shim:
        return None
    return Target(target, None), len(use.chain)


def _resolve(
    plan: RewritePlan, meta: FileView, shim: str, local: str, uses: Uses
) -> tuple[Resolved, list[Use], str]:
    resolved: Resolved = []
    bare: list[Use] = []
    for use in uses.uses:
        if not use.chain:
            bare.append(use)
            continue
        found = _follow(plan, shim, use)
        # The line only for a reason: LibCST's positions are a walk of the whole module.
        if found is None:
            return (
                [],
                [],
                (
                    f"uses {local}.{use.chain[0].attr} (line {meta.line(use.node)}), which has "
                    "no known canonical definer"
                ),
            )
        target, depth = found
        if use.chain[depth - 1].store:
            return (
                [],
                [],
                (
                    f"assigns to {local}.{use.chain[depth - 1].attr} (line "
                    f"{meta.line(use.node)}); that changes the shim's attribute"
                ),
            )
        resolved.append((use, target, depth))
    return resolved, bare, ""


def replace(use: Use, depth: int, text: str) -> dict[Node, cst.BaseExpression]:
    """The use, up to `depth` links, spelled `text` (parentheses and string quotes kept)."""
    if use.annotation is not None:
        rest = [link.attr for link in use.chain[depth:]]
        return {use.annotation: string_with(use.annotation, ".".join([text, *rest]))}
    node = use.chain[depth - 1].node if depth else use.node
    expr = dotted_expr(text)
    if isinstance(node, (cst.Name, cst.Attribute)):
        expr = expr.with_changes(lpar=node.lpar, rpar=node.rpar)
    return {node: expr}


def rebind(
    statement: cst.CSTNode,
    local: str,
    shim: str,
    dotted: bool,
    plan: RewritePlan,
    meta: FileView,
    names: Names,
) -> Binding:
    """What to do with the binding `local` of the shim module `shim` that `statement` makes.
    `dotted`: `import shim.mod` without `as`, used through its full name."""
    uses = uses_of(statement, local, meta)
    if uses.ambiguous:
        lines = ", ".join(str(meta.line(n)) for n in uses.ambiguous[:5])
        return Binding(reason=f"{local} may also name something else (line {lines})")
    resolved, bare, reason = _resolve(plan, meta, shim, local, uses)
    if reason:
        return Binding(reason=reason)
    entry = plan.shims[shim]
    owners = {t.module if dotted else import_of(t)[0] for _, t, _ in resolved}
    module: str | None = None
    if bare:
        module = entry.module_target
        if module is None or owners - {module}:
            return Binding(
                reason=f"uses the module object {local} itself (line "
                f"{meta.line(bare[0].node)}), and its names live in several modules"
            )
    elif not resolved:
        every = {t.module for t in entry.names.values() if t.name is not None}
        module = entry.module_target or (next(iter(every)) if len(every) == 1 else None)
        if module is None:
            return Binding(
                reason=f"imports {shim} but uses none of its names here, and they "
                "live in several modules"
            )
    elif len(owners) == 1:
        module = next(iter(owners))
    if dotted:
        return _dotted(shim, module, resolved, bare, uses.other)
    if module is not None:
        exprs: dict[Node, cst.BaseExpression] = {}
        for use, target, depth in resolved:
            name = import_of(target)[1]
            if depth != 1 or use.chain[0].attr != name or use.annotation is not None:
                exprs.update(replace(use, depth, f"{local}.{name}" if name else local))
        return Binding(module=module, exprs=exprs)
    return _dissolve(statement, local, resolved, names)


def _dissolve(statement: cst.CSTNode, local: str, resolved: Resolved, names: Names) -> Binding:
    """Uses reach several modules: import each name under a name free in the file."""
    binding = Binding()
    chosen: dict[tuple[str, str | None], str] = {}
    for use, target, depth in resolved:
        owner, name = import_of(target)
        if (owner, name) not in chosen:
            reuse = names.reuse(statement, owner, name)
            chosen[owner, name] = reuse or names.fresh(name or owner, local)
            if reuse is None:
                binding.pieces.append(Piece(owner, name, chosen[owner, name]))
        binding.exprs.update(replace(use, depth, chosen[owner, name]))
    return binding


def _dotted(
    shim: str, module: str | None, resolved: Resolved, bare: list[Use], other: int
) -> Binding:
    """`import shim.mod` used as `shim.mod.X`: import the canonical modules, rewrite chains."""
    modules = (
        [module] if module is not None else list(dict.fromkeys(t.module for _, t, _ in resolved))
    )
    head = shim.split(".")[0]
    if other and any(m.split(".")[0] != head for m in modules):
        return Binding(
            reason=f"other code uses {head} through this import, and the canonical "
            "module has another top-level name"
        )
    binding = Binding(module=modules[0], imports=modules[1:])
    for use, target, depth in resolved:
        text = f"{target.module}.{target.name}" if target.name else target.module
        binding.exprs.update(replace(use, depth, text))
    for use in bare:
        binding.exprs.update(replace(use, 0, modules[0]))
    return binding
