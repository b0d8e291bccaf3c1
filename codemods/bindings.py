"""Where a file uses a name that an import bound to a module: `m.X`, `pkg.mod.X`, `"m.X"`.

LibCST's scope analysis decides what is a use: a parameter or a local that happens to be called
`m` is a different binding, and is not reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodeRange, ExpressionContext, Scope

STRING_PREFIX = re.compile(r"^([rRbBuUfF]*)('''|\"\"\"|'|\")")


@dataclass(frozen=True)
class Link:
    """One step of an attribute chain: `.attr`, and the expression that ends with it."""

    attr: str
    node: cst.BaseExpression
    store: bool  # assigned to or deleted (`m.X = ...`), not read


@dataclass(frozen=True)
class Use:
    """One use of the binding: the attributes that follow it, outermost last."""

    node: cst.CSTNode  # the name (or dotted name) as used
    chain: tuple[Link, ...]  # empty: the module object itself is used
    line: int
    annotation: cst.SimpleString | None = None  # the use is inside this string annotation


@dataclass(frozen=True)
class Uses:
    uses: tuple[Use, ...]
    ambiguous: tuple[int, ...]  # lines where the name may mean something else too
    other: int  # uses of a shorter prefix bound by the same `import a.b.c` (`a.q`)


@dataclass(frozen=True)
class Metadata:
    scopes: Mapping[cst.CSTNode, Scope | None]
    parents: Mapping[cst.CSTNode, cst.CSTNode]
    contexts: Mapping[cst.CSTNode, ExpressionContext | None]
    positions: Mapping[cst.CSTNode, CodeRange]


def _chain(node: cst.CSTNode, meta: Metadata) -> tuple[Link, ...]:
    links: list[Link] = []
    current = node
    while True:
        parent = meta.parents.get(current)
        if not isinstance(parent, cst.Attribute) or parent.value is not current:
            return tuple(links)
        store = meta.contexts.get(parent) in (ExpressionContext.STORE, ExpressionContext.DEL)
        links.append(Link(parent.attr.value, parent, store))
        current = parent


def _string_use(node: cst.SimpleString, local: str, line: int) -> Use | None:
    """`"m.X"` as a whole string annotation; anything more complex is not rewritten."""
    value = node.evaluated_value
    if not isinstance(value, str) or not value.startswith(local + "."):
        return None
    rest = value[len(local) + 1:].split(".")
    if not all(part.isidentifier() for part in rest):
        return None
    links = tuple(Link(attr, node, False) for attr in rest)
    return Use(node, links, line, annotation=node)


def uses_of(statement: cst.CSTNode, local: str, meta: Metadata) -> Uses:
    """Uses of the name `local` that `statement` (an import) binds. For `import a.b.c` the
    local is the dotted `a.b.c`; its uses are the chains that start with it."""
    scope = meta.scopes.get(statement)
    if scope is None:
        return Uses((), (), 0)
    found: list[Use] = []
    ambiguous: list[int] = []
    for assignment in scope.assignments[local]:
        if getattr(assignment, "node", None) is not statement:
            continue
        for access in assignment.references:
            node = access.node
            line = meta.positions[node].start.line if node in meta.positions else 0
            if len(access.referents) > 1:
                ambiguous.append(line)
                continue
            if isinstance(node, cst.SimpleString):
                use = _string_use(node, local, line)
                if use is None:
                    ambiguous.append(line)
                else:
                    found.append(use)
                continue
            found.append(Use(node, _chain(node, meta), line))
    other = 0
    parts = local.split(".")
    for depth in range(1, len(parts)):
        prefix = ".".join(parts[:depth])
        for assignment in scope.assignments[prefix]:
            if getattr(assignment, "node", None) is statement:
                other += len(assignment.references)
    return Uses(tuple(found), tuple(ambiguous), other)


def string_with(node: cst.SimpleString, text: str) -> cst.SimpleString:
    """The same string literal (prefix and quotes) with other contents."""
    match = STRING_PREFIX.match(node.value)
    prefix, quote = (match.group(1), match.group(2)) if match else ("", '"')
    return node.with_changes(value=f"{prefix}{quote}{text}{quote}")
