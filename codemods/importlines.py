"""A file's import lines, rewritten without parsing the rest of the file.

Parsing a whole file with LibCST is the slow part of a rewrite, and most files only need their
import statements re-pointed. Here `ast` finds the logical lines that hold imports, LibCST
parses those lines alone (together, as one small module), the same decisions and transformer
as for a whole module run on them, and each changed line's new text takes the place of its old
bytes. Nothing else in the file is ever decoded or rendered.

When that is not enough, `rewrite_import_lines` returns None and the caller parses the whole
module: a decision needs more than the import lines (the uses of a module binding, the names a
star import provides), an import shares its line with a compound statement (`if x: import y`),
the file is not UTF-8, or its lines end in a lone carriage return.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import count

import libcst as cst
from libcst.metadata import Scope

from codemods.layout import FileView, Layout, Statements, WholeModuleNeeded, bound_names

BOM = b"\xef\xbb\xbf"
NEWLINE = re.compile(rb"\r\n?|\n")  # LibCST's choice of a module's newline: the first one
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
    lines: tuple[int, ...]  # the line number of each import on it, in order


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
    lines = tuple(s.lineno for s in group if isinstance(s, IMPORTS))
    return ImportLine(first, last, indent, block, in_function, lines)


def locate(tree: ast.Module, physical: Sequence[bytes]) -> Located | None:
    """Every logical line with an import, or None when one cannot be cut out cleanly."""
    found: list[ImportLine] = []
    sizes: dict[int, int] = {}
    numbers = count(1)

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
            nested = in_function or isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
            for inner in _blocks_of(statement):
                if not walk(inner, next(numbers), nested):
                    return False
        return True

    if not walk(tree.body, 0, False):
        return None
    return Located(tuple(sorted(found, key=lambda line: line.first)), sizes)


class ImportLinesView(FileView):
    """The decisions' view of a file of which only the import lines were parsed."""

    def __init__(
        self,
        module: cst.Module,
        statements: Statements,
        lines: Mapping[int, int],
        indents: Mapping[int, str],
        tree: ast.Module,
    ) -> None:
        self.module = module
        self.statements = statements
        self.order = {id(node): i for i, node in enumerate(statements.imports)}
        self._lines = lines
        self._indents = indents
        self._tree = tree

    def source_of(self, node: cst.CSTNode, at: cst.CSTNode) -> str:
        # These lines were parsed on their own, so a line inside brackets keeps the block's
        # indentation; a whole module's node gives it relative to the block.
        text = self.module.code_for_node(node)
        indent = self._indents.get(id(at), "")
        if not indent:
            return text
        lines = text.split("\n")
        for number in range(1, len(lines)):
            joined = lines[number - 1].rstrip("\r").endswith("\\")
            if not joined and lines[number].startswith(indent):
                lines[number] = lines[number][len(indent) :]
        return "\n".join(lines)

    def line(self, node: cst.CSTNode) -> int:
        return self._lines.get(id(node), 0)

    @cached_property
    def rebound(self) -> frozenset[str]:
        return bound_names(self._tree)

    @property
    def layout(self) -> Layout:
        raise WholeModuleNeeded("the names the file uses")

    @property
    def scopes(self) -> Mapping[cst.CSTNode, Scope | None]:
        raise WholeModuleNeeded("the uses of a binding")

    @property
    def all_values(self) -> list[cst.List | cst.Tuple]:
        raise WholeModuleNeeded("the module's __all__")


@dataclass(frozen=True)
class Parsed:
    """The import lines parsed: the small module, one statement line per `ImportLine`."""

    located: Located
    module: cst.Module
    view: ImportLinesView
    newline: bytes


def _utf8(data: bytes) -> bool:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return False
    return encoding in ("utf-8", "utf-8-sig")


