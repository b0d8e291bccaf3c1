"""A fast reading of one file that gives exactly what `facts.file_facts` gives, or nothing.

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

import ast
import bisect
import codecs
import io
import re
import sys
import tokenize
from collections.abc import Iterator

from codemods.scan.facts import (
    IMPORT_ERRORS,
    Alias,
    Facts,
    ImportStmt,
    _catches_import_error,
    _is_type_checking,
    file_facts,
    parse,
)

# Possessive quantifiers (`*+`, `++`) keep the regular expressions linear: a line that fails
# is given up at once instead of being retried in exponentially many ways. They exist from
# Python 3.11; on 3.10 `scan` answers None and every file goes through `ast` (slower, same).
FAST = sys.version_info >= (3, 11)

# Bracket nesting the lexer follows. Each level repeats the token patterns (compiling them
# costs about 10 ms a level); the rare deeper line is measured in Python (`_deep_line`).
_MAX_DEPTH = 6
_TOKENIZER_MAX_NESTING = 200  # CPython's MAXLEVEL: deeper brackets are a syntax error

# Keywords that start a line the reduced source may need: block openers and their clauses,
# and the two import statements (decorators, `@`, are handled apart). `match` and `case` are
# soft keywords: a line like `match = 1` is recorded too, which is harmless (it does not end
# with `:`, so it is never taken for the header of a block).
_KEYWORDS = (
    "if", "elif", "else", "for", "while", "try", "except", "finally", "with", "def", "class",
    "async", "match", "case", "import", "from",
)  # fmt: skip
_CLAUSES = frozenset({"elif", "else", "except", "finally"})
_OPENERS = frozenset({"if", "for", "while", "try", "async"})  # may be followed by clauses
_DECORATED = frozenset({"def", "class", "async"})
_HEADERS = frozenset(_KEYWORDS) - {"import", "from"}
# Callee names after which `facts` records the first argument whatever its value
# (`facts.DYNAMIC_CALLS`). Being rare, they are looked for apart (`_watched_lines`).
_WATCHED_WORDS = ("import_module", "__import__", "patch", "setattr", "find_spec", "run_module")

# A quote starts a string whose prefix is the word right before it. The lexer reads that word
# as ordinary code and looks behind the quote to know the kind; only a whole word counts, so
# `for"x"` is no raw string (it fails every branch and the file falls back).
_F_PREFIX = r"(?<=\b[fF])"
_FR_PREFIX = r"(?:(?<=\b[fF][rR])|(?<=\b[rR][fF]))"
_B_PREFIX = r"(?:(?<=\b[bB])|(?<=\b[bB][rR])|(?<=\b[rR][bB]))"
_R_PREFIX = r"(?<=\b[rR])"
_NO_PREFIX = r"(?:(?<!\w)|(?<=\b[uU]))"
# Triple-quoted bodies (docstrings: much of the text) are first read looking for the closing
# quotes only, a one-character search the regex engine does several times faster; when a
# backslash stands right before them (it may escape them) the exact pattern decides.
_ANY_BODY = (
    r"(?:'''(?:(?:[^']++|'(?!''))*+(?<!\\)'''|(?:[^'\\]++|\\(?s:.)|'(?!''))*+''')"
    r'|"""(?:(?:[^"]++|"(?!""))*+(?<!\\)"""|(?:[^"\\]++|\\(?s:.)|"(?!""))*+""")'
    r"""|'(?:[^'\\\n]++|\\(?s:.))*+'|"(?:[^"\\\n]++|\\(?s:.))*+")"""
)
# An escape that can produce a character of a dotted name, or nothing (backslash-newline).
_NAME_ESCAPE = r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}\n]*+\}|[0-7]{1,3}|\n)"


def _candidate(raw: bool) -> str:
    """A string piece that may belong to a dotted constant (its quote at the position).

    A dotted constant is `[A-Za-z_]\\w*` names joined by dots (and one colon). Implicit
    concatenation joins pieces, so a piece of one holds only word characters, dots, colons and
    (not raw) escapes that can make them; it has a dot (or an escape: it may make one), and
    each dot is followed by a letter, an underscore, an escape or the end of the piece.
    Anything else in a piece (a space, a hyphen, `\\n`...) is also in the joined constant,
    which then cannot be dotted.
    """
    escape = "" if raw else rf"|{_NAME_ESCAPE}"
    forms = []
    for quote in ("'''", '"""', "'", '"'):
        dot = rf"\.(?=[A-Za-z_\\]|{quote[0]})"
        clean = rf"(?:[\w:]++|{dot}{escape})*+"
        forms.append(rf"{quote}(?={clean}{quote})(?![\w:]*+{quote})")
    return "(?:" + "|".join(forms) + ")"


