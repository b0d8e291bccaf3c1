"""The scanner's regular expressions: how they are built from token patterns, compiled once.

`LEXER` matches, from any position, the boring lines (they open no block, are no import and
hold nothing `collector.file_facts` could report) and then one recorded line, whose kind is the
last group it sets (`lines.lex` reads them). The smaller patterns measure a line token by
token where brackets nest too deep for `LEXER`, find watched calls and top-level definitions.
Importing this module compiles them (about 0.1 s): only the scanner's modules import it.
"""

from __future__ import annotations

import re

# Possessive quantifiers (`*+`, `++`) keep the regular expressions linear: a line that fails
# is given up at once instead of being retried in exponentially many ways. They exist from
# Python 3.11; on 3.10 `scan` answers None and every file goes through `ast` (slower, same).
# `FAST` says which, from `facts`, where asking does not compile these expressions.
from unshim.codemods.scan.facts import FAST as FAST

# Bracket nesting the lexer follows. Each level repeats the token patterns (compiling them
# costs about 10 ms a level); the rare deeper line is measured in Python (`lines._deep_line`).
_MAX_DEPTH = 6
TOKENIZER_MAX_NESTING = 200  # CPython's MAXLEVEL: deeper brackets are a syntax error

# Keywords that start a line the reduced source may need: block openers and their clauses,
# and the two import statements (decorators, `@`, are handled apart). `match` and `case` are
# soft keywords: a line like `match = 1` is recorded too, which is harmless (it does not end
# with `:`, so it is never taken for the header of a block).
_KEYWORDS = (
    "if", "elif", "else", "for", "while", "try", "except", "finally", "with", "def", "class",
    "async", "match", "case", "import", "from",
)  # fmt: skip
CLAUSES = frozenset({"elif", "else", "except", "finally"})
OPENERS = frozenset({"if", "for", "while", "try", "async"})  # may be followed by clauses
DECORATED = frozenset({"def", "class", "async"})
HEADERS = frozenset(_KEYWORDS) - {"import", "from"}
# Callee names after which `collector` records the first argument whatever its value
# (`facts.DYNAMIC_CALLS`). Being rare, they are looked for apart (`lines.watched_lines`).
WATCHED_WORDS = ("import_module", "__import__", "patch", "setattr", "find_spec", "run_module")

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
        # A template's placeholders (`%s`, `%(key)s`, `{}`) may stand next to a dot too.
        dot = rf"\.(?=[A-Za-z_\\%{{]|{quote[0]})"
        clean = rf"(?:[\w:%(){{}}]++|{dot}{escape})*+"
        forms.append(rf"{quote}(?={clean}{quote})(?![\w:%(){{}}]*+{quote})")
    return "(?:" + "|".join(forms) + ")"


def _string(boring: bool) -> str:
    """A string literal (its prefix already read); with boring=True one that reports nothing.

    A reported string constant is dotted, a template of a module path (`"%s.formats"`), or
    the first argument of a watched call (those are found apart); bytes are reported when
    they may hold a dotted name.
    """
    if boring:
        plain = rf"{_NO_PREFIX}(?!{_candidate(raw=False)}){_ANY_BODY}"
        raw = rf"{_R_PREFIX}(?!{_candidate(raw=True)}){_ANY_BODY}"
        # Bytes may hold a pickled module name anywhere: boring only when no dot and no
        # escape (it may make one) can be in them, checked up to the end of the line.
        data = rf"{_B_PREFIX}(?!'''|\"\"\"|[^\n]*?[.\\]){_ANY_BODY}"
    else:
        plain = rf"{_NO_PREFIX}{_ANY_BODY}"
        raw = rf"{_R_PREFIX}{_ANY_BODY}"
        data = rf"{_B_PREFIX}{_ANY_BODY}"
    fstring = (
        rf"{_F_PREFIX}{_fstring_body(boring, raw=False)}"
        rf"|{_FR_PREFIX}{_fstring_body(boring, raw=True)}"
    )
    # The lookahead lets every other character fail at once, before any lookbehind runs.
    return rf"(?=[\"'])(?:{plain}|{data}|{raw}|{fstring})"


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
                spec = rf"(?:[^{{}}'\"\\.{hash_}{newline}]++|\.(?![A-Za-z_%{{])|\{{{code}\}})*+"
                field = rf"\{{{code}(?:![rsa])?(?::{spec})?\}}"
                literal = rf"[^{q}{{}}\\{newline}.]++|\.(?![A-Za-z_'\"%{{])"
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
    # A string alone on its line (a docstring) is a statement `collector` never reports from.
    # f-strings are not: theirs is a JoinedStr, which is visited.
    bare = rf"[rRuUbB]{{0,2}}(?=[\"'])(?:{_NO_PREFIX}|{_B_PREFIX}|{_R_PREFIX}){_ANY_BODY}"
    # Most lines start with no keyword letter: the character class decides them at once.
    not_keyword = rf"(?:(?![{''.join(sorted({w[0] for w in _KEYWORDS}))}@])|(?!{any_keyword}|@))"
    # Indentation is spaces and tabs; a form feed there (Python counts it its own way) stops
    # the lexer on that line, and `lines._deep_line` declines it. Blank and comment lines do not
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


LEXER = _compile(_lexer())
IND, KW, TAIL = (LEXER.groupindex.get(name, 0) for name in ("ind", "kw", "tail"))
KEPT = frozenset({"import", "kept", "line"})
# For `lines._deep_line`: the start of a line, its tokens, and the boring strings.
LINE_HEAD = _compile(rf"(?P<ind>[ \t]*+)(?P<kw>@|{_alternation(list(_KEYWORDS))})?")
TOKEN = _compile(
    rf"(?P<run>[^\"'#\\()\[\]{{}}\n]++)|(?P<string>{_string(False)})|(?P<comment>\#[^\n]*+)"
    r"|(?P<cont>\\\n)|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<newline>\n)"
)
BORING_STRING = _compile(_string(True))
F_STRING = re.compile(f"{_F_PREFIX}|{_FR_PREFIX}")
# No leading `\b`: a pattern starting with literals is searched much faster, and a hit at the
# end of a longer name is dropped afterwards.
WATCHED = re.compile("(?:" + "|".join(WATCHED_WORDS) + r")\b")
WORD_CHAR = re.compile(r"\w")
SURROGATE = re.compile("[\ud800-\udfff]")
TOP_DEF = re.compile(r"^(?:(?:async[ \t]+)?def|class)\b", re.MULTILINE)
NOT_CODE_DEF = re.compile(r"(?:async\s+)?def\s+(?:__getattr__|__dir__)\b")
ASYNC = re.compile(r"[ \t]+(def|for|with)\b")
DEFINED_NAME = re.compile(r"(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
