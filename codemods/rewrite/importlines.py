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
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, pairwise

import libcst as cst
from libcst.metadata import Scope

from unshim.codemods.rewrite.astfacts import bound_names
from unshim.codemods.rewrite.bindings import Node, Span, Uses
from unshim.codemods.rewrite.layout import FileView, Layout, Statements, WholeModuleNeeded
from unshim.codemods.rewrite.located import BOM, ImportLine, Located, Prepared, split_lines
from unshim.codemods.rewrite.spans import SpanFinder
from unshim.codemods.scan.collector import parse

NEWLINE = re.compile(rb"\r\n?|\n")  # LibCST's choice of a module's newline: the first one


class ImportLinesView(FileView):
    """The decisions' view of a file of which only the import lines were parsed."""

    def __init__(
        self,
        module: cst.Module,
        statements: Statements,
        lines: Mapping[int, int],
        indents: Mapping[int, str],
        data: bytes,
        order: dict[int, int],
        others: list[tuple[ast.Import | ast.ImportFrom, cst.CSTNode, int]],
        physical: Sequence[bytes] = (),
    ) -> None:
        self.module = module
        self._physical = physical
        self.statements = statements
        self.order = order
        self._lines = lines
        self._indents = indents
        self._data = data
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

    def line(self, node: Node) -> int:
        if isinstance(node, Span):
            return node.line
        return self._lines.get(id(node), 0)

    @cached_property
    def _tree(self) -> ast.Module:
        return parse(self._data)  # it parsed when it was prepared: the ast tree is not kept

    @cached_property
    def rebound(self) -> frozenset[str]:
        return bound_names(self._tree)  # rarely asked

    @cached_property
    def _spans(self) -> SpanFinder:
        return SpanFinder(self._tree, self._physical)

    def span_uses(self, statement: cst.CSTNode, local: str) -> Uses | None:
        line = self._lines.get(id(statement))
        return None if line is None else self._spans.uses(line, local)

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


def parse_import_lines(
    data: bytes,
    physical: Sequence[bytes],
    located: Located,
    relevant: Callable[[ast.Import | ast.ImportFrom], bool],
) -> Parsed | None:
    """The file's import lines that hold a `relevant` import, as one LibCST module; the other
    imports are known from `ast` alone. None when the lines cannot stand alone."""
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
    view = ImportLinesView(module, statements, lines, indents, data, order, others, physical)
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
    respelled: bool = False,
) -> bytes:
    """The file with each changed import line replaced by its rewrite; every other byte as it
    was. A block whose every line goes keeps a `pass` where its last line was. `respelled`:
    `physical` holds uses respelled (`respell`), so the file changed even with no import."""
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
        return (BOM if data.startswith(BOM) else b"") + b"".join(physical) if respelled else data
    ends = {line.first: line.last for line in parsed.lines}
    out: list[bytes] = [BOM] if data.startswith(BOM) else []
    position = 0
    for first in sorted(new):
        out.extend(physical[position:first])
        out.append(new[first])
        position = ends[first] + 1
    out.extend(physical[position:])
    return b"".join(out)


def respell(
    physical: Sequence[bytes], parsed: Parsed, texts: Mapping[Span, str]
) -> list[bytes] | None:
    """The file's lines with the bytes of each span replaced by its text. None when a span
    stands on an import line that was parsed (that line is rendered from its parse) or two
    spans overlap: the whole module is parsed then."""
    parsed_lines = {n for line in parsed.lines for n in range(line.first, line.last + 1)}
    starts = [0, *accumulate(len(line) for line in physical)]
    spans = sorted(texts, key=lambda span: span.start)
    if any(a.end > b.start for a, b in pairwise(spans)):
        return None
    out = list(physical)
    for span in reversed(spans):  # a later span first: an earlier one's offsets still hold
        first = bisect_right(starts, span.start) - 1
        last = max(first, bisect_left(starts, span.end) - 1)
        if parsed_lines.intersection(range(first, last + 1)):
            return None
        joined = b"".join(out[first : last + 1])
        cut = span.start - starts[first], span.end - starts[first]
        out[first] = joined[: cut[0]] + texts[span].encode("utf-8") + joined[cut[1] :]
        out[first + 1 : last + 1] = [b""] * (last - first)
    return out


def view_of(
    prepared: Prepared, relevant: Callable[[ast.Import | ast.ImportFrom], bool]
) -> tuple[list[bytes], Parsed] | None:
    """Everything the import-lines path needs of a prepared file, or None when it does not
    apply."""
    if prepared.located is None:
        return None  # located only where `physical_lines` accepted the file
    physical = split_lines(prepared.data)
    parsed = parse_import_lines(prepared.data, physical, prepared.located, relevant)
    return (physical, parsed) if parsed is not None else None
