"""Newer grammar than the running `ast` has: which Python 3.12 construct a file that does not
parse uses, so that the reason names it and the interpreter that can read it (`syntax_problem`).

unshim reads every fact of a file with the running `ast` (the scanner is checked against it,
the rewrite locates import lines with it), so a file that only Python 3.12 parses is not
analyzed and never written, and a shim it names is kept; only the reason is better than
"invalid syntax". The construct is told precisely: LibCST, whose grammar is 3.12's, must parse
the whole file, and the running `ast` must have stopped inside the construct (a PEP 695
`type` statement or type parameters; an f-string that this `ast` rejects on its own, the
PEP 701 kind). Anything else is the syntax error it was.
"""

from __future__ import annotations

import ast
import sys
import warnings
from dataclasses import dataclass

NEWER = (3, 12)
NEWER_SYNTAX = "uses Python 3.12 syntax"  # how every such reason starts
RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


@dataclass(frozen=True)
class Construct:
    first: int  # the lines it spans
    last: int
    what: str  # "type statement", "f-string nesting the same quotes", ...


def _parses_here(code: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(code)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def _constructs(text: str) -> list[Construct]:
    """The 3.12 constructs of a text LibCST parses, in source order; [] when it does not."""
    import libcst as cst  # only for a file the running `ast` rejects
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        wrapper = MetadataWrapper(cst.parse_module(text))
    except (cst.ParserSyntaxError, RecursionError, MemoryError, ValueError):
        return []  # a syntax error of its own (or too deep): the reason stays the ast's
    module = wrapper.module
    positions = wrapper.resolve(PositionProvider)
    found: list[Construct] = []

    def add(node: cst.CSTNode, what: str) -> None:
        where = positions[node]
        found.append(Construct(where.start.line, where.end.line, what))

    def fstring(node: cst.FormattedString) -> str:
        fields = [
            module.code_for_node(part)  # `{...}`, its format spec included
            for part in node.parts
            if isinstance(part, cst.FormattedStringExpression)
        ]
        if any(node.quote[0] in field for field in fields):
            return "f-string nesting the same quotes"
        if any("\\" in field for field in fields):
            return "backslash in an f-string expression"
        if any("#" in field for field in fields):
            return "comment in an f-string expression"
        return "f-string expression over several lines"

    class Finder(cst.CSTVisitor):
        def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
            add(node, "type statement")

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            if node.type_parameters is not None:
                add(node.type_parameters, f"type parameters of def {node.name.value}")

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            if node.type_parameters is not None:
                add(node.type_parameters, f"type parameters of class {node.name.value}")

        def visit_FormattedString(self, node: cst.FormattedString) -> bool:
            # Whether this `ast` reads it is asked of the f-string alone, in parentheses
            # (it may span lines); one inside it is part of it.
            if not _parses_here(f"(\n{module.code_for_node(node)}\n)"):
                add(node, fstring(node))
            return False

    wrapper.visit(Finder())
    return sorted(found, key=lambda construct: construct.first)


def newer_construct(text: str, error_line: int | None) -> Construct | None:
    """The Python 3.12 construct the running `ast` stopped at (its error at `error_line`), or
    None: the running `ast` is 3.12 or newer, or the file has a syntax error of its own."""
    if sys.version_info >= NEWER or error_line is None:
        return None
    return next(
        (c for c in _constructs(text) if c.first <= error_line <= c.last),
        None,
    )


def syntax_problem(exc: SyntaxError, text: str) -> str:
    """Why a file that raised `exc` is not read: the newer construct and the interpreter that
    reads it, or the syntax error."""
    construct = newer_construct(text, exc.lineno)
    if construct is None:
        return f"syntax error at line {exc.lineno}: {exc.msg}"
    return (
        f"{NEWER_SYNTAX} (line {construct.first}: {construct.what}); unshim runs on "
        f"Python {RUNNING}: run it with Python 3.12 or newer to rewrite this file"
    )
