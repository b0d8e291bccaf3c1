"""What the decisions know about a file, computed as late and as cheaply as possible.

Two views answer the same questions. `codemods.importlines` gives the import lines alone, parsed
without the rest of the file, which is all most files need. `Metadata` is the whole module: a
walk over its statements (never into expressions) and the line numbers `ast` gives, with the
full walk and scope analysis only when a module binding's uses must be found.
"""

from __future__ import annotations

import ast
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider, Scope, ScopeProvider

from unshim.codemods.rewrite.astfacts import (
    NameFacts,
    bound_names,
    import_lines,
    name_facts,
    parse_or_none,
    sole_module_binding,
)

if TYPE_CHECKING:
    from unshim.codemods.rewrite.bindings import Node, Uses

# Nodes between a compound statement and the blocks it holds (`else:`, `except:`, `case`).
CLAUSES = (cst.If, cst.Else, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally, cst.MatchCase)


@dataclass
class Statements:
    """The import statements, where each stands, and the module-level `__all__` literals."""

    imports: list[cst.Import | cst.ImportFrom] = field(default_factory=list)
    block: dict[int, cst.CSTNode] = field(default_factory=dict)  # id(import) -> its block
    in_function: set[int] = field(default_factory=set)  # imports that run when called
    all_values: list[cst.List | cst.Tuple] = field(default_factory=list)


def _blocks(node: cst.CSTNode) -> Iterator[cst.BaseSuite]:
    for child in node.children:
        if isinstance(child, cst.BaseSuite):
            yield child
        elif isinstance(child, CLAUSES):
            yield from _blocks(child)


def _all_literal(small: cst.BaseSmallStatement) -> cst.List | cst.Tuple | None:
    if isinstance(small, cst.Assign):
        named = any(
            isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in small.targets
        )
    elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
        named = isinstance(small.target, cst.Name) and small.target.value == "__all__"
    else:
        return None
    value = small.value
    return value if named and isinstance(value, (cst.List, cst.Tuple)) else None


def statements_of(module: cst.Module) -> Statements:
    """One walk over statements only: expressions are never entered."""
    found = Statements()

    def walk(block: cst.CSTNode, body: Sequence[cst.CSTNode], in_function: bool) -> None:
        for statement in body:
            smalls: Sequence[cst.CSTNode] = ()
            if isinstance(statement, cst.SimpleStatementLine):
                smalls = statement.body
            elif isinstance(statement, cst.BaseSmallStatement):
                smalls = (statement,)  # the body of a one-line suite (`if x: import y`)
            for small in smalls:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    found.imports.append(small)
                    found.block[id(small)] = block
                    if in_function:
                        found.in_function.add(id(small))
                elif block is module and isinstance(small, cst.BaseSmallStatement):
                    literal = _all_literal(small)
                    if literal is not None:
                        found.all_values.append(literal)
            if isinstance(statement, cst.BaseCompoundStatement):
                nested = in_function or isinstance(statement, cst.FunctionDef)
                for suite in _blocks(statement):
                    walk(suite, suite.body, nested)

    walk(module, module.body, False)
    return found


