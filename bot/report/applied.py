"""What `unshim apply` prints: the diff (stdout, --dry-run), what would change (stdout,
--check, as lines or as GitHub annotations), the summary and the reasons (stderr). Pure
functions of what `codemods.apply` returned."""

from __future__ import annotations

import re

from unshim.bot.report.markup import plural
from unshim.bot.report.workflow import annotation
from unshim.codemods.apply import Applied
from unshim.codemods.outcome import ApplyOutcome, ImportEdit
from unshim.codemods.plan.values import RewritePlan
from unshim.codemods.rewrite.patch import unified_diff
from unshim.codemods.rewrite.results import Rewritten
from unshim.codemods.transaction import Recovery
from unshim.codemods.worktree.journal import COMMITTING


def diff(applied: Applied) -> str:
    """The whole change as one patch: rewritten files, then deleted ones."""
    parts = [
        unified_diff(r.path, r.before, r.after) for r in applied.files if isinstance(r, Rewritten)
    ]
    parts += [unified_diff(path, before, None) for path, before in applied.deleted]
    return "".join(parts)


def _one_line(statement: str) -> str:
    """An edit on one line: a parenthesized import without its line breaks, inner spaces and
    trailing comma; the statements an import became joined by `; `."""
    statements: list[str] = []
    depth = 0
    for line in statement.splitlines():
        if depth:
            statements[-1] += " " + line.strip()
        elif line.strip():
            statements.append(line.strip())
        depth += line.count("(") - line.count(")")
    flat = (re.sub(r",?\s*\)", ")", re.sub(r"\(\s*", "(", s)) for s in statements)
    return "; ".join(flat) or "(removed)"


def _change(edit: ImportEdit) -> str:
    return f"{_one_line(edit.before)} -> {_one_line(edit.after)}"


def check_lines(outcome: ApplyOutcome) -> str:
    """--check: one line per import that would be rewritten, per test patch that would follow
    it and per file that would be deleted, `path:line: before -> after`, in path order."""
    lines = [f"{edit.location}: {_change(edit)}\n" for edit in outcome.edits]
    lines += [
        f"{e.location}: patch target {e.before} -> {e.after}\n" for e in outcome.patch_targets
    ]
    lines += [f"{path}: would be deleted\n" for path in outcome.deleted_files]
    return "".join(lines)


def github(outcome: ApplyOutcome) -> str:
    """--check --format github: an error where `unshim apply` would change something (what
    fails the check), a warning where it refused (a person has to decide), a notice for each
    note."""
    lines = [
        annotation(
            "error", e.location.path, e.location.line, "unshim", f"would rewrite {_change(e)}"
        )
        for e in outcome.edits
    ]
    lines += [
        annotation(
            "error",
            e.location.path,
            e.location.line,
            "unshim",
            f"would retarget the patch {e.before} -> {e.after} with the imports it patches",
        )
        for e in outcome.patch_targets
    ]
    lines += [
        annotation("error", path, 0, "unshim", "would be deleted: nothing references it any more")
        for path in outcome.deleted_files
    ]
    for kept in (*outcome.kept, *outcome.not_parsed):
        if kept.location is not None:
            where = kept.location
            lines.append(
                annotation(
                    "warning",
                    where.path,
                    where.line,
                    "unshim",
                    f"kept: {kept.subject}: {kept.reason}",
                )
            )
    lines += [
        annotation("notice", n.location.path, n.location.line, "unshim", f"note: {n.text}")
        for n in outcome.every_note()
    ]
    return "".join(lines)


def _files_of(edits: tuple[ImportEdit, ...]) -> int:
    """The files the imports are in (a test file whose only change is a patch string is not)."""
    return len({edit.location.path for edit in edits})