def parse_import_lines(data: bytes, physical: Sequence[bytes], tree: ast.Module) -> Parsed | None:
    """The file's import lines as one LibCST module, or None when they cannot stand alone."""
    located = locate(tree, physical)
    if located is None or not located.lines:
        return None
    if not physical[-1].endswith(b"\n") and located.lines[-1].last == len(physical) - 1:
        return None  # the last line has no newline: LibCST renders such a file's end itself
    match = NEWLINE.search(data)
    newline = match.group(0) if match else b"\n"
    pieces = [
        b"".join(physical[line.first : line.last + 1])[len(line.indent) :] for line in located.lines
    ]
    try:
        source = b"".join(pieces).decode("utf-8")
        module = cst.parse_module(
            source, cst.PartialParserConfig(default_newline=newline.decode("ascii"))
        )
    except (UnicodeDecodeError, cst.ParserSyntaxError, RecursionError):
        return None
    if len(module.body) != len(located.lines) or module.header:
        return None
    statements = Statements()
    blocks: dict[int, cst.CSTNode] = {0: module}
    lines: dict[int, int] = {}
    indents: dict[int, str] = {}
    for line, node in zip(located.lines, module.body, strict=True):
        if not isinstance(node, cst.SimpleStatementLine):
            return None
        imports = [s for s in node.body if isinstance(s, (cst.Import, cst.ImportFrom))]
        if len(imports) != len(line.lines):
            return None
        # Another block's placeholder: only who shares a block matters to the decisions.
        block = blocks.setdefault(line.block, cst.IndentedBlock(body=()))
        for statement, number in zip(imports, line.lines, strict=True):
            statements.imports.append(statement)
            statements.block[id(statement)] = block
            lines[id(statement)] = number
            indents[id(statement)] = line.indent.decode("utf-8")
            if line.in_function:
                statements.in_function.add(id(statement))
    return Parsed(
        located, module, ImportLinesView(module, statements, lines, indents, tree), newline
    )


Rewrite = Callable[
    [cst.SimpleStatementLine],
    "cst.SimpleStatementLine | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel",
]


def splice(
    data: bytes,
    physical: Sequence[bytes],
    parsed: Parsed,
    changed: Callable[[cst.SimpleStatementLine], bool],
    rewrite: Rewrite,
) -> bytes:
    """The file with each changed import line replaced by its rewrite; every other byte as it
    was. A block whose every line goes keeps a `pass` where its last line was."""
    located, module = parsed.located, parsed.module
    new: dict[int, bytes] = {}
    removed: dict[int, list[ImportLine]] = {}
    for line, node in zip(located.lines, module.body, strict=True):
        assert isinstance(node, cst.SimpleStatementLine)
        if not changed(node):
            continue
        result = rewrite(node)
        if isinstance(result, cst.RemovalSentinel):
            new[line.first] = b""
            removed.setdefault(line.block, []).append(line)
            continue
        nodes = result.nodes if isinstance(result, cst.FlattenSentinel) else (result,)
        new[line.first] = b"".join(
            line.indent + module.code_for_node(n).encode("utf-8") for n in nodes
        )
    for block, gone in removed.items():
        if block and len(gone) == located.block_sizes[block]:
            last = gone[-1]
            new[last.first] = last.indent + b"pass" + parsed.newline
    if not new:
        return data
    ends = {line.first: line.last for line in located.lines}
    out: list[bytes] = [BOM] if data.startswith(BOM) else []
    position = 0
    for first in sorted(new):
        out.extend(physical[position:first])
        out.append(new[first])
        position = ends[first] + 1
    out.extend(physical[position:])
    return b"".join(out)


def physical_lines(data: bytes) -> list[bytes] | None:
    """The file's lines as `ast` numbers them (BOM left out), or None for a file this path does
    not handle: not UTF-8, or with a carriage return that ends a line on its own."""
    if LONE_CR.search(data) or not _utf8(data):
        return None
    return (data[len(BOM) :] if data.startswith(BOM) else data).splitlines(keepends=True)


def view_of(data: bytes, tree: ast.Module) -> tuple[list[bytes], Parsed] | None:
    """Everything the import-lines path needs of a file (its bytes, and their `ast`), or None
    when it does not apply."""
    physical = physical_lines(data)
    if physical is None:
        return None
    parsed = parse_import_lines(data, physical, tree)
    return (physical, parsed) if parsed is not None else None
