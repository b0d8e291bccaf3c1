"""The recorded lines of a text (`Line`) and which of them are kept: they may report something.

`normalize` gives the text as the tokenizer sees it, `lex` its recorded lines and the kept
ones, `watched_lines` adds the lines naming a watched call, and `recorded_lines` is what
`scanner.top_level_definitions` reads. Lines too deeply bracketed for the lexer's pattern are
measured token by token (`_deep_line`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from unshim.codemods.scan.lexer import (
    BORING_STRING,
    F_STRING,
    FAST,
    IND,
    KEPT,
    KW,
    LEXER,
    LINE_HEAD,
    SURROGATE,
    TAIL,
    TOKEN,
    TOKENIZER_MAX_NESTING,
    WATCHED,
    WORD_CHAR,
)


class _DeepLine:
    """A line measured by `_deep_line`, read like the lexer's matches."""

    __slots__ = ("_keyword", "_spans", "lastgroup")

    def __init__(
        self, spans: dict[int, tuple[int, int]], keyword: str | None, kind: str | None
    ) -> None:
        self._spans = spans
        self._keyword = keyword
        self.lastgroup = kind

    def start(self, group: int = 0) -> int:
        return self._spans.get(group, (-1, -1))[0]

    def end(self, group: int = 0) -> int:
        return self._spans.get(group, (-1, -1))[1]

    def group(self, group: int) -> str | None:
        assert group == KW
        return self._keyword


Line = re.Match[str] | _DeepLine


def normalize(text: str) -> str | None:
    """The text as the tokenizer sees it, or None when the lexer does not model it."""
    if not FAST:
        return None
    if "\r" in text:
        # The tokenizer reads "\r\n" and a lone "\r" as "\n", inside strings too.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    if "\0" in text:
        return None  # `ast.parse` refuses null bytes
    if not text.isascii() and SURROGATE.search(text):
        return None  # not encodable: `ast.parse` fails
    return text


def _recorded(text: str) -> Iterator[Line | None]:
    """The recorded lines in order; a None means a lexical error, and ends them."""
    position = 0
    while True:
        match = None
        for match in LEXER.finditer(text, position):
            kind = match.lastgroup
            if kind == "end":
                return
            if kind == "deep":
                break
            yield match
        if match is None:
            return  # not reached: the pattern matches at every position
        deep = _deep_line(text, match.end(), len(text))
        if deep is None:
            yield None
            return
        if deep.lastgroup is not None:
            yield deep
        position = deep.end()


# The last text lexed and its recorded lines: `scan` and `shim_candidate` (or
# `top_level_definitions`) read the same text one after the other.
_LAST: list[tuple[str, list[Line | None]]] = []


def recorded_lines(text: str) -> list[Line | None]:
    if _LAST and _LAST[0][0] is text:
        return _LAST[0][1]
    lines = list(_recorded(text))
    _LAST[:] = [(text, lines)]
    return lines


def lex(text: str) -> tuple[list[Line], list[int]] | None:
    """The recorded lines of the text and which of them are kept (they may report
    something), or None on a lexical error."""
    lines = list(recorded_lines(text))
    if lines and lines[-1] is None:
        return None
    found: list[Line] = lines  # type: ignore[assignment]  # no None but last, checked
    kinds = [line.lastgroup for line in found]
    kept = [i for i, kind in enumerate(kinds) if kind in KEPT]
    if "inline" in kinds:
        # A statement after the colon (`try: import x`): `import` is a keyword, so a line
        # without the word holds no import (watched calls are found apart).
        kept += (
            i
            for i, kind in enumerate(kinds)
            if kind == "inline" and "import" in text[found[i].start(IND) : found[i].end()]
        )
        kept.sort()
    return found, kept


