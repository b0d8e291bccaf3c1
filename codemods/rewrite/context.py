"""What every import shape reads and records while one file's decisions are made.

`Context` holds the file (its view, task and the plan), what the file already imports where,
what the rewrite has produced so far (so a name is never imported twice, and a dissolved alias
never takes a name already taken), and the `Decisions` being built. The shapes in
`codemods.rewrite.shapes` decide; this module only keeps the books they share.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst
from libcst.helpers import get_full_name_for_node

from unshim.codemods.names import from_base
from unshim.codemods.outcome import ImportEdit, Kept, Location
from unshim.codemods.plan.values import FileTask, RewritePlan
from unshim.codemods.rewrite.bindings import Node
from unshim.codemods.rewrite.layout import FileView
from unshim.codemods.rewrite.spelling import spec_for, with_spec

Small = cst.BaseSmallStatement
Key = tuple[str, "str | None", str]  # (module, name or None for `import module`, local name)


@dataclass(frozen=True)
class Place:
    """Where the file already imports a key: its block, its position among the imports, its
    line."""

    block: cst.CSTNode
    order: int
    line: int


def spelled(key: Key) -> str:
    """The import that binds `key`, as the file would spell it absolutely."""
    module, name, local = key
    if name is None:
        return f"import {module}" + (f" as {local}" if local != module else "")
    return f"from {module} import {name}" + (f" as {local}" if local != name else "")


def dropped_note(key: Key, earlier: list[int], emitted: int | None) -> str:
    """Why the rewrite leaves out an import: the file already has it, or another rewritten
    statement brings it."""
    if earlier:
        where = f"line {earlier[0]} already imports it" if earlier[0] else "the file imports it"
    else:
        where = f"the rewrite of line {emitted} already imports it"
    return f"`{spelled(key)}` dropped as a duplicate: {where}"


class _Strings(cst.CSTVisitor):
    def __init__(self) -> None:
        self.strings: list[cst.SimpleString] = []

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.strings.append(node)


@dataclass
class Decisions:
    statements: dict[cst.CSTNode, list[Small]] = field(default_factory=dict)
    exprs: dict[Node, cst.BaseExpression] = field(default_factory=dict)
    sequences: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)  # `__all__` lists
    edits: list[ImportEdit] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)


def rewritten(plan: RewritePlan, module: str, name: str | None) -> bool:
    """An import of this goes through a shim or a moved module: it is being rewritten."""
    full = f"{module}.{name}" if name else module
    return module in plan.shims or full in plan.shims or plan.moved(full) is not None


def import_keys(node: ast.Import | ast.ImportFrom, task: FileTask) -> Iterator[Key]:
    """What an import binds, read from `ast`: the same keys `Context.keys` reads from LibCST."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, None, alias.asname or alias.name
        return
    base = from_base(task.module, task.is_package, node.module, node.level)
    if base is None or any(alias.name == "*" for alias in node.names):
        return
    for alias in node.names:
        yield base, alias.name, alias.asname or alias.name


def name_of(node: cst.CSTNode | None) -> str:
    return get_full_name_for_node(node) or "" if node is not None else ""


def local_of(alias: cst.ImportAlias) -> str:
    """The name an alias binds: its `as` name, or the imported name."""
    return name_of(alias.asname.name) if alias.asname is not None else name_of(alias.name)


