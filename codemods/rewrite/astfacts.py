"""What `ast` tells about a file, far more cheaply than LibCST: the line of each import
statement and the names something other than an import binds. The decisions' views
(`codemods.rewrite.layout`, `codemods.rewrite.importlines`) use these for line numbers and for
whether a name is rebound.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from unshim.codemods.scan.collector import parse


def parse_or_none(data: bytes) -> ast.Module | None:
    """The file parsed by `ast`; None when it does not parse."""
    try:
        return parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def import_lines(tree: ast.Module) -> list[int]:
    """The line of every import statement, in source order (far cheaper than LibCST's
    positions). Only statement lists are walked: imports are never inside expressions."""
    lines: list[int] = []

    def walk(body: list[ast.stmt]) -> None:
        for statement in body:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                lines.append(statement.lineno)
                continue
            for name in ("body", "orelse", "finalbody"):
                inner = getattr(statement, name, None)
                if isinstance(inner, list):
                    walk(inner)
            for clause in getattr(statement, "handlers", ()) or getattr(statement, "cases", ()):
                walk(clause.body)

    walk(tree.body)
    return lines


def bound_names(tree: ast.Module) -> frozenset[str]:
    """Names bound by anything but an import: assignments, definitions, parameters, `except
    ... as`, `global`, match captures."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
    return frozenset(names)


def _mentions(value: str, local: str) -> bool:
    """Whether a string could be read as code that uses `local` (a string annotation, a name
    in `__all__`): it parses as an expression that holds the name. A docstring does not."""
    if local not in value:
        return False
    try:
        expression = ast.parse(value.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(isinstance(n, ast.Name) and n.id == local for n in ast.walk(expression))


def _bound_by(node: ast.AST) -> list[str]:
    """The names the node itself binds (an import's aliases each once, `*` as "*")."""
    if isinstance(node, ast.Name):
        return [] if isinstance(node.ctx, ast.Load) else [node.id]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [a.asname or a.name.split(".")[0] for a in node.names]
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return list(node.names)
    if isinstance(node, (ast.alias, ast.keyword)):
        return []  # an import's alias counted with its statement; `f(local=1)` binds nothing
    found = []
    for field in ("name", "arg", "rest"):  # definitions, parameters, handlers, match, type params
        value = getattr(node, field, None)
        if isinstance(value, str):
            found.append(value)
    return found


@dataclass(frozen=True)
class NameFacts:
    """What one walk of the tree tells about its names."""

    bindings: Mapping[str, int]  # how many times each name is bound
    loads: Mapping[str, int]  # how many times each name is read
    first_load: Mapping[str, tuple[int, int]]  # (line, column) of its first read
    strings: tuple[str, ...]  # every string constant
    top_imports: Mapping[int, tuple[ast.Import | ast.ImportFrom, ...]]  # module level, by line


def name_facts(tree: ast.Module) -> NameFacts:
    bindings: Counter[str] = Counter()
    loads: Counter[str] = Counter()
    first: dict[str, tuple[int, int]] = {}
    strings: list[str] = []
    for node in ast.walk(tree):
        bindings.update(_bound_by(node))
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            loads[node.id] += 1
            at = (node.lineno, node.col_offset)
            first[node.id] = min(first.get(node.id, at), at)  # the walk is breadth first
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.append(node.value)
    top: dict[int, list[ast.Import | ast.ImportFrom]] = {}
    for statement in _module_level(tree.body):
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            top.setdefault(statement.lineno, []).append(statement)
    return NameFacts(bindings, loads, first, tuple(strings), {k: tuple(v) for k, v in top.items()})


def sole_module_binding(facts: NameFacts, local: str, line: int) -> int | None:
    """How many uses the name has when every use of the name `local` in the file is a use of
    what the module-level import at `line` binds, so that `ast` alone tells which names are
    its uses: no other binding of the name anywhere (an assignment, a parameter, a `global`, a
    `del`, a comprehension variable, another import, any star import), no read of it before
    the import, and no string that reads as code naming it (LibCST counts a string annotation
    as a use). None when this does not hold: LibCST's scope analysis decides then, as it
    always did."""
    at = [s for s in facts.top_imports.get(line, ()) if local in _bound_by(s)]
    if len(at) != 1 or facts.bindings[local] != 1 or facts.bindings["*"]:
        return None
    start = (at[0].lineno, at[0].col_offset)
    if local in facts.first_load and facts.first_load[local] < start:
        return None
    if names_in_strings(facts.strings, local):
        return None
    return facts.loads[local]


def names_in_strings(strings: Iterable[str], local: str) -> bool:
    """Whether one of `strings` reads as code naming `local` (LibCST counts a string
    annotation as a use of the name)."""
    return any(_mentions(value, local) for value in strings)


def _module_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements that run in the module's own scope: blocks of `if`, `try`, `with`, `for`
    and `while` included, functions and classes left out."""
    found: list[ast.stmt] = []
    for statement in body:
        found.append(statement)
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(statement, name, None)
            if isinstance(inner, list):
                found.extend(_module_level(inner))
        for clause in getattr(statement, "handlers", ()) or getattr(statement, "cases", ()):
            found.extend(_module_level(clause.body))
    return found
