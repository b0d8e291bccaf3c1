"""Small Markdown pieces the report is written with: counts, inline code, table cells, name
lists, folded lists and fenced output."""

from __future__ import annotations

import re
from collections.abc import Sequence

FOLD_AT = 10  # longer lists go inside <details>


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def code(text: str) -> str:
    if "`" not in text:
        return f"`{text}`"
    return f"`` {text} ``"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def names(items: Sequence[str], limit: int = 3) -> str:
    shown = [code(i) for i in items[:limit]]
    if len(items) > limit:
        return ", ".join(shown) + f" and {len(items) - limit:,} more"
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else "".join(shown)


def fold(count: int, lines: list[str]) -> list[str]:
    """A list of `count` things, folded away when it is long."""
    if sum(item.count("\n") + 1 for item in lines) <= FOLD_AT:
        return lines
    return [f"<details><summary>Show all {count:,}</summary>", "", *lines, "", "</details>"]


def fenced(lines: list[str]) -> list[str]:
    """A code block no output line can close early."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", *lines, fence]