def _string(boring: bool) -> str:
    """A string literal (its prefix already read); with boring=True one that reports nothing.

    A reported string constant is dotted or is the first argument of a watched call (those
    are found apart). Bytes are never reported.
    """
    if boring:
        plain = rf"{_NO_PREFIX}(?!{_candidate(raw=False)}){_ANY_BODY}"
        raw = rf"{_R_PREFIX}(?!{_candidate(raw=True)}){_ANY_BODY}"
    else:
        plain = rf"{_NO_PREFIX}{_ANY_BODY}"
        raw = rf"{_R_PREFIX}{_ANY_BODY}"
    fstring = (
        rf"{_F_PREFIX}{_fstring_body(boring, raw=False)}"
        rf"|{_FR_PREFIX}{_fstring_body(boring, raw=True)}"
    )
    # The lookahead lets every other character fail at once, before any lookbehind runs.
    return rf"(?=[\"'])(?:{plain}|{_B_PREFIX}{_ANY_BODY}|{raw}|{fstring})"


def _fstring_body(boring: bool, raw: bool) -> str:
    """f-string bodies on which the tokenizers of Python 3.10-3.11 and of 3.12+ agree.

    Python 3.12 lets replacement fields hold any expression, strings with the same quote
    included, so a plain string pattern could end an f-string too early. Fields here hold no
    backslash, with one level of nested braces (format specs); their strings hold no quote
    and are of the other quote kind or, in a triple-quoted f-string, non-empty ones of the
    same kind (so no run of three quotes). Only a triple-quoted f-string has newlines in its
    fields, and only a single-quoted one has `#` there (then no comment: a comment would run
    past the closing quote). On those, every version ends the literal at the same quotes.
    Other f-strings do not match and the file falls back.

    Boring ones: a literal part is a constant of its own (or is joined to the next piece), so
    it may hold a dot only where no name can follow; a field is `{code!c:spec}` whose code has
    no `:` (else where the spec starts is unclear) and whose strings have no dot; the spec is
    a constant of its own, held to the same rule. (A watched call in a field is found apart.)
    """
    dot = "." if boring else ""
    parts = []
    for q in ("'", '"'):
        other = '"' if q == "'" else "'"
        for triple in (True, False):
            newline, hash_ = ("", "#") if triple else (r"\n", "")
            nested = rf"{other}[^'\"\\\n{dot}]*+{other}"
            if triple:
                nested += rf"|{q}[^'\"\\\n{dot}]++{q}"
            if boring:
                code = rf"(?:[^{{}}'\"\\#:!{newline}]++|!=|{nested})*+"
                spec = rf"(?:[^{{}}'\"\\.{hash_}{newline}]++|\.(?![A-Za-z_])|\{{{code}\}})*+"
                field = rf"\{{{code}(?:![rsa])?(?::{spec})?\}}"
                literal = rf"[^{q}{{}}\\{newline}.]++|\.(?![A-Za-z_'\"])"
            else:
                code = rf"[^{{}}'\"\\{hash_}{newline}]"
                field = rf"\{{(?:{code}++|{nested}|\{{{code}*+\}})*+\}}"
                literal = rf"[^{q}{{}}\\{newline}]++"
            if raw:
                # A backslash stays a character: before a brace it takes nothing (the brace
                # opens a field), before anything else it holds the next character in.
                literal += r"|\\[^{}]|\\(?=[{}])"
            elif not boring:
                # Escapes but `\N{...}`, whose braces are no field, and `\{`, `\}`.
                literal += r"|\\[^{}N]"
            quotes = q * 3 if triple else q
            lone = rf"|{q}(?!{q}{q})" if triple else ""
            parts.append(rf"{quotes}(?:{literal}|\{{\{{|\}}\}}|{field}{lone})*+{quotes}")
    return "(?:" + "|".join(parts) + ")"


