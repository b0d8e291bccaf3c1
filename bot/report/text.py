"""The report on a terminal, for `unshim verify --format text`: one block per check, failures
first, then the output of what failed. The wording of the cells is bot.report's."""

from __future__ import annotations

from unshim.bot.report.lists import output_lines
from unshim.bot.report.markup import plural
from unshim.bot.report.table import check_name, observed, ordered, verdict
from unshim.bot.report.values import Report


def render_text(report: Report) -> str:
    """What `unshim verify` prints on a terminal: one line per check, failures first, then
    the output of what failed."""
    verification, outcome = report.verification, report.outcome
    before = verification.before or "no earlier version"
    lines = [
        f"{plural(len(verification.checks), 'check')}, {len(verification.failed)} failed "
        f"(before: {before}; interpreter: {verification.python})",
    ]
    for check in ordered(verification):
        mark = "ok  " if check.passed else "FAIL"
        lines.append(f"{mark} {check_name(check).replace('`', '')}")
        lines.append(f"       before: {observed(check.before)}")
        lines.append(f"       after:  {observed(check.after)}")
        if not check.passed:
            lines.append(f"       {verdict(check)[2:]}; rerun: {check.reproduce}")
    for check in ordered(verification):
        if output_lines(check):
            lines += ["", f"output of {check.subject} after the change:"]
            lines += [f"  | {line}" for line in output_lines(check)]
    files = len({e.location.path for e in outcome.edits})
    lines += [
        "",
        f"changed: {plural(len(outcome.edits), 'import')} rewritten in "
        f"{plural(files, 'file')}, {plural(len(outcome.deleted_files), 'file')} deleted, "
        f"{plural(len(outcome.kept) + len(outcome.not_parsed), 'item')} kept, "
        f"{plural(len(outcome.mentions), 'mention')} left in docs and comments",
    ]
    lines += [f"patch target: {e.location}: {e.before} -> {e.after}" for e in outcome.patch_targets]
    lines += [f"note: {note.location}: {note.text}" for note in outcome.every_note()]
    return "\n".join(lines) + "\n"
