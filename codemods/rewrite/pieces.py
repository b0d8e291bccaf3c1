"""The pieces a shape decided (`rebinding.Piece`: one imported name each), as statements.

Pieces are grouped by the module they come from, in the order the names came; a piece the file
already imports where the statement stands is dropped. A group that replaces names of the
consumer's own statement is derived from that statement, so its formatting stays.
"""

from __future__ import annotations

import libcst as cst

from unshim.codemods.rewrite.context import Context, Small
from unshim.codemods.rewrite.rebinding import Piece
from unshim.codemods.rewrite.spelling import (
    alias_node,
    dotted_expr,
    keep_items,
    strip_paren_comment,
)


def statements_for(
    ctx: Context, statement: cst.CSTNode, like: cst.ImportFrom | None, pieces: list[Piece]
) -> list[Small]:
    """The pieces as statements: one per module, in the order the names came, without
    duplicates of what the file already imports."""
    groups: dict[tuple[str, str | None], list[Piece]] = {}
    own = ctx.base(like) if like is not None else None
    for piece in pieces:
        if piece.keep:
            groups.setdefault(("", None), []).append(piece)
            continue
        if piece.module == own and piece.name is not None and piece.alias is not None:
            groups.setdefault(("", None), []).append(piece)  # same module: same statement
            continue
        if ctx.duplicate(statement, (piece.module, piece.name, piece.local)):
            continue
        key = (piece.module, None if piece.name is not None else piece.local)
        groups.setdefault(key, []).append(piece)
    original = (
        list(like.names) if like is not None and not isinstance(like.names, cst.ImportStar) else []
    )
    new: list[Small] = []
    for (module, imported_as), members in groups.items():
        node: Small
        if module and imported_as is not None:
            local = imported_as if imported_as != module else None
            node = cst.Import(names=[alias_node(None, module, local)])
        elif like is not None and all(p.alias is not None for p in members):
            chosen = [
                (p.index, p.alias if p.keep else alias_node(p.alias, p.name or "", p.local))
                for p in members
                if p.alias is not None
            ]
            node = like if not module else ctx.respell(like, module)
            node = node.with_changes(names=keep_items(original, chosen))
        else:
            aliases = [alias_node(None, p.name or "", p.local) for p in members]
            base = (
                like
                if like is not None
                else cst.ImportFrom(module=dotted_expr(module), names=aliases)
            )
            node = ctx.respell(base, module).with_changes(names=aliases, lpar=None, rpar=None)
        if new and isinstance(node, cst.ImportFrom):
            node = strip_paren_comment(node)
        new.append(node)
    return new