class Context:
    def __init__(self, module: cst.Module, meta: FileView, task: FileTask, plan: RewritePlan):
        self.module = module
        self.meta = meta
        self.task = task
        self.plan = plan
        self.out = Decisions()
        self.statements = meta.statements
        self.taken: set[str] = set()  # names chosen for dissolved aliases so far
        # Imports the rewrite leaves alone, where they stand: a rewritten import that would
        # repeat one of them is dropped.
        self.existing: dict[Key, list[Place]] = {}
        found = [
            (self.order(s), self.suite(s), self.line(s), list(self.keys(s)))
            for s in meta.statements.imports
        ]
        found += [
            (at, block, node.lineno, list(import_keys(node, task)))
            for node, block, at in meta.other_imports
        ]
        for order, block, line, keys in sorted(found, key=lambda entry: entry[0]):
            for key in keys:
                if not rewritten(self.plan, key[0], key[1]):
                    self.existing.setdefault(key, []).append(Place(block, order, line))
        # (block, key) the rewrite produced, with the line of the statement it replaces
        self.emitted: dict[tuple[int, Key], int] = {}
        self.module_level: dict[Key, int] = {
            k: min(p.order for p in places)
            for k, places in self.existing.items()
            if any(isinstance(p.block, cst.Module) for p in places)
        }
        self.unregistered: set[str] = set()  # shims whose registration in `__init__` went
        # Why a rewritten statement lost an import, by the statement's id: `record` hands these
        # on with its edit, so a dropped duplicate is reported, not silent.
        self.dropped: dict[int, list[str]] = {}
        self._strings: list[cst.SimpleString] | None = None

    def line(self, node: cst.CSTNode) -> int:
        return self.meta.line(node)

    def order(self, statement: cst.CSTNode) -> int:
        """Position among the file's imports: what comes first runs first."""
        return self.meta.order.get(id(statement), -1)

    def suite(self, statement: cst.CSTNode) -> cst.CSTNode:
        return self.statements.block.get(id(statement), statement)

    def nested(self, statement: cst.CSTNode) -> bool:
        """Runs when a function is called, after every module-level import."""
        return id(statement) in self.statements.in_function

    def top(self, statement: cst.CSTNode) -> bool:
        return isinstance(self.suite(statement), cst.Module)

    def base(self, node: cst.ImportFrom) -> str | None:
        module = name_of(node.module) or None
        return from_base(self.task.module, self.task.is_package, module, len(node.relative))

    def keys(self, statement: cst.Import | cst.ImportFrom) -> Iterator[Key]:
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                yield name_of(alias.name), None, local_of(alias)
            return
        base = self.base(statement)
        if base is None or isinstance(statement.names, cst.ImportStar):
            return
        for alias in statement.names:
            yield base, name_of(alias.name), local_of(alias)

    def duplicate(self, statement: cst.CSTNode, key: Key) -> bool:
        """The file already binds `key` where this statement is: never import it twice. Only
        when nothing else in the file binds that name: `def Dummy(): from x import Dummy`
        needs its import. A drop is noted on the statement's edit, with the line that already
        imports it."""
        suite = self.suite(statement)
        order = self.order(statement)
        nested = self.nested(statement)
        earlier = [
            place.line
            for place in self.existing.get(key, [])
            if (
                (place.block is suite or isinstance(place.block, cst.Module))
                and place.order < order
            )
            or (isinstance(place.block, cst.Module) and nested)
        ]
        emitted = self.emitted.get((id(suite), key))
        self.emitted.setdefault((id(suite), key), self.line(statement))
        if isinstance(suite, cst.Module):
            self.module_level.setdefault(key, order)
        if emitted is None and not earlier:
            return False
        local = key[2].split(".")[0]
        if local in self.meta.rebound or any(
            other[2].split(".")[0] == local and other[:2] != key[:2] for other in self.existing
        ):
            return False
        self.dropped.setdefault(id(statement), []).append(dropped_note(key, earlier, emitted))
        return True

    def reuse(self, statement: cst.CSTNode, module: str, name: str | None) -> str | None:
        """The name a module-level import already binds `module.name` to, usable here."""
        order = self.order(statement)
        nested = self.nested(statement)
        for (owner, member, local), at in self.module_level.items():
            if (owner, member) == (module, name) and (at < order or nested):
                return local
        return None

    def fresh(self, member: str, local: str) -> str:
        """A name that collides with nothing in the file."""
        member = member.rpartition(".")[2]
        used = self.meta.layout.names | self.taken
        candidate = next((c for c in (member, f"{local}_{member}") if c not in used), None)
        number = 2
        while candidate is None:
            if f"{local}_{member}_{number}" not in used:
                candidate = f"{local}_{member}_{number}"
            number += 1
        self.taken.add(candidate)
        return candidate

    def strings(self) -> list[cst.SimpleString]:
        """The file's plain string literals, read once (patch targets look among them)."""
        if self._strings is None:
            found = _Strings()
            self.module.visit(found)
            self._strings = found.strings
        return self._strings

    def kept_at(self, shim: str, line: int, reason: str) -> Kept:
        return Kept(shim, reason, Location(self.task.path, line))

    def keep(self, shim: str, statement: cst.CSTNode, reason: str) -> None:
        self.out.kept.append(Kept(shim, reason, Location(self.task.path, self.line(statement))))

    def respell(self, statement: cst.ImportFrom, module: str) -> cst.ImportFrom:
        """The statement importing from `module` instead, relative if it was and can be."""
        level, rest = spec_for(
            self.task.module, self.task.is_package, module, bool(statement.relative)
        )
        return with_spec(statement, level, rest)

    def record(self, statement: cst.CSTNode, new: list[Small]) -> None:
        """The statement is replaced by `new`, unless that reads the same."""
        old = self.meta.source_of(statement, statement)
        rendered = [self.meta.source_of(node, statement) for node in new]
        if rendered == [old]:
            return  # every name already comes from where it lives
        before = old.strip().rstrip(";").strip()
        after = "\n".join(text.strip().rstrip(";").strip() for text in rendered)
        self.out.statements[statement] = new
        notes = tuple(self.dropped.pop(id(statement), ()))
        self.out.edits.append(
            ImportEdit(Location(self.task.path, self.line(statement)), before, after, notes)
        )
