"""The unified diff of a rewrite, as a reviewer (or `git apply`) reads it."""

from __future__ import annotations

import difflib

from unshim.codemods.scan.reading import decode


def _text(data: bytes) -> str:
    try:
        return decode(data)
    except (SyntaxError, ValueError, LookupError):
        return data.decode("utf-8", errors="replace")


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def unified_diff(path: str, before: bytes, after: bytes | None) -> str:
    """`a/path` -> `b/path`; `after=None` is the file's deletion."""
    old = _lines(_text(before))
    new = _lines(_text(after)) if after is not None else []
    target = f"b/{path}" if after is not None else "/dev/null"
    return "".join(difflib.unified_diff(old, new, f"a/{path}", target))
