"""Where a file uses a name that an import bound to a module: `m.X`, `pkg.mod.X`, `"m.X"`.

When `ast` shows that nothing else in the file binds the name (most files), every `m` outside
the import statements is a use, and no scope analysis is needed. Otherwise LibCST's scope
analysis decides what is a use: a parameter or a local that happens to be called `m` is a
different binding, and is not reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from unshim.codemods.rewrite.layout import FileView

STRING_PREFIX = re.compile(r"^([rRbBuUfF]*)('''|\"\"\"|'|\")")


@dataclass(frozen=True)
class Span:
    """Where an expression stands in a file that was not parsed whole: its bytes from `start`
    to `end` (offsets into the file's lines, a BOM left out), starting on `line`. A use found
    with `ast` (`codemods.rewrite.spans`) is one; its replacement is spliced in as text."""

    start: int
    end: int
    line: int


Node = cst.CSTNode | Span  # what a use or its replacement is keyed by


@dataclass(frozen=True)
class Link:
    """One step of an attribute chain: `.attr`, and the expression that ends with it."""

    attr: str
    node: cst.BaseExpression | Span
    store: bool  # assigned to or deleted (`m.X = ...`), not read


@dataclass(frozen=True)
class Use:
    """One use of the binding: the attributes that follow it, outermost last."""

    node: Node  # the name (or dotted name) as used
    chain: tuple[Link, ...]  # empty: the module object itself is used
    annotation: cst.SimpleString | None = None  # the use is inside this string annotation


@dataclass(frozen=True)
class Uses:
    uses: tuple[Use, ...]
    ambiguous: tuple[Node, ...]  # uses where the name may mean something else too
    other: int  # uses of a shorter prefix bound by the same `import a.b.c` (`a.q`)


def _chain(node: cst.CSTNode, meta: FileView) -> tuple[Link, ...]:
    links: list[Link] = []
    current = node
    while True:
        parent = meta.layout.attribute_of.get(id(current))
        if parent is None or parent.value is not current:
            return tuple(links)
        store = id(parent) in meta.layout.stores
        links.append(Link(parent.attr.value, parent, store))
        current = parent


def _string_use(node: cst.SimpleString, local: str) -> Use | None:
    """`"m.X"` as a whole string annotation; anything more complex is not rewritten."""
    value = node.evaluated_value
    if not isinstance(value, str) or not value.startswith(local + "."):
        return None
    rest = value[len(local) + 1 :].split(".")
    if not all(part.isidentifier() for part in rest):
        return None
    return Use(node, tuple(Link(attr, node, False) for attr in rest), annotation=node)


def uses_of(statement: cst.CSTNode, local: str, meta: FileView) -> Uses:
    """Uses of the name `local` that `statement` (an import) binds. For `import a.b.c` the
    local is the dotted `a.b.c`; its uses are the chains that start with it."""
    found = meta.span_uses(statement, local)
    if found is None:
        found = ast_uses(statement, local, meta)
    return found if found is not None else scope_uses(statement, local, meta)


def ast_uses(statement: cst.CSTNode, local: str, meta: FileView) -> Uses | None:
    """`uses_of` without scope analysis, when `ast` shows nothing else binds the name (or the
    head of a dotted one); None when it cannot tell."""
    sole = meta.sole_uses(statement, local.split(".")[0])
    if sole is None:
        return None
    if "." in local:
        return _dotted_uses(sole, local, meta)
    return Uses(tuple(Use(node, _chain(node, meta)) for node in sole), (), 0)


def scope_uses(statement: cst.CSTNode, local: str, meta: FileView) -> Uses:
    """`uses_of` as LibCST's scope analysis finds them."""
    scope = meta.scopes.get(statement)
    if scope is None:
        return Uses((), (), 0)
    found: list[Use] = []
    ambiguous: list[cst.CSTNode] = []
    for assignment in scope.assignments[local]:
        if getattr(assignment, "node", None) is not statement:
            continue
        for access in assignment.references:
            node = access.node
            if len(access.referents) > 1:
                ambiguous.append(node)
            elif isinstance(node, cst.SimpleString):
                use = _string_use(node, local)
                if use is None:
                    ambiguous.append(node)
                else:
                    found.append(use)
            else:
                found.append(Use(node, _chain(node, meta)))
    other = 0
    parts = local.split(".")
    for depth in range(1, len(parts)):
        prefix = ".".join(parts[:depth])
        for assignment in scope.assignments[prefix]:
            if getattr(assignment, "node", None) is statement:
                other += len(assignment.references)
    return Uses(tuple(found), tuple(ambiguous), other)


def _dotted_uses(heads: list[cst.Name], local: str, meta: FileView) -> Uses:
    """The uses of `import a.b.c` from its head's names, when nothing else binds `a`, counted
    as LibCST counts them: a name is a use of `a.b.c` when the attribute chain it starts
    spells `.b.c` and is the outermost attribute around it in its call (`x[a.b.c].y` counts
    under `a`, as LibCST finds no dotted name there); any other is a use of a shorter prefix
    the same import binds (`other`)."""
    rest = local.split(".")[1:]
    found: list[Use] = []
    other = 0
    for head in heads:
        chain = _chain(head, meta)
        outermost = chain[-1].node if chain else head
        spelled = [link.attr for link in chain[: len(rest)]] == rest
        if spelled and meta.layout.top_of.get(id(head)) is outermost:
            found.append(Use(chain[len(rest) - 1].node, chain[len(rest) :]))
        else:
            other += 1
    return Uses(tuple(found), (), other)


def string_with(node: cst.SimpleString, text: str) -> cst.SimpleString:
    """The same string literal (prefix and quotes) with other contents."""
    match = STRING_PREFIX.match(node.value)
    prefix, quote = (match.group(1), match.group(2)) if match else ("", '"')
    return node.with_changes(value=f"{prefix}{quote}{text}{quote}")