def _atom(boring: bool, depth: int) -> str:
    """One token of a logical line: a run of code, a string, a bracketed group or `\\`+newline.

    A boring run holds no `;`: after one, a line can hold an import. Inside brackets a newline
    is only space and comments may follow.
    """
    newline = "" if depth else r"\n"
    semicolon = ";" if boring else ""
    alternatives = [rf"[^\"'#\\()\[\]{{}}{newline}{semicolon}]++"]
    # Most frequent first: brackets are ten times more common than strings.
    if depth < _MAX_DEPTH:
        alternatives.append(rf"[(\[{{]{_atom(boring, depth + 1)}*+[)\]}}]")
    alternatives += [_string(boring), r"\\\n"]
    if depth:
        alternatives.append(r"\#[^\n]*+")
    return "(?:" + "|".join(alternatives) + ")"


def _alternation(words: list[str]) -> str:
    """Words as an alternation grouped by first letter, quicker to reject."""
    by_letter: dict[str, list[str]] = {}
    for word in words:
        by_letter.setdefault(word[0], []).append(re.escape(word[1:]))
    groups = [f"{letter}(?:{'|'.join(rest)})" for letter, rest in by_letter.items()]
    return "(?:" + "|".join(groups) + r")\b"


def _lexer() -> str:
    """One match per recorded line: the boring lines before it, then the line itself.

    Recorded lines are the keyword lines (`_KEYWORDS`, decorators) and the lines that fail the
    boring pattern. The last group a match sets (`Match.lastgroup`) tells its kind:
    `import`; `kept` (a keyword line holding a token that is not boring) and `line` (any other
    recorded line): both may report something; `header` (ends with `:`) and `decorator`,
    whose tokens are all boring; `inline`, a keyword line with all tokens boring that may end
    with a statement after its colon; `end`; and `deep`, an empty match where no line pattern
    applies (brackets nested deeper than `_MAX_DEPTH`, or a lexical error).
    """
    boring = _atom(True, 0)
    general = _atom(False, 0)
    keyword = _alternation([w for w in _KEYWORDS if w not in ("import", "from")])
    any_keyword = _alternation(list(_KEYWORDS))
    comment = r"(?:\#[^\n]*+)?\n"
    # Whether a header ends with `:` is only a hint (an `inline` line is checked again), so
    # many spaces before a comment may defeat it.
    colon_end = "(?:" + "|".join(rf"(?<=:[ \t]{{{n}}})" for n in range(17)) + ")"
    # A string alone on its line (a docstring) is a statement `facts` never reports from.
    # f-strings are not: theirs is a JoinedStr, which is visited.
    bare = rf"[rRuUbB]{{0,2}}(?=[\"'])(?:{_NO_PREFIX}|{_B_PREFIX}|{_R_PREFIX}){_ANY_BODY}"
    # Most lines start with no keyword letter: the character class decides them at once.
    not_keyword = rf"(?:(?![{''.join(sorted({w[0] for w in _KEYWORDS}))}@])|(?!{any_keyword}|@))"
    # Indentation is spaces and tabs; a form feed there (Python counts it its own way) stops
    # the lexer on that line, and `_deep_line` declines it. Blank and comment lines do not
    # count, whatever their whitespace.
    skip = (
        rf"(?:[ \t\f]*+{comment}|[ \t]*+(?:{bare}(?:[ \t]*+{bare})*+[ \t]*+{comment}"
        rf"|(?!\f){not_keyword}{boring}++{comment}))*+"
    )
    line = (
        rf"(?P<ind>[ \t]*+)(?!\f)(?:(?P<kw>(?P<at>@)|(?P<imp>(?:import|from)\b)|{keyword})"
        rf"(?:(?P<plain>{boring}*+)(?P<block>{colon_end})?|{general}*+)|{general}++)"
        rf"(?P<tail>{comment})"
        r"(?(kw)(?(imp)(?P<import>)|(?(plain)(?(at)(?P<decorator>)|(?(block)(?P<header>)"
        r"|(?P<inline>)))|(?P<kept>)))|(?P<line>))"
    )
    return rf"{skip}(?:{line}|(?P<end>\Z)|(?P<deep>))"


