"""What `unshim check` prints: one line per place that names a removed module, as text or as
GitHub workflow commands (annotations at file:line), and the same rule as ruff's banned-api
table, for teams that already run ruff. Pure text.

No import-linter contract is offered: import-linter refuses a forbidden module that does not
exist ("Module 'app.legacy' does not exist"), which is what a removed module is, and its
wildcard form matches nothing and so never fails."""

from __future__ import annotations

import json
from collections.abc import Sequence

from unshim.bot.report.workflow import annotation
from unshim.codemods.analyze.removed import Finding, Removal


def text(found: Sequence[Finding]) -> str:
    return "".join(f"{f.location}: {f.message}\n" for f in found)


def github(found: Sequence[Finding]) -> str:
    return "".join(
        annotation(
            "error", f.location.path, f.location.line, f"{f.removed.module} was removed", f.message
        )
        for f in found
    )


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
