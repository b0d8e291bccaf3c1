"""Patch target: the string of `mock.patch("a.shim.X")`, `patch(...)` or
`monkeypatch.setattr("a.shim.X", v)`, which the plan retargets to where the rewritten code
looks X up now (`codemods.plan.patches`). Only the literal's content changes: its prefix and
quotes stay. A literal the plan names but the file does not hold as one plain string (an
implicit concatenation, say) is kept, with the reason, and that keeps the shim's imports too.
"""

from __future__ import annotations

import libcst as cst

from unshim.codemods.outcome import ImportEdit, Location
from unshim.codemods.plan.values import PatchTarget
from unshim.codemods.rewrite.context import Context

PATCH_TARGET = "patch target"  # the kind of its edits


def literal(node: cst.SimpleString, value: str) -> cst.SimpleString:
    """The same literal holding `value` (a dotted name: nothing to escape)."""
    return node.with_changes(value=f"{node.prefix}{node.quote}{value}{node.quote}")


def decide(ctx: Context, target: PatchTarget) -> None:
    line = target.location.line
    if target.kind == "object":
        # `patch.object(s, "X")`: `s` is the module the rewritten import binds; an import of
        # the shim kept in this file keeps the patch and the shim's imports (`codemods.apply`).
        module, _, name = target.before.rpartition(".")
        ctx.out.edits.append(
            ImportEdit(
                Location(ctx.task.path, line),
                f"patch.object({module}, {name!r})",
                f"patch.object({target.module}, {name!r})",
                ("the module object follows the rewritten import",),
                kind=PATCH_TARGET,
            )
        )
        return
    matches = [
        node
        for node in ctx.strings()
        if ctx.line(node) == line and node.evaluated_value == target.before
    ]
    if not matches:
        ctx.out.kept.append(
            ctx.kept_at(
                target.shim,
                line,
                f"tests patch {target.before!r} here, but not as one plain string literal the "
                "rewrite can change; the patch and the imports it depends on stay",
            )
        )
        return
    for node in matches:
        new = literal(node, target.after)
        ctx.out.exprs[node] = new
        ctx.out.edits.append(
            ImportEdit(Location(ctx.task.path, line), node.value, new.value, (), kind=PATCH_TARGET)
        )


def dissolving(ctx: Context, statement: cst.CSTNode, shim: str) -> bool:
    """A binding of `shim` about to become imports of its names: kept when a test patches a
    name through it, since `s.X()` looks X up when called and `from real import X` binds it
    at import, out of reach of any patch. The kept import keeps the patch as it is too."""
    patch = ctx.plan.patched(shim)
    if patch is None:
        return False
    ctx.keep(
        shim,
        statement,
        f"still imports {shim}: tests patch {patch.before!r} ({patch.location}), which "
        "reaches the uses through this binding when they run; importing the names instead "
        "would bind them before any patch",
    )
    return True