def _compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    # Before 3.11 possessive quantifiers do not compile; nothing uses these patterns there.
    return re.compile(pattern, flags) if FAST else re.compile("(?!)")


_LEXER = _compile(_lexer())
_IND, _KW, _TAIL = (_LEXER.groupindex.get(name, 0) for name in ("ind", "kw", "tail"))
_KEPT = frozenset({"import", "kept", "line"})
# For `_deep_line`: the start of a line, its tokens, and the boring strings.
_LINE_HEAD = _compile(rf"(?P<ind>[ \t]*+)(?P<kw>@|{_alternation(list(_KEYWORDS))})?")
_TOKEN = _compile(
    rf"(?P<run>[^\"'#\\()\[\]{{}}\n]++)|(?P<string>{_string(False)})|(?P<comment>\#[^\n]*+)"
    r"|(?P<cont>\\\n)|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<newline>\n)"
)
_BORING_STRING = _compile(_string(True))
_F_STRING = re.compile(f"{_F_PREFIX}|{_FR_PREFIX}")
# No leading `\b`: a pattern starting with literals is searched much faster, and a hit at the
# end of a longer name is dropped afterwards.
_WATCHED = re.compile("(?:" + "|".join(_WATCHED_WORDS) + r")\b")
_WORD_CHAR = re.compile(r"\w")
_SURROGATE = re.compile("[\ud800-\udfff]")
_TOP_DEF = re.compile(r"^(?:(?:async[ \t]+)?def|class)\b", re.MULTILINE)
_NOT_CODE_DEF = re.compile(r"(?:async\s+)?def\s+(?:__getattr__|__dir__)\b")
_ASYNC = re.compile(r"[ \t]+(def|for|with)\b")
_DEFINED_NAME = re.compile(r"(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_][A-Za-z0-9_]*)")

# The import shapes read without `ast`: ASCII names (`ast` normalizes others with NFKC), no
# spaces around dots, no `;`, no backslash but before a newline. Others are left to `ast`.
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_DOTTED_NAME = rf"{_NAME}(?:\.{_NAME})*"
_IMPORT_LIST = re.compile(
    rf"[ \t]+{_DOTTED_NAME}(?:[ \t]+as[ \t]+{_NAME})?"
    rf"(?:[ \t]*,[ \t]*{_DOTTED_NAME}(?:[ \t]+as[ \t]+{_NAME})?)*[ \t]*"
)
_DOTTED_PAIRS = re.compile(rf"({_DOTTED_NAME})(?:[ \t]+as[ \t]+({_NAME}))?")
_FROM = re.compile(
    rf"[ \t]+(\.*)({_DOTTED_NAME})?[ \t]+import(?:[ \t]*(\*)|[ \t]*\((.*)\)|[ \t]+(.*?))[ \t]*",
    re.DOTALL,
)
_FROM_LIST = re.compile(
    rf"\s*{_NAME}(?:\s+as\s+{_NAME})?(?:\s*,\s*{_NAME}(?:\s+as\s+{_NAME})?)*\s*(,\s*)?"
)
_PAIRS = re.compile(rf"({_NAME})(?:\s+as\s+({_NAME}))?")
_COMMENT = re.compile(r"#[^\n]*")

Context = tuple[bool, bool, bool, bool]  # in_function, in_class, type_checking, guarded
_NO_CONTEXT: Context = (False, False, False, False)
Parsed = tuple[bool, "str | None", int, "tuple[Alias, ...]"]  # is_from, module, level, names


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
        assert group == _KW
        return self._keyword


Line = re.Match[str] | _DeepLine


def _normalize(text: str) -> str | None:
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
    if not text.isascii() and _SURROGATE.search(text):
        return None  # not encodable: `ast.parse` fails
    return text


def _recorded(text: str) -> Iterator[Line | None]:
    """The recorded lines in order; a None means a lexical error, and ends them."""
    position = 0
    while True:
        match = None
        for match in _LEXER.finditer(text, position):
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


def _recorded_lines(text: str) -> list[Line | None]:
    if _LAST and _LAST[0][0] is text:
        return _LAST[0][1]
    lines = list(_recorded(text))
    _LAST[:] = [(text, lines)]
    return lines


