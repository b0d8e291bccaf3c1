"""The verification table: one row per check, its before and after, and its verdict. The text
report (bot.report.text) shows the same cells on a terminal."""

from __future__ import annotations

from unshim.bot.report.markup import cell, code, plural
from unshim.bot.verify import checks as c
from unshim.bot.verify.checks import Check, Counts, Run, Verification

NONE = "—"

FAILURES = {
    c.SHIM_STILL_IMPORTED: "still imported",
    c.CANONICAL_DROPPED: "fewer importers than before",
    c.EXITED_NONZERO: "exit code {code}",
    c.NOT_STARTED: "could not start {program}: {message}",
    c.TIMED_OUT: "timed out after {timeout} s",
    c.TESTS_DROPPED: "{dropped} collected",
}


def check_name(check: Check) -> str:
    if check.kind == c.IMPORTS:
        what = "shim" if check.role == c.SHIM else "where the names live"
        return f"Imports of {code(check.subject)} ({what})"
    if check.kind == c.COMPILE:
        return "Every Python file compiles (`compileall`)"
    return f"Command {code(check.subject)}"


def observed(side: Run | Counts | None) -> str:
    if side is None:
        return NONE
    if isinstance(side, Counts):
        shown = f"{plural(side.statements, 'import')} in {plural(side.importers, 'module')}"
        if not side.present and not side.statements:
            shown = "none (deleted)"
        return f"{shown}; grep {side.grep:,}"
    if side.failure == c.NOT_STARTED:
        return "could not start"
    if side.failure == c.TIMED_OUT:
        return f"timed out after {side.timeout:g} s"
    parts = [plural(side.files, "file")] if side.files else []
    parts.append(f"exit {side.exit_code}")
    if side.collected is not None:
        parts.append(f"{plural(side.collected, 'test')} collected")
    return ", ".join([*parts, f"{side.seconds:.1f} s"])


def verdict(check: Check) -> str:
    if check.passed:
        if check.role == c.CANONICAL and check.before is None:
            return "✅ not compared"
        return "✅ " + {c.SHIM: "none left", c.CANONICAL: "no importer lost"}.get(check.role, "ok")
    before, after = check.before, check.after
    values: dict[str, object] = {}
    if isinstance(after, Run):
        values = {
            "code": after.exit_code,
            "message": after.message,
            "timeout": f"{after.timeout:g}",
            "program": code(after.argv[0]),
        }
        if isinstance(before, Run) and before.collected is not None:
            values["dropped"] = plural(before.collected - (after.collected or 0), "fewer test")
    words = [FAILURES[failure].format(**values) for failure in check.failures]
    if isinstance(before, Run) and not before.ok:
        words.append("failed before the change too")
    return "❌ " + "; ".join(words)


def ordered(verification: Verification) -> list[Check]:
    """Failures first; otherwise in the order the checks ran."""
    return sorted(verification.checks, key=lambda check: check.passed)


def table(verification: Verification) -> list[str]:
    before = f"Before ({verification.before})" if verification.before else "Before"
    rows = [f"| Check | {before} | After | Result |", "|---|---|---|---|"]
    for check in ordered(verification):
        row = (check_name(check), observed(check.before), observed(check.after), verdict(check))
        rows.append("| " + " | ".join(cell(part) for part in row) + " |")
    return rows
