"""A file's import lines, rewritten without parsing the rest of the file.

Parsing a whole file with LibCST is the slow part of a rewrite, and most files only need their
import statements re-pointed. Here `ast` finds the logical lines that hold imports, LibCST
parses those of them the rewrite may change (together, as one small module; the file's other
imports are known from `ast`), the same decisions and transformer as for a whole module run on
them, and each changed line's new text takes the place of its old bytes. Nothing else in the
file is ever decoded or rendered.

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
from bisect import bisect_left
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
    imports = tuple(s for s in group if isinstance(s, (ast.Import, ast.ImportFrom)))
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


class ImportLinesView(FileView):
    """The decisions' view of a file of which only the import lines were parsed."""

    def __init__(
        self,
        module: cst.Module,
        statements: Statements,
        lines: Mapping[int, int],
        indents: Mapping[int, str],
        tree: ast.Module,
        order: dict[int, int],
        others: list[tuple[ast.Import | ast.ImportFrom, cst.CSTNode, int]],
    ) -> None:
        self.module = module
        self.statements = statements
        self.order = order
        self._lines = lines
        self._indents = indents
        self._tree = tree
        self._others = others

    @property
    def other_imports(self) -> list[tuple[ast.Import | ast.ImportFrom, cst.CSTNode, int]]:
        return self._others

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
    """The import lines that matter parsed: the small module, one statement line per line."""

    located: Located  # every import line of the file
    lines: tuple[ImportLine, ...]  # the ones parsed, in the order of `module.body`
    module: cst.Module
    view: ImportLinesView
    newline: bytes


def _utf8(data: bytes) -> bool:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return False
    return encoding in ("utf-8", "utf-8-sig")


def parse_import_lines(
    data: bytes,
    physical: Sequence[bytes],
    tree: ast.Module,
    relevant: Callable[[ast.Import | ast.ImportFrom], bool],
) -> Parsed | None:
    """The file's import lines that hold a `relevant` import, as one LibCST module; the other
    imports are known from `ast` alone. None when the lines cannot stand alone."""
    located = locate(tree, physical)
    if located is None:
        return None
    chosen = tuple(line for line in located.lines if any(map(relevant, line.imports)))
    if chosen and not physical[-1].endswith(b"\n") and chosen[-1].last == len(physical) - 1:
        return None  # the last line has no newline: LibCST renders such a file's end itself
    match = NEWLINE.search(data)
    newline = match.group(0) if match else b"\n"
    pieces = [b"".join(physical[line.first : line.last + 1])[len(line.indent) :] for line in chosen]
    try:
        source = b"".join(pieces).decode("utf-8")
        module = cst.parse_module(
            source, cst.PartialParserConfig(default_newline=newline.decode("ascii"))
        )
    except (UnicodeDecodeError, cst.ParserSyntaxError, RecursionError):
        return None
    if len(module.body) != len(chosen) or module.header:
        return None
    statements = Statements()
    # Placeholders for the blocks: only which imports share a block matters to the decisions.
    blocks: dict[int, cst.CSTNode] = {0: module}
    lines: dict[int, int] = {}
    indents: dict[int, str] = {}
    order: dict[int, int] = {}
    others: list[tuple[ast.Import | ast.ImportFrom, cst.CSTNode, int]] = []
    position = 0  # among all the file's imports
    parsed = iter(module.body)
    wanted = {line.first for line in chosen}
    for line in located.lines:
        block = blocks.setdefault(line.block, cst.IndentedBlock(body=()))
        if line.first not in wanted:
            for other in line.imports:
                others.append((other, block, position))
                position += 1
            continue
        node = next(parsed)
        if not isinstance(node, cst.SimpleStatementLine):
            return None
        imports = [s for s in node.body if isinstance(s, (cst.Import, cst.ImportFrom))]
        if len(imports) != len(line.imports):
            return None
        for statement, found in zip(imports, line.imports, strict=True):
            statements.imports.append(statement)
            statements.block[id(statement)] = block
            lines[id(statement)] = found.lineno
            indents[id(statement)] = line.indent.decode("utf-8")
            order[id(statement)] = position
            position += 1
            if line.in_function:
                statements.in_function.add(id(statement))
    view = ImportLinesView(module, statements, lines, indents, tree, order, others)
    return Parsed(located, chosen, module, view, newline)


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
    for line, node in zip(parsed.lines, module.body, strict=True):
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
    ends = {line.first: line.last for line in parsed.lines}
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


def view_of(
    data: bytes, tree: ast.Module, relevant: Callable[[ast.Import | ast.ImportFrom], bool]
) -> tuple[list[bytes], Parsed] | None:
    """Everything the import-lines path needs of a file (its bytes, and their `ast`), or None
    when it does not apply."""
    physical = physical_lines(data)
    if physical is None:
        return None
    parsed = parse_import_lines(data, physical, tree, relevant)
    return (physical, parsed) if parsed is not None else None