def _lex(text: str) -> tuple[list[Line], list[int]] | None:
    """The recorded lines of the text and which of them are kept (they may report
    something), or None on a lexical error."""
    lines = list(_recorded_lines(text))
    if lines and lines[-1] is None:
        return None
    found: list[Line] = lines  # type: ignore[assignment]  # no None but last, checked
    kinds = [line.lastgroup for line in found]
    kept = [i for i, kind in enumerate(kinds) if kind in _KEPT]
    if "inline" in kinds:
        # A statement after the colon (`try: import x`): `import` is a keyword, so a line
        # without the word holds no import (watched calls are found apart).
        kept += (
            i
            for i, kind in enumerate(kinds)
            if kind == "inline" and "import" in text[found[i].start(_IND) : found[i].end()]
        )
        kept.sort()
    return found, kept


def _deep_line(text: str, start: int, end: int, keep: bool = False) -> _DeepLine | None:
    """The logical line at `start` measured token by token, or None on a lexical error.

    Its `lastgroup` is the kind the lexer would give it (None for a boring line without
    keyword, which is not recorded). With keep (see `_watched_lines`) it is always kept.
    """
    head = _LINE_HEAD.match(text, start, end)
    if head is None or text[head.end("ind")] == "\f":
        return None  # indentation the lexer does not measure
    keyword = head.group("kw")
    position = head.end()
    depth = 0
    boring = True
    tail = -1
    for token in _TOKEN.finditer(text, position, end):
        if token.start() != position:
            return None  # something no token pattern reads
        position = token.end()
        kind = token.lastgroup
        if kind == "open":
            depth += 1
            if depth > _TOKENIZER_MAX_NESTING:
                return None  # the tokenizer refuses it: "too many nested parentheses"
        elif kind == "close":
            depth -= 1
            if depth < 0:
                return None
        elif kind == "string":
            if boring:
                plain = _BORING_STRING.match(text, token.start(), end)
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
    spans = {0: (start, position), _IND: head.span("ind"), _KW: head.span("kw")}
    spans[_TAIL] = (tail, position)
    return _DeepLine(spans, keyword, line_kind)


_PARSED: dict[tuple[str, str], Parsed | None] = {}  # the same import lines recur across files
_UNSEEN: Parsed = (False, None, -1, ())


def _parse_import(keyword: str, body: str) -> Parsed | None:
    """(is_from, module, level, names) of an import line of a usual shape, else None."""
    key = (keyword, body)
    parsed = _PARSED.get(key, _UNSEEN)
    if parsed is _UNSEEN:
        parsed = _read_import(keyword, body)
        if len(_PARSED) >= 50_000:
            _PARSED.clear()
        _PARSED[key] = parsed
    return parsed


def _read_import(keyword: str, body: str) -> Parsed | None:
    if not body.isascii() or ";" in body:
        return None
    if "\\" in body:
        body = body.replace("\\\n", " ")  # a continuation line is more of the same line
        if "\\" in body:
            return None
    if keyword == "import":
        if _IMPORT_LIST.fullmatch(body) is None:
            return None
        pairs = _DOTTED_PAIRS.findall(body)
        return False, None, 0, tuple(Alias(name, alias or None) for name, alias in pairs)
    found = _FROM.fullmatch(body)
    if found is None:
        return None
    dots, module, star, parenthesized, bare = found.groups()
    if star:
        return True, module, len(dots), (Alias("*"),)
    if parenthesized is not None:
        names = _COMMENT.sub("", parenthesized) if "#" in parenthesized else parenthesized
        listed = _FROM_LIST.fullmatch(names)
    else:
        names = bare
        listed = _FROM_LIST.fullmatch(names)
        if listed is not None and listed.group(1):
            return None  # a trailing comma needs parentheses
    if listed is None:
        return None
    pairs = _PAIRS.findall(names)
    return True, module, len(dots), tuple(Alias(name, alias or None) for name, alias in pairs)


