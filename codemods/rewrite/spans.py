"""The uses of a module binding found with `ast`, as byte spans of the file.

A file that binds a shim module (`from pkg import shim`, `import pkg.shim as s`) used to be
parsed whole with LibCST for one reason: to find the uses of that binding. When `ast` alone can
tell which names are its uses, they come from the `ast` tree, each as the span of bytes it
covers; the rewrite then replaces those spans as text and parses nothing but the import lines
(`codemods.rewrite.importlines`).

`ast` can tell when the import is the module's only binding of the name; a read in a function
is then a use unless that function, or one it stands in, binds the name too (a parameter, a
local). The walk finds the same uses LibCST's scope analysis does, with the same chains of
attributes, the same stores, and the same outermost attribute within a call (which decides
what a use of `import a.b.c` is counted as). Where the two could disagree it declines and the
whole module is parsed as before: a class body or a comprehension binding the name, `global`
or `nonlocal` of it, a walrus, a star import, a read before the import, a string LibCST may
read as an annotation naming it, a use inside an f-string (whose positions `ast` gives only
from Python 3.12), a name spelled as a match pattern's keyword (a name to LibCST, a string to
`ast`), a line that is not ASCII (where columns and bytes could part), a tree too deep to walk.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import NamedTuple

from unshim.codemods.rewrite.astfacts import names_in_strings
from unshim.codemods.rewrite.bindings import Link, Span, Use, Uses

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass
class Scope:
    """A scope inside the module: a function's (or lambda's), a class body, a comprehension;
    and the names bound in it."""

    function: bool
    bound: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Load:
    """One name read outside the import statements."""

    name: ast.Name
    top: ast.Attribute | None  # the outermost `.attr` around it within its call
    scopes: tuple[Scope, ...]  # the scopes it stands in, innermost last


class At(NamedTuple):
    """Where the walk is: inside an f-string; where a string may be an annotation."""

    fstring: bool = False
    typed: bool = False


@dataclass
class _Walk:
    """One walk of the tree: every name read and the scopes it is read in, the names each
    scope binds, which attribute each expression hangs off, and the names the walk cannot
    place exactly ("*": none)."""

    loads: dict[str, list[Load]] = field(default_factory=dict)
    module_bound: Counter[str] = field(default_factory=Counter)
    attribute_of: dict[int, ast.Attribute] = field(default_factory=dict)
    declined: set[str] = field(default_factory=set)
    # The strings LibCST may read as code (`codemods.rewrite.astfacts.names_in_strings`):
    # those in an annotation, a call, a subscript, or outside every function.
    strings: list[str] = field(default_factory=list)
    # The imports that run in the module's own scope, by line.
    top_imports: dict[int, list[ast.Import | ast.ImportFrom]] = field(default_factory=dict)
    _tops: list[ast.Attribute | None] = field(default_factory=lambda: [None])

    def bind(self, name: str, scopes: tuple[Scope, ...]) -> None:
        if not scopes:
            self.module_bound[name] += 1
            return
        scopes[-1].bound.add(name)
        if not scopes[-1].function:
            self.declined.add(name)  # a class's or a comprehension's own: left to LibCST

    def visit(self, node: ast.AST, at: At, scopes: tuple[Scope, ...]) -> None:
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                self.bind(node.id, scopes)
            elif at.fstring:
                self.declined.add(node.id)
            else:
                self.loads.setdefault(node.id, []).append(Load(node, self._tops[-1], scopes))
            return
        if isinstance(node, ast.Attribute):
            self.attribute_of[id(node.value)] = node
            outermost = self._tops[-1] is None
            if outermost:
                self._tops[-1] = node
            self.visit(node.value, at, scopes)
            if outermost:
                self._tops[-1] = None
            return
        if getattr(node, "type_params", None) or type(node).__name__ == "TypeAlias":
            self.declined.add("*")  # Python 3.12's annotation scopes: left to LibCST
        if isinstance(node, (*FUNCTIONS, ast.ClassDef, *COMPREHENSIONS)):
            self._scope(node, at, scopes)
            return
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if at.typed or not any(scope.function for scope in scopes):
                self.strings.append(node.value)
            return
        if isinstance(node, ast.AnnAssign):
            self.visit(node.target, at, scopes)
            self.visit(node.annotation, at._replace(typed=True), scopes)
            if node.value is not None:
                self.visit(node.value, at, scopes)
            return
        self._bindings(node, scopes)
        pushed = isinstance(node, ast.Call)
        if pushed:
            self._tops.append(None)  # as LibCST's walk: a call's parts start afresh
        if isinstance(node, (ast.Call, ast.Subscript)):
            at = at._replace(typed=True)  # `cast("T", x)`, `TypeVar("T", ...)`, `List["T"]`
        elif isinstance(node, ast.JoinedStr):
            at = at._replace(fstring=True)
        for child in ast.iter_child_nodes(node):
            self.visit(child, at, scopes)
        if pushed:
            self._tops.pop()

    def _bindings(self, node: ast.AST, scopes: tuple[Scope, ...]) -> None:
        """What the node binds by a name that is not an `ast.Name`."""
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for name in _bound_here(node):
                self.bind(name, scopes)
            if not scopes:
                self.top_imports.setdefault(node.lineno, []).append(node)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            self.declined.update(node.names)
        elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            self.declined.add(node.target.id)  # binds in the scope around a comprehension
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            self.bind(node.name, scopes)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            self.bind(node.rest, scopes)
        elif isinstance(node, ast.MatchClass):
            self.declined.update(node.kwd_attrs)  # a name to LibCST, a string to `ast`

    def _scope(self, node: ast.AST, at: At, scopes: tuple[Scope, ...]) -> None:
        """A function, class or comprehension: what runs where it stands (decorators,
        defaults, annotations, bases, the first iterable), then its own scope."""
        outer: list[ast.AST] = []
        annotations: list[ast.AST] = []
        inner: list[ast.AST] = []
        own = Scope(function=isinstance(node, FUNCTIONS))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.bind(node.name, scopes)
            outer.extend(node.decorator_list)
        if isinstance(node, FUNCTIONS):
            arguments = node.args
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
            outer.extend(arguments.defaults)
            outer.extend(d for d in arguments.kw_defaults if d is not None)
            annotations.extend(a.annotation for a in every if a.annotation is not None)
            own.bound.update(a.arg for a in every)
            if isinstance(node, ast.Lambda):
                inner.append(node.body)
            else:
                annotations.extend([node.returns] if node.returns is not None else [])
                inner.extend(node.body)
        elif isinstance(node, ast.ClassDef):
            outer.extend([*node.bases, *node.keywords])
            inner.extend(node.body)
        else:
            assert isinstance(node, COMPREHENSIONS)
            first, *rest = node.generators
            outer.append(first.iter)
            inner.extend([first.target, *first.ifs])
            for generator in rest:
                inner.extend([generator.target, generator.iter, *generator.ifs])
            if isinstance(node, ast.DictComp):
                inner.extend([node.key, node.value])
            else:
                inner.append(node.elt)
        for part in outer:
            self.visit(part, at, scopes)
        for part in annotations:
            self.visit(part, at._replace(typed=True), scopes)
        for part in inner:
            self.visit(part, at, (*scopes, own))


def _at(node: ast.stmt | ast.expr) -> tuple[int, int]:
    return node.lineno, node.col_offset


def _bound_here(statement: ast.Import | ast.ImportFrom) -> list[str]:
    return [alias.asname or alias.name.split(".")[0] for alias in statement.names]


class SpanFinder:
    """The uses of module-level import bindings in one file, from its `ast` tree."""

    def __init__(self, tree: ast.Module, physical: Sequence[bytes]) -> None:
        self._physical = physical
        self._starts = [0, *accumulate(len(line) for line in physical)]
        walk = _Walk()
        try:
            for statement in tree.body:
                walk.visit(statement, At(), ())
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
        loads = self._loads(line, head)
        if loads is None:
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

    def _loads(self, line: int, head: str) -> list[Load] | None:
        """The reads of `head` that read what the module-level import on `line` binds, in the
        order of the source: the import is the module's only binding of the name, and a read
        in a function is one unless that function, or one it stands in, binds the name too
        (a parameter, a local). None where that does not settle it: a class body or a
        comprehension binding the name, a `global` or `nonlocal` of it, a star import, a read
        before the import, a string that reads as code naming it (LibCST counts a string
        annotation as a use)."""
        walk = self._walk
        if "*" in walk.declined or head in walk.declined or walk.module_bound["*"]:
            return None
        at = [s for s in walk.top_imports.get(line, ()) if head in _bound_here(s)]
        if len(at) != 1 or walk.module_bound[head] != 1 or names_in_strings(walk.strings, head):
            return None
        every = walk.loads.get(head, [])
        start = (at[0].lineno, at[0].col_offset)
        if any(_at(load.name) < start for load in every):
            return None
        # In the order of the source, as LibCST's walk meets them (`ast` puts a function's
        # decorators after its body).
        ours = [x for x in every if not any(s.function and head in s.bound for s in x.scopes)]
        return sorted(ours, key=lambda x: _at(x.name))