class Layout(cst.CSTVisitor):
    """The full walk: the names the file uses, which expression each `.attr` hangs off, and
    which expressions are assigned to."""

    def __init__(self) -> None:
        self.names: set[str] = set()  # every name the file binds or reads
        self.attribute_of: dict[int, cst.Attribute] = {}  # id(expr) -> `expr.attr` around it
        self.stores: set[int] = set()  # ids of expressions assigned to or deleted
        # Name nodes outside import statements, by name, in walk order: with no other binding
        # of the name (`astfacts.sole_module_binding`), the uses of an import's binding.
        self.loads: dict[str, list[cst.Name]] = {}
        # id(Name) -> the outermost `.attr` around it inside the same call (LibCST's "top-level
        # attribute", which decides the dotted name a use of `import a.b.c` is counted under).
        self.top_of: dict[int, cst.Attribute | None] = {}
        self._not_names: set[int] = set()  # `.attr` and `keyword=`: Name nodes that bind nothing
        self._in_import = 0
        self._tops: list[cst.Attribute | None] = [None]

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.attribute_of[id(node.value)] = node
        self._not_names.add(id(node.attr))
        if self._tops[-1] is None:
            self._tops[-1] = node

    def leave_Attribute(self, original_node: cst.Attribute) -> None:
        if self._tops[-1] is original_node:
            self._tops[-1] = None

    def visit_Call(self, node: cst.Call) -> None:
        self._tops.append(None)

    def leave_Call(self, original_node: cst.Call) -> None:
        self._tops.pop()

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._not_names.add(id(node.keyword))

    def visit_Import(self, node: cst.Import) -> None:
        self._in_import += 1

    def leave_Import(self, original_node: cst.Import) -> None:
        self._in_import -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._in_import += 1

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._in_import -= 1

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._not_names:
            self.names.add(node.value)
            if not self._in_import:
                self.loads.setdefault(node.value, []).append(node)
                self.top_of[id(node)] = self._tops[-1]

    def _store(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Attribute):
            self.stores.add(id(node))
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                self._store(element.value)
        elif isinstance(node, cst.StarredElement):
            self._store(node.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._store(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._store(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._store(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._store(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._store(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._store(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._store(node.name)


class WholeModuleNeeded(Exception):
    """A decision needs more of the file than its import lines (the uses of a module binding,
    the names a star import provides): the whole module has to be parsed."""


class FileView(ABC):
    """The file as the decisions see it: its import statements, where each stands, and what
    else it binds. The parts a view cannot give raise WholeModuleNeeded."""

    module: cst.Module
    statements: Statements
    order: dict[int, int]  # id(import) -> its position among the file's imports

    @abstractmethod
    def line(self, node: Node) -> int: ...

    @property
    @abstractmethod
    def rebound(self) -> frozenset[str]:
        """Names something other than an import binds."""

    @property
    @abstractmethod
    def layout(self) -> Layout: ...

    @property
    @abstractmethod
    def scopes(self) -> Mapping[cst.CSTNode, Scope | None]: ...

    def sole_uses(self, statement: cst.CSTNode, local: str) -> list[cst.Name] | None:
        """The names `local` outside import statements, when `ast` shows the module-level
        `statement` is the only thing that binds it (`astfacts.sole_module_binding`): then
        each is a use of that binding, found without LibCST's scope analysis. None when that
        does not hold, or `ast` and LibCST count the names differently."""
        return None

    def span_uses(self, statement: cst.CSTNode, local: str) -> Uses | None:
        """The uses of what `statement` binds to `local`, found without parsing the whole file
        (as byte spans), when the view can tell; None otherwise."""
        return None

    @property
    def other_imports(self) -> list[tuple[ast.Import | ast.ImportFrom, cst.CSTNode, int]]:
        """Imports the view did not parse (none of them touches the plan), with their block
        and position among the file's imports."""
        return []

    @property
    def all_values(self) -> list[cst.List | cst.Tuple]:
        """The module-level `__all__` literals."""
        return self.statements.all_values

    def source_of(self, node: cst.CSTNode, at: cst.CSTNode) -> str:
        """The node's code as it reads where the statement `at` stands, its continuation lines
        relative to that statement's block (as LibCST renders a node out of its module)."""
        return self.module.code_for_node(node)


class Metadata(FileView):
    """The whole module, parsed; the expensive parts on first use only."""

    def __init__(
        self,
        module: cst.Module,
        data: bytes,
        lines: Sequence[int] = (),
        tree: ast.Module | None = None,
    ) -> None:
        self.module = module
        self.statements = statements_of(module)
        self.order = {id(node): i for i, node in enumerate(self.statements.imports)}
        self._wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self._data = data
        self._known_lines = lines  # from the scan, when it read the same bytes
        self._parsed = tree

    @cached_property
    def _tree(self) -> ast.Module | None:
        return self._parsed if self._parsed is not None else parse_or_none(self._data)

    @cached_property
    def _lines(self) -> dict[int, int]:
        imports = self.statements.imports
        lines = list(self._known_lines)
        if len(lines) != len(imports):
            lines = import_lines(self._tree) if self._tree is not None else []
        if len(lines) != len(imports):
            return {}
        return {id(node): line for node, line in zip(imports, lines, strict=True)}

    @cached_property
    def rebound(self) -> frozenset[str]:
        if self._tree is None:
            return frozenset(self.layout.names)  # unknown: every name might be
        return bound_names(self._tree)

    @cached_property
    def layout(self) -> Layout:
        layout = Layout()
        self.module.visit(layout)
        return layout

    @cached_property
    def scopes(self) -> Mapping[cst.CSTNode, Scope | None]:
        return self._wrapper.resolve(ScopeProvider)

    @cached_property
    def _names(self) -> NameFacts:
        assert self._tree is not None
        return name_facts(self._tree)

    def sole_uses(self, statement: cst.CSTNode, local: str) -> list[cst.Name] | None:
        line = self._lines.get(id(statement))
        if self._tree is None or line is None:
            return None
        count = sole_module_binding(self._names, local, line)
        found = self.layout.loads.get(local, [])
        return found if count == len(found) else None

    @cached_property
    def positions(self) -> Mapping[cst.CSTNode, CodeRange]:
        return self._wrapper.resolve(PositionProvider)

    def line(self, node: Node) -> int:
        if id(node) in self._lines:
            return self._lines[id(node)]
        position = self.positions.get(node) if isinstance(node, cst.CSTNode) else None
        return position.start.line if position else 0
