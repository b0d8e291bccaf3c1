"""What the indentation of the recorded lines says: which block holds each line, and the
context (`Context`: in a function, a class, under `if TYPE_CHECKING:`, in a guarded `try`) it
gives an import there (`Blocks`).
"""

from __future__ import annotations

import ast

from unshim.codemods.scan.collector import parse
from unshim.codemods.scan.facts import IMPORT_ERRORS
from unshim.codemods.scan.lexer import ASYNC, CLAUSES, HEADERS, IND, KW, TAIL
from unshim.codemods.scan.lines import Line
from unshim.codemods.scan.nodes import catches_import_error, is_type_checking

Context = tuple[bool, bool, bool, bool]  # in_function, in_class, type_checking, guarded
_NO_CONTEXT: Context = (False, False, False, False)


class Blocks:
    """The recorded lines of a file and what their indentation says about them."""

    def __init__(self, text: str, lines: list[Line]) -> None:
        self.text = text
        self.lines = lines
        self._indents: list[int] | None = None
        self._keywords: list[str | None] | None = None
        self._parents: list[int] | None = None
        self._blocks: dict[int, Context | None] = {-1: _NO_CONTEXT}

    # The tables below are built on first use: a file whose imports are all at the top level
    # needs none of them.
    @property
    def indents(self) -> list[int]:
        """The column of each line, a tab reaching the next multiple of 8 as for Python."""
        if self._indents is None:
            if "\t" in self.text:
                text = self.text
                self._indents = [
                    len(text[m.start(IND) : m.end(IND)].expandtabs(8)) for m in self.lines
                ]
            else:
                self._indents = [m.end(IND) - m.start(IND) for m in self.lines]
        return self._indents

    @property
    def keywords(self) -> list[str | None]:
        if self._keywords is None:
            self._keywords = [m.group(KW) for m in self.lines]
        return self._keywords

    @property
    def parents(self) -> list[int]:
        """parents[i]: the nearest earlier recorded line indented less than line i.

        In a file that parses, that is the header of the block holding line i: every line
        between them is in the block, so indented at least as much. Headers are all recorded.
        """
        if self._parents is None:
            indents = self.indents
            parents = [-1] * len(indents)
            stack: list[int] = []
            for i, indent in enumerate(indents):
                while stack and indents[stack[-1]] >= indent:
                    stack.pop()
                if stack:
                    parents[i] = stack[-1]
                stack.append(i)
            self._parents = parents
        return self._parents

    def is_block_header(self, i: int) -> bool:
        line = self.lines[i]
        content = self.text[line.start(IND) : line.start(TAIL)]
        return self.keywords[i] in HEADERS and content.rstrip().endswith(":")

    def context(self, i: int) -> tuple[Context, bool] | None:
        """The context of line i and whether it is nested; None if unsure."""
        line = self.lines[i]
        if line.end(IND) == line.start(IND):
            return _NO_CONTEXT, False
        parent = self.parents[i]
        if parent < 0:
            return None  # indented under nothing: not a file that parses
        block = self.block(parent)
        return None if block is None else (block, True)

    def block(self, header: int) -> Context | None:
        """The context of the statements directly in the block of a header line."""
        chain = []
        while header not in self._blocks:
            chain.append(header)
            header = self.parents[header]
        context = self._blocks[header]
        for header in reversed(chain):
            own = self._own(header) if context is not None else None
            if context is not None and own is not None:
                context = (
                    context[0] or own[0],
                    context[1] or own[1],
                    context[2] or own[2],
                    context[3] or own[3],
                )
            else:
                context = None
            self._blocks[header] = context
        return context

    def _own(self, i: int) -> Context | None:
        """What entering the block of header line i adds to the context; None if unsure."""
        if not self.is_block_header(i):
            return None
        keyword = self.keywords[i]
        line = self.lines[i]
        if keyword == "async":
            kind = ASYNC.match(self.text, line.end(KW))
            if kind is None:
                return None
            keyword = kind.group(1)
        if keyword == "def":
            return True, False, False, False
        if keyword == "class":
            return False, True, False, False
        if keyword == "if" or keyword == "elif":
            checking = self._type_checking(line)
            return None if checking is None else (False, False, checking, False)
        if keyword == "try":
            guarded = self._guarded(i)
            return None if guarded is None else (False, False, False, guarded)
        return _NO_CONTEXT

    def _type_checking(self, line: Line) -> bool | None:
        """Whether an `if`/`elif` header tests TYPE_CHECKING the way `collector` recognizes it."""
        test = self.text[line.end(KW) : line.start(TAIL)]
        if test.isascii() and "TYPE_CHECKING" not in test:
            return False
        try:
            node = parse(f"if{test}\n pass\n").body[0]
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        return isinstance(node, ast.If) and is_type_checking(node.test)

    def _guarded(self, i: int) -> bool | None:
        """Whether the `try` at line i has a handler catching ImportError; None if unsure."""
        indents, keywords = self.indents, self.keywords
        indent = indents[i]
        for j in range(i + 1, len(indents)):
            if indents[j] < indent or (indents[j] == indent and keywords[j] not in CLAUSES):
                break
            if indents[j] == indent and keywords[j] == "except":
                catches = self._catches(j)
                if catches is None or catches:
                    return catches
        return False

    def _catches(self, j: int) -> bool | None:
        line = self.lines[j]
        rest = self.text[line.end(KW) : line.start(TAIL)]
        if rest.replace("\\\n", " ").lstrip().startswith(":"):
            return True  # a bare `except:`
        if rest.isascii() and not any(name in rest for name in IMPORT_ERRORS):
            return False
        body = "\n pass\n" if rest.rstrip().endswith(":") else "\n"
        try:
            node = parse(f"try:\n pass\nexcept{rest}{body}").body[0]
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        handlers = getattr(node, "handlers", [])
        return bool(handlers) and catches_import_error(handlers[0])
