"""What `unshim apply --format json` prints: the outcome of one apply for tools and CI, in the
shape docs/apply.schema.json documents (JSON Schema draft 2020-12); the tests validate the
output against it. Add fields freely; renaming or removing one means a new SCHEMA_VERSION."""

from __future__ import annotations

import json
from typing import Any

from unshim.bot.report.json_doc import files_and_kept
from unshim.codemods.apply import Applied
from unshim.codemods.outcome import ImportEdit

SCHEMA_VERSION = 1


def _edit(edit: ImportEdit) -> dict[str, Any]:
    location = edit.location
    return {
        "path": location.path,
        "line": location.line,
        "before": edit.before,
        "after": edit.after,
        "notes": list(edit.notes),
    }


def to_json(applied: Applied, *, mode: str, version: str, command: str) -> dict[str, Any]:
    """`mode`: "write" (files were changed), "dry-run" or "check" (nothing was written)."""
    outcome = applied.outcome
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "unshim", "version": version, "command": command},
        "mode": mode,
        "changed": outcome.changed,
        "refused": outcome.refused,
        "shims": list(outcome.shims),
        "canonical": list(outcome.canonical),
        "taken": list(applied.plan.taken),
        "edits": [_edit(e) for e in outcome.edits],
        # The strings of tests' patches rewritten with the imports of the names they patch.
        "patch_targets": [_edit(e) for e in outcome.patch_targets],
        **files_and_kept(outcome, outcome.every_note()),
    }


def render(applied: Applied, *, mode: str, version: str, command: str) -> str:
    document = to_json(applied, mode=mode, version=version, command=command)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
