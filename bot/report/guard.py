"""What `unshim check` prints: one line per place that names a removed module, as text or as
GitHub workflow commands (annotations at file:line), and the same rule as ruff's banned-api
table, for teams that already run ruff. Pure text.

No import-linter contract is offered: import-linter refuses a forbidden module that does not
exist ("Module 'app.legacy' does not exist"), which is what a removed module is, and its
wildcard form matches nothing and so never fails."""

from __future__ import annotations

import json
from collections.abc import Sequence

from codemods.analyze.removed import Finding, Removal


def text(found: Sequence[Finding]) -> str:
    return "".join(f"{f.location}: {f.message}\n" for f in found)


def _escape(value: str, *, property_value: bool = False) -> str:
    """Workflow-command escaping: `%`, CR and LF always; `:` and `,` in property values."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github(found: Sequence[Finding]) -> str:
    lines = []
    for f in found:
        where = f"file={_escape(f.location.path, property_value=True)}"
        if f.location.line:
            where += f",line={f.location.line}"
        title = _escape(f"{f.removed.module} was removed", property_value=True)
        lines.append(f"::error {where},title={title}::{_escape(f.message)}\n")
    return "".join(lines)


def _advice(removal: Removal) -> str:
    instead = f"; import from {removal.instead} instead" if removal.instead else ""
    return f"{removal.module} was removed{instead}"


def ruff_table(removals: Sequence[Removal]) -> str:
    """ruff's `banned-api`: each removed module with the message naming its new home."""
    lines = ["[tool.ruff.lint.flake8-tidy-imports.banned-api]"]
    for removal in removals:
        # JSON strings are TOML basic strings: the same quoting and escapes.
        lines.append(f"{json.dumps(removal.module)}.msg = {json.dumps(_advice(removal))}")
    return "\n".join(lines) + "\n"