def check_verdict(outcome: ApplyOutcome) -> str:
    """--check's last line: why it exits 1, keeping "would change" apart from "refused"."""
    would = []
    if outcome.edits:
        would.append(
            f"rewrite {plural(len(outcome.edits), 'import')} in "
            f"{plural(_files_of(outcome.edits), 'file')}"
        )
    if outcome.patch_targets:
        would.append(f"retarget {plural(len(outcome.patch_targets), 'test patch', 'test patches')}")
    if outcome.deleted_files:
        would.append(f"delete {plural(len(outcome.deleted_files), 'file')}")
    refused = "unshim refused part of the job (reasons above)"
    changes = " and ".join([", ".join(would[:-1]), would[-1]] if len(would) > 2 else would)
    if would and outcome.refused:
        return f"check failed: unshim apply would {changes}; and {refused}"
    if would:
        return f"check failed: unshim apply would {changes}"
    if outcome.refused:
        return f"check failed: nothing would change, but {refused}"
    return "check passed: nothing would change"


def nothing_to_do(plan: RewritePlan) -> str:
    if plan.gone and not plan.requested:
        return f"nothing to do: {', '.join(plan.gone)} (from the configuration) no longer exists"
    return f"nothing to do: no import goes through {', '.join(plan.requested) or 'them'}"


def summary(outcome: ApplyOutcome, dry_run: bool) -> str:
    verb = ("would rewrite", "would delete") if dry_run else ("rewrote", "deleted")
    return (
        f"{verb[0]} {plural(len(outcome.edits), 'import')} in "
        f"{plural(_files_of(outcome.edits), 'file')}; "
        f"{verb[1]} {plural(len(outcome.deleted_files), 'file')}"
        + (
            f"; {plural(len(outcome.patch_targets), 'patch target')}"
            if outcome.patch_targets
            else ""
        )
        + (f"; {len(outcome.kept)} kept" if outcome.kept else "")
    )


def reasons(outcome: ApplyOutcome) -> list[tuple[bool, str]]:
    """One line per thing unshim left alone, `file:line: what: why`, each marked whether it
    blocked part of the job (a warning) or is only for the record (hidden by --quiet)."""
    lines = []
    for kept in outcome.kept:
        where = f"{kept.location}: " if kept.location else ""
        # A file kept for a reason of its own is named once, by its location.
        subject = (
            "" if kept.location and kept.subject == kept.location.path else f"{kept.subject}: "
        )
        lines.append((True, f"kept: {where}{subject}{kept.reason}"))
    for problem in outcome.not_parsed:
        blocking = problem.reason.startswith("mentions")
        lines.append((blocking, f"not parsed: {problem.subject}: {problem.reason}"))
    return lines


def patch_targets(outcome: ApplyOutcome) -> list[str]:
    """One line per test patch retargeted with the imports, `patch target: file:line: ...`."""
    return [f"patch target: {e.location}: {e.before} -> {e.after}" for e in outcome.patch_targets]


def notes(outcome: ApplyOutcome) -> list[str]:
    """One line per note, `note: file:line: what`: for the record, never a refusal."""
    return [f"note: {note.location}: {note.text}" for note in outcome.every_note()]


def next_step(outcome: ApplyOutcome, dry_run: bool, check: bool = False) -> str | None:
    if check:
        return (
            "run `unshim apply` without --check to make these changes" if outcome.changed else None
        )
    if outcome.refused:
        return (
            "unshim refused part of the job (reasons above); fix them and rerun "
            "`unshim apply`, or review what was done with `git diff`"
        )
    if dry_run and outcome.changed:
        return "rerun without --dry-run to write these changes"
    return None


def recovered(recovery: Recovery) -> list[str]:
    """What a run did about the one before it that was interrupted, one line each."""
    lines = []
    found = recovery.found
    if found is not None:
        who = f"an interrupted unshim (pid {found.pid}, started {found.started})"
        if found.phase == COMMITTING:
            lines.append(
                f"{who} had its new files on disk: completed it, {len(recovery.completed)} "
                f"files written and {len(recovery.deleted)} deleted"
            )
        else:
            lines.append(f"{who} had not changed any file yet: removed its temporary files")
    for kept in recovery.kept:
        lines.append(f"kept: {kept.subject}: {kept.reason}")
    if recovery.strays:
        shown = ", ".join(recovery.strays[:5]) + (" ..." if len(recovery.strays) > 5 else "")
        lines.append(f"removed {len(recovery.strays)} temporary files of a killed unshim: {shown}")
    return lines
