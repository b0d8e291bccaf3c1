"""The uses of a module binding found with `ast`, as byte spans of the file.

A file that binds a shim module (`from pkg import shim`, `import pkg.shim as s`) used to be
parsed whole with LibCST for one reason: to find the uses of that binding. When `ast` alone can
tell which names are its uses (`astfacts.sole_module_binding`: nothing else in the file binds
the name), the uses come from the `ast` tree the file was checked with, each as the span of
bytes it covers; the rewrite then replaces those spans as text and parses nothing but the
import lines (`codemods.rewrite.importlines`).

The walk finds the same uses LibCST's does (`codemods.rewrite.layout.Layout`): the same chains
of attributes, the same stores, and the same outermost attribute within a call, which decides
what a use of `import a.b.c` is counted as. Where the two could disagree it declines, and the
whole module is parsed as before: a use inside an f-string (whose positions `ast` gives only
from Python 3.12), a name spelled as a match pattern's keyword (a name to LibCST, a string to
`ast`), a line that is not ASCII (where columns and bytes could part), a tree too deep to walk.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from unshim.codemods.rewrite.astfacts import NameFacts, sole_module_binding
from unshim.codemods.rewrite.bindings import Link, Span, Use, Uses


@dataclass(frozen=True)
class Load:
    """One name read outside the import statements."""

    name: ast.Name
    top: ast.Attribute | None  # the outermost `.attr` around it within its call


@dataclass
class _Walk:
    """One walk of the tree: every name read, which attribute each expression hangs off, and
    the names the walk cannot place exactly."""

    loads: dict[str, list[Load]] = field(default_factory=dict)
    attribute_of: dict[int, ast.Attribute] = field(default_factory=dict)
    declined: set[str] = field(default_factory=set)
    _tops: list[ast.Attribute | None] = field(default_factory=lambda: [None])

    def visit(self, node: ast.AST, in_fstring: bool) -> None:
        if isinstance(node, ast.Name):
            if in_fstring:
                self.declined.add(node.id)
            else:
                self.loads.setdefault(node.id, []).append(Load(node, self._tops[-1]))
            return
        if isinstance(node, ast.Attribute):
            self.attribute_of[id(node.value)] = node
            outermost = self._tops[-1] is None
            if outermost:
                self._tops[-1] = node
            self.visit(node.value, in_fstring)
            if outermost:
                self._tops[-1] = None
            return
        if isinstance(node, ast.MatchClass):
            self.declined.update(node.kwd_attrs)
        pushed = isinstance(node, ast.Call)
        if pushed:
            self._tops.append(None)  # as LibCST's walk: a call's parts start afresh
        in_fstring = in_fstring or isinstance(node, ast.JoinedStr)
        for child in ast.iter_child_nodes(node):
            self.visit(child, in_fstring)
        if pushed:
            self._tops.pop()


def _at(node: ast.expr) -> tuple[int, int]:
    return node.lineno, node.col_offset


class SpanFinder:
    """The uses of module-level import bindings in one file, from its `ast` tree."""

    def __init__(self, tree: ast.Module, facts: NameFacts, physical: Sequence[bytes]) -> None:
        self._facts = facts
        self._physical = physical
        self._starts = [0, *accumulate(len(line) for line in physical)]
        walk = _Walk()
        try:
            for statement in tree.body:
                walk.visit(statement, False)
        except RecursionError:
            walk = _Walk(declined={"*"})
        self._walk = walk

    def _span(self, node: ast.expr) -> Span | None:
        first, last = node.lineno, node.end_lineno or node.lineno
        if not all(line.isascii() for line in self._physical[first - 1 : last]):
            return None
        start = self._starts[first - 1] + node.col_offset
        end = self._starts[last - 1] + (node.end_col_offset or 0)
        return Span(start, end, first)

    def _chain(self, name: ast.Name) -> tuple[list[Link], list[ast.Attribute]] | None:
        links: list[Link] = []
        nodes: list[ast.Attribute] = []
        current: ast.expr = name
        while (parent := self._walk.attribute_of.get(id(current))) is not None:
            span = self._span(parent)
            if span is None:
                return None
            store = isinstance(parent.ctx, (ast.Store, ast.Del))
            links.append(Link(parent.attr, span, store))
            nodes.append(parent)
            current = parent
        return links, nodes

    def uses(self, line: int, local: str) -> Uses | None:
        """The uses of `local` as the module-level import on `line` binds it (for `import
        a.b.c`, the chains that start with `a` and spell `.b.c`); None when `ast` cannot tell
        them exactly."""
        parts = local.split(".")
        head, rest = parts[0], parts[1:]
        if "*" in self._walk.declined or head in self._walk.declined:
            return None
        count = sole_module_binding(self._facts, head, line)
        # In the order of the source, as LibCST's walk meets them (`ast` puts a function's
        # decorators after its body).
        loads = sorted(self._walk.loads.get(head, []), key=lambda x: _at(x.name))
        if count is None or count != len(loads):
            return None
        found: list[Use] = []
        other = 0
        for load in loads:
            name_span = self._span(load.name)
            chained = self._chain(load.name)
            if name_span is None or chained is None:
                return None
            links, nodes = chained
            if not rest:
                found.append(Use(name_span, tuple(links)))
                continue
            # As LibCST counts a dotted binding's uses: the chain spells `.b.c` and is the
            # outermost attribute within its call; any other is a use of a shorter prefix.
            outermost = nodes[-1] if nodes else None
            spelled = [link.attr for link in links[: len(rest)]] == rest
            if spelled and outermost is not None and load.top is outermost:
                found.append(Use(links[len(rest) - 1].node, tuple(links[len(rest) :])))
            else:
                other += 1
        return Uses(tuple(found), (), other)
