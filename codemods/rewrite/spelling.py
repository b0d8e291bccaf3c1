"""How a rewritten import is spelled: relative or absolute, and the LibCST nodes for it.

New statements are derived from the consumer's own nodes (`with_changes`), so its parentheses,
spacing and the comments inside a parenthesized import stay where they were.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

import libcst as cst

from unshim.codemods.names import package_of

PRAGMA = re.compile(r"#\s*(noqa|type:|pragma|pylint:|isort:|fmt:|nosec|mypy:|pyright:)")

Item = TypeVar("Item", cst.ImportAlias, cst.Element)


def dotted_expr(name: str) -> cst.Name | cst.Attribute:
    head, *rest = name.split(".")
    node: cst.Name | cst.Attribute = cst.Name(head)
    for part in rest:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def split_module(module: str) -> tuple[str, str]:
    """`a.b.c` -> (`a.b`, `c`); a top-level module has the parent ``."""
    parent, _, last = module.rpartition(".")
    return parent, last


def spec_for(consumer: str, is_package: bool, target: str, relative: bool) -> tuple[int, str]:
    """(level, module) for importing from `target` in `consumer`: relative when the consumer
    wrote a relative import and the target is in the same top-level package, else absolute."""
    package = package_of(consumer, is_package)
    if not relative or not package or package.split(".")[0] != target.split(".")[0]:
        return 0, target
    mine, theirs = package.split("."), target.split(".")
    common = 0
    while common < min(len(mine), len(theirs)) and mine[common] == theirs[common]:
        common += 1
    return len(mine) - common + 1, ".".join(theirs[common:])


def with_spec(node: cst.ImportFrom, level: int, module: str) -> cst.ImportFrom:
    return node.with_changes(
        relative=[cst.Dot() for _ in range(level)],
        module=dotted_expr(module) if module else None,
    )


def alias_node(like: cst.ImportAlias | None, name: str, asname: str | None) -> cst.ImportAlias:
    """An alias `name as asname`, keeping `like`'s commas and spacing. No `as` when the two
    are equal, unless the consumer wrote one (`X as X` re-exports in a stub)."""
    if like is None:
        new_as = cst.AsName(name=cst.Name(asname)) if asname and asname != name else None
        return cst.ImportAlias(name=dotted_expr(name), asname=new_as)
    new_name = like.name if _name_of(like.name) == name else dotted_expr(name)
    self_alias = like.asname is not None and _name_of(like.asname.name) == _name_of(like.name)
    if asname is None or (asname == name and not self_alias):
        # `expand_expr as expand` pointed at `expand` is just `expand`.
        return like.with_changes(name=new_name, asname=None)
    if like.asname is not None:
        kept = like.asname.name
        new_as = (
            like.asname
            if _name_of(kept) == asname
            else like.asname.with_changes(name=cst.Name(asname))
        )
        return like.with_changes(name=new_name, asname=new_as)
    return like.with_changes(name=new_name, asname=cst.AsName(name=cst.Name(asname)))


def _name_of(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = _name_of(node.value)
        return f"{head}.{node.attr.value}" if head else None
    return None


def _comment_of(comma: cst.Comma | cst.MaybeSentinel) -> cst.TrailingWhitespace | None:
    if isinstance(comma, cst.Comma) and isinstance(
        comma.whitespace_after, cst.ParenthesizedWhitespace
    ):
        first = comma.whitespace_after.first_line
        return first if first.comment is not None else None
    return None


def keep_items(original: Sequence[Item], chosen: Sequence[tuple[int, Item]]) -> list[Item]:
    """`chosen` (index into `original`, possibly changed node) as a valid sequence: the last one
    takes the comma the original last item had, so `( A,\\n B,\\n)` stays shaped like that."""
    items = [item for _, item in chosen]
    if not items or chosen[-1][0] == len(original) - 1:
        return items
    tail = original[-1].comma
    last = items[-1]
    comment = _comment_of(last.comma)
    if (
        comment is not None
        and isinstance(tail, cst.Comma)
        and isinstance(tail.whitespace_after, cst.ParenthesizedWhitespace)
    ):
        tail = tail.with_changes(
            whitespace_after=tail.whitespace_after.with_changes(first_line=comment)
        )
    items[-1] = last.with_changes(comma=tail)
    return items


def strip_paren_comment(node: cst.ImportFrom) -> cst.ImportFrom:
    """A second line split off a parenthesized import: the comment after `(` stays with the
    first one only."""
    lpar = node.lpar
    if lpar is None or not isinstance(lpar.whitespace_after, cst.ParenthesizedWhitespace):
        return node
    after = lpar.whitespace_after
    return node.with_changes(
        lpar=lpar.with_changes(
            whitespace_after=after.with_changes(
                first_line=after.first_line.with_changes(
                    comment=None, whitespace=cst.SimpleWhitespace("")
                ),
                empty_lines=(),
            )
        )
    )


def is_pragma(comment: cst.Comment | None) -> bool:
    return comment is not None and PRAGMA.search(comment.value) is not None
