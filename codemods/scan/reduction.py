"""The reduced source: the kept lines, the headers enclosing them with their sibling clauses
and decorators, each at its own line number, and a `pass` under a header that lost its whole
body (`reduced_source`). `ast` reads it in place of the whole file.
"""

from __future__ import annotations

from unshim.codemods.scan.blocks import Blocks
from unshim.codemods.scan.lexer import CLAUSES, DECORATED, HEADERS, IND, OPENERS


def reduced_source(reading: Blocks, kept: list[int]) -> str | None:
    """The kept lines with every line they need, each where it stands, or None."""
    lines, indents, keywords, parents = (
        reading.lines, reading.indents, reading.keywords, reading.parents
    )  # fmt: skip
    count = len(lines)
    included: set[int] = set()
    todo = list(kept)
    while todo:
        i = todo.pop()
        if i in included:
            continue
        included.add(i)
        keyword = keywords[i]
        indent = indents[i]
        parent = parents[i]
        if parent >= 0:
            if keywords[parent] not in HEADERS:
                return None
            todo.append(parent)
        elif indent:
            return None
        if keyword is None or keyword == "import" or keyword == "from":
            continue
        if keyword == "@":
            # A decorator belongs to the def or class that follows it at the same indent.
            j = i + 1
            while j < count and keywords[j] == "@" and indents[j] == indent:
                j += 1
            if j == count or indents[j] != indent or keywords[j] not in DECORATED:
                return None
            todo.append(j)
        elif keyword in DECORATED:
            j = i - 1
            while j >= 0 and keywords[j] == "@" and indents[j] == indent:
                todo.append(j)
                j -= 1
        if keyword in CLAUSES or keyword in OPENERS:
            # A clause cannot stand alone: keep all the headers of the compound statement.
            # The previous sibling of a clause is the nearest earlier line not indented deeper.
            opener = i
            while keywords[opener] in CLAUSES:
                j = opener - 1
                while j >= 0 and indents[j] > indent:
                    j -= 1
                if j < 0 or indents[j] != indent:
                    return None
                opener = j
            if keywords[opener] not in OPENERS:
                return None
            todo.append(opener)
            j = opener + 1
            while j < count:
                if indents[j] == indent and keywords[j] in CLAUSES:
                    todo.append(j)
                elif indents[j] <= indent:
                    break
                j += 1
    return _assemble(reading, sorted(included))


def _assemble(reading: Blocks, order: list[int]) -> str | None:
    """The included lines at their own line numbers, a `pass` under each emptied header."""
    text, lines, indents = reading.text, reading.lines, reading.indents
    pieces: list[str] = []
    written = 1  # the number of the next line of the reduced source
    line = 1  # the number in the file of the line starting at `position`
    position = 0
    for n, i in enumerate(order):
        match = lines[i]
        start, end = match.start(IND), match.end()
        line += text.count("\n", position, start)
        if line < written:
            return None
        pieces.append("\n" * (line - written))
        chunk = text[start:end]
        pieces.append(chunk)
        line += chunk.count("\n")
        written = line
        position = end
        if not reading.is_block_header(i):
            continue
        if n + 1 < len(order) and indents[order[n + 1]] > indents[i]:
            continue  # the block keeps some of its lines
        # The block lost all its lines: give it one that binds nothing and reports nothing.
        body = "case _: pass" if reading.keywords[i] == "match" else "pass"
        pieces.append(text[start : match.end(IND)] + " " + body + "\n")
        written += 1
    return "".join(pieces)
