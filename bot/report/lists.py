"""The lists of the report, which may be cut to fit GitHub's limit: one Markdown item per
rewritten file, changed or deleted file, kept item, note, mention, grep explanation and output
line."""

from __future__ import annotations

from unshim.bot.report.markup import code, plural
from unshim.bot.report.table import ordered
from unshim.bot.report.values import Report
from unshim.bot.verify import counts as k
from unshim.bot.verify.checks import Check, Counts, Run, Verification
from unshim.codemods.names import within
from unshim.codemods.outcome import ApplyOutcome, ImportEdit, Kept

LINE_CHARS = 300  # longest output line shown
REWRITTEN = "files with rewritten imports"
PATCHED = "patch targets rewritten"
OUTPUT = "lines of output of "  # names the output lists, which may be cut like the others
GAPS = {  # {lines}/{statements}: "1 line", "3 statements"; {example}: `path:line`
    k.UNREAD: "{lines} in files unshim does not read (e.g. {example}: a file that does not "
    "parse, an excluded folder, a file git does not track), which grep counts",
    k.OWN: "{lines} inside the package itself (e.g. {example}), which grep counts: the "
    "package importing itself",
    k.LOOKALIKE: "{lines} importing another package whose name starts the same way (e.g. "
    "{example}), which grep counts",
    k.TEXT: "{lines} in comments, strings or docstrings (e.g. {example}), which grep counts",
    k.PLAIN_IMPORT: "{statements} written `import {package}…` (e.g. {example}), which grep "
    "misses: it looks for `from {package}`",
    k.RELATIVE: "{statements} written as relative imports, `from .x import …` (e.g. "
    "{example}), which grep misses",
    k.SPLIT: "{statements} with `from` and the name on different lines or spaced differently "
    "(e.g. {example}), which grep misses",
}

Lists = dict[str, list[str]]


def statements(source: str) -> str:
    """An import as inline code; one that became several statements, as several spans."""
    return " + ".join(code(line.strip()) for line in source.splitlines() if line.strip())


def spans_lines(source: str) -> bool:
    """Whether an import is written over several lines (rather than being several imports)."""
    return any(
        not line.lstrip().startswith(("from ", "import ")) for line in source.strip().splitlines()
    )


def edit_line(edit: ImportEdit) -> str:
    """One rewritten import as a list item, nested under its file. A statement over several
    lines (parentheses, comments) is shown as a small diff: inline code cannot hold it."""
    line = f"line {edit.location.line}: " if edit.location.line else ""
    if spans_lines(edit.before) or spans_lines(edit.after):
        diff = [f"-{x}" for x in edit.before.splitlines()] + [
            f"+{x}" for x in edit.after.splitlines()
        ]
        block = "\n".join(f"    {x}" for x in ["```diff", *diff, "```"])
        return f"- {line.rstrip(': ') or 'changed'}:\n{block}"
    if not edit.after:
        return f"- {line}{statements(edit.before)} removed"
    if not edit.before:
        return f"- {line}{statements(edit.after)} added"
    return f"- {line}{statements(edit.before)} → {statements(edit.after)}"


def edit_lines(outcome: ApplyOutcome) -> list[str]:
    """One item per file: the file, then its rewritten imports."""
    by_file: dict[str, list[str]] = {}
    for edit in sorted(outcome.edits, key=lambda e: e.location):
        by_file.setdefault(edit.location.path, []).append("  " + edit_line(edit))
    return ["\n".join([f"- {code(path)}", *edits]) for path, edits in by_file.items()]


def patch_lines(outcome: ApplyOutcome) -> list[str]:
    """One item per test patch whose target follows the rewritten imports."""
    return [
        f"- {code(str(e.location))}: {code(e.before)} → {code(e.after)}"
        for e in sorted(outcome.patch_targets, key=lambda e: e.location)
    ]


def gap_lines(verification: Verification) -> list[str]:
    lines = []
    for check in verification.checks:
        for side, counts in (("before", check.before), ("after", check.after)):
            if not isinstance(counts, Counts) or not counts.gaps:
                continue
            reasons = "; ".join(
                GAPS[g.reason].format(
                    lines=plural(g.count, "line"),
                    statements=plural(g.count, "statement"),
                    package=counts.package,
                    example=code(g.example),
                )
                for g in counts.gaps
            )
            lines.append(
                f"- {code(counts.package)}, {side} the change: grep counts "
                f"{plural(counts.grep, 'line')}, unshim {plural(counts.statements, 'import')}. "
                f"The difference: {reasons}."
            )
    return lines


def distinct(kept: tuple[Kept, ...]) -> list[Kept]:
    """Each kept item once: two stages can keep the same module for the same reason at the
    same place (the plan and the deletion proof), and a reviewer reads it once."""
    return list(dict.fromkeys(kept))


def shim_of(subject: str, shims: tuple[str, ...]) -> str | None:
    """The shim a kept item belongs to: the longest that contains it."""
    owners = [s for s in shims if within(subject, s)]
    return max(owners, key=len) if owners else None


def kept_lines(outcome: ApplyOutcome) -> list[str]:
    """One item per kept thing; grouped under its shim, with counts, when they belong to
    several shims."""
    items = [
        (shim_of(kept.subject, outcome.shims), kept_line(kept)) for kept in distinct(outcome.kept)
    ]
    groups: dict[str | None, list[str]] = {}
    for shim, line in items:
        groups.setdefault(shim, []).append(line)
    if len([shim for shim in groups if shim is not None]) > 1:
        lines = [
            "\n".join(
                [
                    f"- {code(shim) if shim else 'other'} ({plural(len(found), 'item')}):",
                    *("  " + line for line in found),
                ]
            )
            for shim, found in sorted(groups.items(), key=lambda g: (g[0] is None, g[0] or ""))
        ]
    else:
        lines = [line for _, line in items]
    for problem in outcome.not_parsed:
        lines.append(
            f"- {code(problem.subject)} could not be read ({problem.reason}); its imports were "
            "neither counted nor changed"
        )
    return lines


def kept_line(kept: Kept) -> str:
    where = f" ({code(str(kept.location))})" if kept.location else ""
    return f"- {code(kept.subject)}: {kept.reason}{where}"


def note_lines(outcome: ApplyOutcome) -> list[str]:
    return [f"- {note.text} ({code(str(note.location))})" for note in outcome.every_note()]


def output_lines(check: Check) -> list[str]:
    if check.passed or not isinstance(check.after, Run):
        return []
    return [ln if len(ln) <= LINE_CHARS else ln[:LINE_CHARS] + " …" for ln in check.after.tail]


def output_name(check: Check, taken: Lists) -> str:
    name = f"{OUTPUT}{code(check.subject)}"
    while name in taken:
        name += "'"
    return name


def lists(report: Report) -> Lists:
    """Every list that may be cut, by the name the note about cuts uses, whole."""
    outcome = report.outcome
    edited = {e.location.path for e in (*outcome.edits, *outcome.patch_targets)}
    found: Lists = {
        REWRITTEN: edit_lines(outcome),
        PATCHED: patch_lines(outcome),
        "other changed files": [f"- {code(p)}" for p in outcome.changed_files if p not in edited],
        "deleted files": [f"- {code(p)}" for p in outcome.deleted_files],
        "kept items": kept_lines(outcome),
        "notes": note_lines(outcome),
        "mentions": [f"- {code(str(m))}" for m in outcome.mentions],
        "grep explanations": gap_lines(report.verification),
    }
    for check in ordered(report.verification):
        if output_lines(check):
            found[output_name(check, found)] = output_lines(check)
    return found
