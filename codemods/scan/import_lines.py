"""The exact reading of an import line of a usual shape, without `ast`.

`parse_import(keyword, body)` gives (is_from, module, level, names) of `import a.b as c, d`
or `from ..x import (y as z,  # c`, or None for a rarer shape (left to `ast`).
"""

from __future__ import annotations

import re

from unshim.codemods.scan.facts import Alias

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

Parsed = tuple[bool, "str | None", int, "tuple[Alias, ...]"]  # is_from, module, level, names


_PARSED: dict[tuple[str, str], Parsed | None] = {}  # the same import lines recur across files
_UNSEEN: Parsed = (False, None, -1, ())


def parse_import(keyword: str, body: str) -> Parsed | None:
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
