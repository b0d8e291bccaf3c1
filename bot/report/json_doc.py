"""The report as JSON for tools: the same Report value as the Markdown, without the prose.

The shape is documented by docs/report.schema.json (JSON Schema draft 2020-12); the tests
validate every rendering against it. Add fields freely; renaming or removing one means a new
SCHEMA_VERSION.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from unshim.bot.report.values import Report
from unshim.bot.verify.checks import Check, Counts, Run
from unshim.codemods.outcome import ApplyOutcome, Kept, Location, Note

SCHEMA_VERSION = 1


def as_location(location: Location | None) -> dict[str, Any] | None:
    return None if location is None else {"path": location.path, "line": location.line}


def as_kept(kept: Kept) -> dict[str, Any]:
    return {"subject": kept.subject, "reason": kept.reason, "location": as_location(kept.location)}


def files_and_kept(outcome: ApplyOutcome, notes: Iterable[Note]) -> dict[str, Any]:
    """The parts of an outcome the report and `apply --format json` spell alike."""
    return {
        "changed_files": list(outcome.changed_files),
        "deleted_files": list(outcome.deleted_files),
        "kept": [as_kept(k) for k in outcome.kept],
        "not_parsed": [as_kept(k) for k in outcome.not_parsed],
        "mentions": [as_location(m) for m in outcome.mentions],
        "notes": [
            {"subject": n.subject, "text": n.text, "location": as_location(n.location)}
            for n in notes
        ],
    }


def _side(side: Run | Counts | None) -> dict[str, Any] | None:
    if side is None:
        return None
    if isinstance(side, Counts):
        return {
            "type": "imports",
            "package": side.package,
            "present": side.present,
            "importers": side.importers,
            "statements": side.statements,
            "shim_importers": side.shim_importers,
            "shim_statements": side.shim_statements,
            "grep": side.grep,
            "grep_command": side.grep_command,
            "gaps": [
                {"reason": g.reason, "count": g.count, "example": g.example} for g in side.gaps
            ],
        }
    return {
        "type": "run",
        "argv": list(side.argv),
        "exit_code": side.exit_code,
        "seconds": round(side.seconds, 3),
        "failure": side.failure or None,
        "message": side.message or None,
        "timeout": side.timeout,
        "collected": side.collected,
        "files": side.files,
        "tail": list(side.tail),
    }


def _check(check: Check) -> dict[str, Any]:
    return {
        "kind": check.kind,
        "subject": check.subject,
        "role": check.role or None,
        "passed": check.passed,
        "failures": list(check.failures),
        "before": _side(check.before),
        "after": _side(check.after),
        "reproduce": check.reproduce,
    }


def _outcome(outcome: ApplyOutcome) -> dict[str, Any]:
    return {
        "shims": list(outcome.shims),
        "canonical": list(outcome.canonical),
        "edits": [
            {
                "location": as_location(e.location),
                "before": e.before,
                "after": e.after,
                "notes": list(e.notes),
            }
            for e in outcome.edits
        ],
        "patch_targets": [
            {"location": as_location(e.location), "before": e.before, "after": e.after}
            for e in outcome.patch_targets
        ],
        **files_and_kept(outcome, outcome.notes),
    }


def to_json(report: Report) -> dict[str, Any]:
    verification = report.verification
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {
            "name": "unshim",
            "version": report.metadata.version,
            "command": report.metadata.command,
        },
        "target": report.metadata.target,
        "fingerprint": report.fingerprint,
        "passed": verification.passed,
        "before": verification.before,
        "python": verification.python,
        "checks": [_check(check) for check in verification.checks],
        "outcome": _outcome(report.outcome),
    }


def render_json(report: Report) -> str:
    return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"
