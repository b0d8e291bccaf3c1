"""A file read and parsed with `ast` before the plan exists: whether it parses, and where its
import lines are.

This is most of a rewrite's work (parsing is), and none of it depends on the plan, so the
rewrite workers do it while the plan is being made. It needs no LibCST: a process that only
receives these values never loads it.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import count

from unshim.codemods.scan.collector import parse
from unshim.codemods.scan.newer import NEWER_SYNTAX, syntax_problem

BOM = b"\xef\xbb\xbf"
LONE_CR = re.compile(rb"\r(?!\n)")
INDENT = re.compile(rb"[ \t\f]*")
LINE_END = re.compile(rb"[ \t\f]*(?:;[ \t\f]*)?(?:#[^\r\n]*)?(?:\r?\n)?")
IMPORTS = (ast.Import, ast.ImportFrom)
COMPOUND = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.Match,
    *((ast.TryStar,) if hasattr(ast, "TryStar") else ()),
)


@dataclass(frozen=True)
class ImportLine:
    """One logical line holding imports (with whatever shares it through `;`)."""

    first: int  # index of its first physical line
    last: int  # index of its last physical line
    indent: bytes
    block: int  # the block it stands in; 0 is the module body
    in_function: bool  # runs when a function is called
    imports: tuple[ast.Import | ast.ImportFrom, ...]  # the imports on it, in order


@dataclass(frozen=True)
class Located:
    lines: tuple[ImportLine, ...]  # in source order
    block_sizes: Mapping[int, int]  # block -> how many logical lines it holds


def _blocks_of(statement: ast.stmt) -> Iterator[list[ast.stmt]]:
    for name in ("body", "orelse", "finalbody"):
        inner = getattr(statement, name, None)
        if isinstance(inner, list) and inner:
            yield inner
    for clause in getattr(statement, "handlers", ()) or getattr(statement, "cases", ()):
        yield clause.body


def _cut(
    group: list[ast.stmt], physical: Sequence[bytes], block: int, in_function: bool
) -> ImportLine | None:
    """The group's physical lines, when they hold nothing but the group (and a comment)."""
    head, tail = group[0], group[-1]
    first, last = head.lineno - 1, (tail.end_lineno or tail.lineno) - 1
    if any(isinstance(s, COMPOUND) for s in group) or last >= len(physical):
        return None
    indent = physical[first][: head.col_offset]
    if INDENT.fullmatch(indent) is None:
        return None  # `if x: import y`: the line belongs to a compound statement
    if LINE_END.fullmatch(physical[last][tail.end_col_offset or 0 :]) is None:
        return None
    imports = tuple(s for s in group if isinstance(s, IMPORTS))
    return ImportLine(first, last, indent, block, in_function, imports)


def locate(tree: ast.Module, physical: Sequence[bytes]) -> Located | None:
    """Every logical line with an import, or None when one cannot be cut out cleanly."""
    found: list[ImportLine] = []
    sizes: dict[int, int] = {}
    numbers = count(1)
    # Lines where the word `import` appears: a statement spanning none of them holds no
    # import, so the walk need not enter it (most of a file's code).
    marks = [number for number, line in enumerate(physical, 1) if b"import" in line]

    def holds_import(statement: ast.stmt) -> bool:
        at = bisect_left(marks, statement.lineno)
        return at < len(marks) and marks[at] <= (statement.end_lineno or statement.lineno)

    def walk(body: list[ast.stmt], block: int, in_function: bool) -> bool:
        groups: list[list[ast.stmt]] = []
        for statement in body:
            if groups and statement.lineno == groups[-1][-1].end_lineno:
                groups[-1].append(statement)  # `a = 1; import b`: one logical line
            else:
                groups.append([statement])
        sizes[block] = len(groups)
        for group in groups:
            if any(isinstance(s, IMPORTS) for s in group):
                line = _cut(group, physical, block, in_function)
                if line is None:
                    return False
                found.append(line)
        for statement in body:
            if not holds_import(statement):
                continue
            nested = in_function or isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
            for inner in _blocks_of(statement):
                if not walk(inner, next(numbers), nested):
                    return False
        return True

    if not walk(tree.body, 0, False):
        return None
    return Located(tuple(sorted(found, key=lambda line: line.first)), sizes)


@dataclass(frozen=True)
class Prepared:
    """A file's bytes, why it does not parse (None when it does), and where its import lines
    are (None when they cannot be cut out cleanly: the whole module is parsed then)."""

    data: bytes
    problem: str | None
    located: Located | None
    compiled: bool = False  # whether `prepare` compiled it (the cache may keep that it does)


def prepare(data: bytes, compiles: bool = False) -> Prepared:
    """Parse the file with `ast` and compile its tree (the grammar check: a file that does not
    compile is never written), then locate its import lines. The parse alone accepts what only
    the compiler refuses (`return` outside a function, say), which `compileall` reports.
    `compiles`: these bytes are known to compile (the cache says so), and are not compiled
    again; the compile of SymPy's 100 files costs its apply 0.1 s."""
    try:
        tree = parse(data)
        if not compiles:
            with warnings.catch_warnings():  # the file's SyntaxWarnings are not unshim's output
                warnings.simplefilter("ignore")
                compile(tree, "<unshim>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        why = syntax_problem(exc, _text(data))
        return Prepared(
            data, why if why.startswith(NEWER_SYNTAX) else f"does not parse ({why})", None
        )
    except ValueError as exc:
        return Prepared(data, f"does not parse ({exc})", None)
    except (RecursionError, MemoryError):
        return Prepared(data, "does not parse (too deeply nested)", None)
    physical = physical_lines(data)
    located = locate(tree, physical) if physical is not None else None
    return Prepared(data, None, located, compiled=not compiles)


def _text(data: bytes) -> str:
    """The text of a file `ast` rejected, for the reason (undecodable: no 3.12 construct)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return ""


def _utf8(data: bytes) -> bool:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return False
    return encoding in ("utf-8", "utf-8-sig")


def physical_lines(data: bytes) -> list[bytes] | None:
    """The file's lines as `ast` numbers them (BOM left out), or None for a file this path does
    not handle: not UTF-8, or with a carriage return that ends a line on its own."""
    if LONE_CR.search(data) or not _utf8(data):
        return None
    return split_lines(data)


def split_lines(data: bytes) -> list[bytes]:
    """The physical lines of a file `physical_lines` accepts."""
    return (data[len(BOM) :] if data.startswith(BOM) else data).splitlines(keepends=True)