class _Reading:
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
                    len(text[m.start(_IND) : m.end(_IND)].expandtabs(8)) for m in self.lines
                ]
            else:
                self._indents = [m.end(_IND) - m.start(_IND) for m in self.lines]
        return self._indents

    @property
    def keywords(self) -> list[str | None]:
        if self._keywords is None:
            self._keywords = [m.group(_KW) for m in self.lines]
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
        content = self.text[line.start(_IND) : line.start(_TAIL)]
        return self.keywords[i] in _HEADERS and content.rstrip().endswith(":")

    def context(self, i: int) -> tuple[Context, bool] | None:
        """The context of line i and whether it is nested; None if unsure."""
        line = self.lines[i]
        if line.end(_IND) == line.start(_IND):
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
            kind = _ASYNC.match(self.text, line.end(_KW))
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
        """Whether an `if`/`elif` header tests TYPE_CHECKING the way `facts` recognizes it."""
        test = self.text[line.end(_KW) : line.start(_TAIL)]
        if test.isascii() and "TYPE_CHECKING" not in test:
            return False
        try:
            node = ast.parse(f"if{test}\n pass\n").body[0]
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        return isinstance(node, ast.If) and _is_type_checking(node.test)

    def _guarded(self, i: int) -> bool | None:
        """Whether the `try` at line i has a handler catching ImportError; None if unsure."""
        indents, keywords = self.indents, self.keywords
        indent = indents[i]
        for j in range(i + 1, len(indents)):
            if indents[j] < indent or (indents[j] == indent and keywords[j] not in _CLAUSES):
                break
            if indents[j] == indent and keywords[j] == "except":
                catches = self._catches(j)
                if catches is None or catches:
                    return catches
        return False

    def _catches(self, j: int) -> bool | None:
        line = self.lines[j]
        rest = self.text[line.end(_KW) : line.start(_TAIL)]
        if rest.replace("\\\n", " ").lstrip().startswith(":"):
            return True  # a bare `except:`
        if rest.isascii() and not any(name in rest for name in IMPORT_ERRORS):
            return False
        body = "\n pass\n" if rest.rstrip().endswith(":") else "\n"
        try:
            node = ast.parse(f"try:\n pass\nexcept{rest}{body}").body[0]
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        handlers = getattr(node, "handlers", [])
        return bool(handlers) and _catches_import_error(handlers[0])


def scan(text: str) -> Facts | None:
    """`file_facts(parse(text), with_body=False)`, found fast; None when not sure."""
    normalized = _normalize(text)
    if normalized is None:
        return None
    text = normalized
    found = _lex(text)
    if found is None:
        return None
    lines, kept = found
    if any(word in text for word in _WATCHED_WORDS):
        found = _watched_lines(text, lines, kept)
        if found is None:
            return None
        lines, kept = found
    if not kept:
        return Facts((), (), None)
    reading = _Reading(text, lines)
    imports: list[ImportStmt] = []
    rest: list[int] = []
    number = 1  # the number of the line starting at `position`
    position = 0
    for i in kept:
        line = lines[i]
        keyword = line.group(_KW)
        parsed = (
            _parse_import(keyword, text[line.end(_KW) : line.start(_TAIL)])
            if keyword == "import" or keyword == "from"
            else None
        )
        context = reading.context(i) if parsed is not None else None
        if parsed is None or context is None:
            rest.append(i)
            continue
        start = line.start(_IND)
        number += text.count("\n", position, start)
        position = start
        stop = line.start(_TAIL)
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
    reduced = _reduced_source(reading, rest)
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


def _watched_lines(
    text: str, lines: list[Line], kept: list[int]
) -> tuple[list[Line], list[int]] | None:
    """Lines and kept lines once the lines naming a watched call are kept too.

    A watched name inside a recorded line keeps that line. One in a stretch of boring lines
    between recorded lines has that stretch read token by token: the logical line holding it
    is kept when the name is code or inside an f-string (a field may call it).
    """
    ends = [line.end() for line in lines]
    kept_at = {lines[i].start(_IND) for i in kept}
    stretches: dict[int, list[int]] = {}
    for hit in _WATCHED.finditer(text):
        at = hit.start()
        if at and _WORD_CHAR.match(text, at - 1):
            continue  # the end of a longer name (`dispatch`)
        k = bisect.bisect_right(ends, at)
        if k < len(lines) and at >= lines[k].start(_IND):
            kept_at.add(lines[k].start(_IND))
        else:
            stretches.setdefault(k, []).append(at)
    extra: dict[int, list[Line]] = {}
    for k, hits in stretches.items():
        stop = lines[k].start(_IND) if k < len(lines) else len(text)
        found: list[Line] = []
        for start in _lines_naming(text, ends[k - 1] if k else 0, stop, hits):
            naming = _deep_line(text, start, stop, keep=True)
            if naming is None:
                return None
            found.append(naming)
            kept_at.add(naming.start(_IND))
        extra[k] = found
    if any(extra.values()):
        merged: list[Line] = []
        for k, line in enumerate(lines):
            merged += extra.get(k, ())
            merged.append(line)
        merged += extra.get(len(lines), ())
        lines = merged
    return lines, [i for i, line in enumerate(lines) if line.start(_IND) in kept_at]


