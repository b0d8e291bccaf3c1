"""What `ast` tells about a file, far more cheaply than LibCST: the line of each import
statement and the names something other than an import binds. The decisions' views
(`codemods.rewrite.layout`, `codemods.rewrite.importlines`) use these for line numbers and for
whether a name is rebound.
"""

from __future__ import annotations

import ast

from codemods.scan.collector import parse


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