def _deep_line(text: str, start: int, end: int, keep: bool = False) -> _DeepLine | None:
    """The logical line at `start` measured token by token, or None on a lexical error.

    Its `lastgroup` is the kind the lexer would give it (None for a boring line without
    keyword, which is not recorded). With keep (see `watched_lines`) it is always kept.
    """
    head = LINE_HEAD.match(text, start, end)
    if head is None or text[head.end("ind")] == "\f":
        return None  # indentation the lexer does not measure
    keyword = head.group("kw")
    position = head.end()
    depth = 0
    boring = True
    tail = -1
    for token in TOKEN.finditer(text, position, end):
        if token.start() != position:
            return None  # something no token pattern reads
        position = token.end()
        kind = token.lastgroup
        if kind == "open":
            depth += 1
            if depth > TOKENIZER_MAX_NESTING:
                return None  # the tokenizer refuses it: "too many nested parentheses"
        elif kind == "close":
            depth -= 1
            if depth < 0:
                return None
        elif kind == "string":
            if boring:
                plain = BORING_STRING.match(text, token.start(), end)
                boring = plain is not None and plain.end() == position
        elif kind == "run":
            boring = boring and ";" not in token.group()
        elif kind == "comment" and not depth:
            tail = token.start()
        elif kind == "newline" and not depth:
            break
    else:
        return None  # the text ends inside brackets
    if tail < 0:
        tail = position - 1
    line_kind: str | None
    if keep:
        line_kind = "kept" if keyword else "line"
    elif keyword == "import" or keyword == "from":
        line_kind = "import"
    elif not boring:
        line_kind = "kept" if keyword else "line"
    elif keyword is None:
        line_kind = None
    elif keyword == "@":
        line_kind = "decorator"
    elif text[head.start("ind") : tail].rstrip().endswith(":"):
        line_kind = "header"
    else:
        line_kind = "inline"
    spans = {0: (start, position), IND: head.span("ind"), KW: head.span("kw")}
    spans[TAIL] = (tail, position)
    return _DeepLine(spans, keyword, line_kind)


def watched_lines(
    text: str, lines: list[Line], kept: list[int]
) -> tuple[list[Line], list[int]] | None:
    """Lines and kept lines once the lines naming a watched call are kept too.

    A watched name inside a recorded line keeps that line. One in a stretch of boring lines
    between recorded lines has that stretch read token by token: the logical line holding it
    is kept when the name is code or inside an f-string (a field may call it).
    """
    ends = [line.end() for line in lines]
    kept_at = {lines[i].start(IND) for i in kept}
    stretches: dict[int, list[int]] = {}
    for hit in WATCHED.finditer(text):
        at = hit.start()
        if at and WORD_CHAR.match(text, at - 1):
            continue  # the end of a longer name (`dispatch`)
        k = bisect.bisect_right(ends, at)
        if k < len(lines) and at >= lines[k].start(IND):
            kept_at.add(lines[k].start(IND))
        else:
            stretches.setdefault(k, []).append(at)
    extra: dict[int, list[Line]] = {}
    for k, hits in stretches.items():
        stop = lines[k].start(IND) if k < len(lines) else len(text)
        found: list[Line] = []
        for start in _lines_naming(text, ends[k - 1] if k else 0, stop, hits):
            naming = _deep_line(text, start, stop, keep=True)
            if naming is None:
                return None
            found.append(naming)
            kept_at.add(naming.start(IND))
        extra[k] = found
    if any(extra.values()):
        merged: list[Line] = []
        for k, line in enumerate(lines):
            merged += extra.get(k, ())
            merged.append(line)
        merged += extra.get(len(lines), ())
        lines = merged
    return lines, [i for i, line in enumerate(lines) if line.start(IND) in kept_at]


def _lines_naming(text: str, start: int, stop: int, hits: list[int]) -> list[int]:
    """The starts of the logical lines of text[start:stop] with a hit in code or f-string."""
    found: list[int] = []
    line = start
    depth = 0
    pending = iter(hits)
    hit = next(pending, stop)
    for token in TOKEN.finditer(text, start, stop):
        while hit < token.end():
            in_code = token.lastgroup == "run" or (
                token.lastgroup == "string" and F_STRING.match(text, token.start()) is not None
            )
            if hit >= token.start() and in_code and (not found or found[-1] != line):
                found.append(line)
            hit = next(pending, stop)
        kind = token.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "newline" and not depth:
            line = token.end()
    return found