def _lines_naming(text: str, start: int, stop: int, hits: list[int]) -> list[int]:
    """The starts of the logical lines of text[start:stop] with a hit in code or f-string."""
    found: list[int] = []
    line = start
    depth = 0
    pending = iter(hits)
    hit = next(pending, stop)
    for token in _TOKEN.finditer(text, start, stop):
        while hit < token.end():
            in_code = token.lastgroup == "run" or (
                token.lastgroup == "string" and _F_STRING.match(text, token.start()) is not None
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


def _reduced_source(reading: _Reading, kept: list[int]) -> str | None:
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
            if keywords[parent] not in _HEADERS:
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
            if j == count or indents[j] != indent or keywords[j] not in _DECORATED:
                return None
            todo.append(j)
        elif keyword in _DECORATED:
            j = i - 1
            while j >= 0 and keywords[j] == "@" and indents[j] == indent:
                todo.append(j)
                j -= 1
        if keyword in _CLAUSES or keyword in _OPENERS:
            # A clause cannot stand alone: keep all the headers of the compound statement.
            # The previous sibling of a clause is the nearest earlier line not indented deeper.
            opener = i
            while keywords[opener] in _CLAUSES:
                j = opener - 1
                while j >= 0 and indents[j] > indent:
                    j -= 1
                if j < 0 or indents[j] != indent:
                    return None
                opener = j
            if keywords[opener] not in _OPENERS:
                return None
            todo.append(opener)
            j = opener + 1
            while j < count:
                if indents[j] == indent and keywords[j] in _CLAUSES:
                    todo.append(j)
                elif indents[j] <= indent:
                    break
                j += 1
    return _assemble(reading, sorted(included))


def _assemble(reading: _Reading, order: list[int]) -> str | None:
    """The included lines at their own line numbers, a `pass` under each emptied header."""
    text, lines, indents = reading.text, reading.lines, reading.indents
    pieces: list[str] = []
    written = 1  # the number of the next line of the reduced source
    line = 1  # the number in the file of the line starting at `position`
    position = 0
    for n, i in enumerate(order):
        match = lines[i]
        start, end = match.start(_IND), match.end()
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
        pieces.append(text[start : match.end(_IND)] + " " + body + "\n")
        written += 1
    return "".join(pieces)


def _definitions(normalized: str) -> Iterator[re.Match[str] | None]:
    """The column-0 `def`, `async def` and `class` statements, as `_DEFINED_NAME` matches; a
    None means a lexical error, and ends them."""
    for line in _recorded_lines(normalized):
        if line is None:
            yield None
            return
        if line.end(_IND) == line.start(_IND) and line.group(_KW) in _DECORATED:
            found = _DEFINED_NAME.match(normalized, line.start(_IND))
            if found is not None:
                yield found


def shim_candidate(text: str) -> bool:
    """False only when the module surely has top-level real code (a def or a class).

    A column-0 `def`/`class` (but `def __getattr__`/`def __dir__`) is real code when it is a
    statement and not text inside a string: the lexer, which records every keyword line,
    decides. Anything unsure answers True: reading the body with `ast` is then merely slower.
    """
    if _TOP_DEF.search(text) is None:
        return True
    normalized = _normalize(text)
    if normalized is None:
        return True
    for found in _definitions(normalized):
        if found is None:
            return True
        if not _NOT_CODE_DEF.match(normalized, found.start()):
            return False
    return True


def top_level_definitions(text: str) -> frozenset[str] | None:
    """The names of the column-0 `def`s and `class`es (`ast`'s `tree.body` definitions), found
    by the lexer, so none inside a string; None when not sure. Far cheaper than a parse."""
    if not FAST:
        return None
    normalized = _normalize(text)
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
