"""A fast reading of one file that gives exactly what `collector.file_facts` gives, or nothing.

`ast.parse` of every file of a large tree costs seconds, almost all of it spent on code that
holds no import and no reportable string. Here one compiled regular expression lexes the file
and skips, inside the regex engine, every "boring" logical line: one that opens no block, is no
import and holds nothing `file_facts` could report. It stops only at the other ones, the
"recorded" lines: block headers, decorators, imports, and the lines it cannot call boring.

* An import line of the usual shapes (`import a.b as c, d`, `from ..x import (y as z,  # c`)
  is read by a small exact parser. Its context (in a function, a class, under
  `if TYPE_CHECKING:`, in a `try` body that catches ImportError, nested) comes from the chain
  of headers enclosing it, found by indentation among the recorded lines.
* Every other kept line (a string that may be dotted or the argument of a watched call, a
  line with `;`, a block body after its colon like `try: import x`, an import of a rarer
  shape) goes through `ast` in a *reduced source*: those lines, the headers enclosing them
  with their sibling clauses (`elif`/`else`/`except`/...) and decorators, each at its own
  line number, and a `pass` where a header lost its whole body. The nodes of that source are
  those of the file under the same enclosing statements, so `file_facts` of it gives the same
  contexts, line numbers and visiting order.

When the lexer meets something it does not model exactly (form feeds indenting code,
f-strings whose replacement fields hold strings of the same quote, backslashes, comments or
newlines, a keyword glued to a string like `if"x"`, null bytes, lone surrogates) or the reduced
source does not parse, `scan` returns None and the caller reads the file with `ast`.

The answer is defined for text that `ast.parse` accepts. `scan` is no syntax check: on text
that does not parse it may return None or facts, so a caller that reports unparsable files must
not take a non-None answer as proof that the file parses.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize
from collections.abc import Iterator

from unshim.codemods.scan.blocks import Blocks
from unshim.codemods.scan.collector import file_facts, parse
from unshim.codemods.scan.facts import Facts, ImportStmt
from unshim.codemods.scan.import_lines import parse_import
from unshim.codemods.scan.lexer import (
    DECORATED,
    DEFINED_NAME,
    FAST,
    IND,
    KW,
    NOT_CODE_DEF,
    TAIL,
    TOP_DEF,
    WATCHED_WORDS,
)
from unshim.codemods.scan.lines import lex, normalize, recorded_lines, watched_lines
from unshim.codemods.scan.reduction import reduced_source


def scan(text: str) -> Facts | None:
    """`file_facts(parse(text), with_body=False)`, found fast; None when not sure."""
    normalized = normalize(text)
    if normalized is None:
        return None
    text = normalized
    found = lex(text)
    if found is None:
        return None
    lines, kept = found
    if any(word in text for word in WATCHED_WORDS):
        found = watched_lines(text, lines, kept)
        if found is None:
            return None
        lines, kept = found
    if not kept:
        return Facts((), (), None)
    reading = Blocks(text, lines)
    imports: list[ImportStmt] = []
    rest: list[int] = []
    number = 1  # the number of the line starting at `position`
    position = 0
    for i in kept:
        line = lines[i]
        keyword = line.group(KW)
        parsed = (
            parse_import(keyword, text[line.end(KW) : line.start(TAIL)])
            if keyword == "import" or keyword == "from"
            else None
        )
        context = reading.context(i) if parsed is not None else None
        if parsed is None or context is None:
            rest.append(i)
            continue
        start = line.start(IND)
        number += text.count("\n", position, start)
        position = start
        stop = line.start(TAIL)
        if text.find("\\", start, stop) >= 0:
            # The statement ends at its last token, before any `\`+newline and blank line.
            content = text[start:stop].rstrip()
            while content.endswith("\\"):
                content = content[:-1].rstrip()
            stop = start + len(content)
        (in_function, in_class, type_checking, guarded), nested = context
        imports.append(
            ImportStmt(
                number, number + text.count("\n", start, stop), *parsed,
                in_function=in_function, in_class=in_class, type_checking=type_checking,
                guarded=guarded, nested=nested,
            )
        )  # fmt: skip
    if not rest:
        return Facts(tuple(imports), (), None)
    reduced = reduced_source(reading, rest)
    if reduced is None:
        return None
    try:
        facts = file_facts(parse(reduced), with_body=False)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if imports and facts.imports:
        # Imports are visited in the order of the file, and the two kinds never share a line.
        imports = sorted(imports + list(facts.imports), key=lambda stmt: stmt.line)
    else:
        imports = imports or list(facts.imports)
    return Facts(tuple(imports), facts.strings, None)


def _definitions(normalized: str) -> Iterator[re.Match[str] | None]:
    """The column-0 `def`, `async def` and `class` statements, as `DEFINED_NAME` matches; a
    None means a lexical error, and ends them."""
    for line in recorded_lines(normalized):
        if line is None:
            yield None
            return
        if line.end(IND) == line.start(IND) and line.group(KW) in DECORATED:
            found = DEFINED_NAME.match(normalized, line.start(IND))
            if found is not None:
                yield found


def shim_candidate(text: str) -> bool:
    """False only when the module surely has top-level real code (a def or a class).

    A column-0 `def`/`class` (but `def __getattr__`/`def __dir__`) is real code when it is a
    statement and not text inside a string: the lexer, which records every keyword line,
    decides. Anything unsure answers True: reading the body with `ast` is then merely slower.
    """
    if TOP_DEF.search(text) is None:
        return True
    normalized = normalize(text)
    if normalized is None:
        return True
    for found in _definitions(normalized):
        if found is None:
            return True
        if not NOT_CODE_DEF.match(normalized, found.start()):
            return False
    return True


def top_level_definitions(text: str) -> frozenset[str] | None:
    """The names of the column-0 `def`s and `class`es (`ast`'s `tree.body` definitions), found
    by the lexer, so none inside a string; None when not sure. Far cheaper than a parse."""
    if not FAST:
        return None
    normalized = normalize(text)
    if normalized is None:
        return None
    names: set[str] = set()
    for found in _definitions(normalized):
        if found is None:
            return None
        names.add(found.group(1))
    return frozenset(names)


def decode_source(data: bytes) -> str | None:
    """The text of a source file as `ast.parse(data)` reads it (BOM, PEP 263), or None."""
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    head = data if second < 0 else data[:second]
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8) or b"coding" in head:
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError:
            return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def scan_file_bytes(data: bytes) -> Facts | None:
    """`scan` of a file's bytes, decoded like the tokenizer does; None when undecodable."""
    text = decode_source(data)
    return None if text is None else scan(text)
