"""The report a reviewer reads: the pull request body, also appended to the job summary.

Pure rendering of one Report value; every sentence a reviewer sees is written here
(bot.report_text reuses these cells on a terminal; bot.report_json has no prose). The Markdown
stays under GitHub's limit for a pull request body: when it would not, the longest lists are
cut first, the summary and the verification table stay whole, and the body says what was cut.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.verify import checks as c
from bot.verify import counts as k
from bot.verify.checks import Check, Counts, Run, Verification
from codemods.names import common_package
from codemods.outcome import ApplyOutcome, ImportEdit

BODY_LIMIT = 65_536  # characters GitHub accepts in a pull request body
FOLD_AT = 10  # longer lists go inside <details>
LINE_CHARS = 300  # longest output line shown
MARKER = "<!-- unshim:fingerprint={} -->"
NONE = "—"
REWRITTEN = "files with rewritten imports"
OUTPUT = "lines of output of "  # names the output lists, which may be cut like the others

SHIM_MEANING = (
    "(A *shim* is a module that only re-exports names defined somewhere else; refactors leave "
    "them behind so that old imports keep working.)"
)
COUNTING = (
    "**Imports**: the import statements outside a package that reach it, and the modules they "
    "are in, as unshim reads them from the parsed code. **grep**: what the grep command under "
    "*Reproduce the checks* prints; it can differ, for the reasons given below the table. A "
    "shim must have no imports left. The packages its names live in must not lose importers, "
    "not counting the shim's own imports of them, which go with it."
)
FAILURES = {
    c.SHIM_STILL_IMPORTED: "still imported",
    c.CANONICAL_DROPPED: "fewer importers than before",
    c.EXITED_NONZERO: "exit code {code}",
    c.NOT_STARTED: "could not start {program}: {message}",
    c.TIMED_OUT: "timed out after {timeout} s",
    c.TESTS_DROPPED: "{dropped} collected",
}
GAPS = {  # {lines}/{statements}: "1 line", "3 statements"; {example}: `path:line`
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
MENTIONS = (
    "Docs, configuration and comments that still mention a removed name (nothing breaks, but "
    "they now point readers at code that is gone):"
)
NOTHING_CHANGED = "Nothing: no file was rewritten or deleted."
UNKNOWN_CHANGES = (
    "Not known: there is no earlier version of this tree (it is not in a git repository, or "
    "has no commit yet), so only its current state was checked."
)
CUT_LINE = "- … and {n:,} more, cut to fit GitHub's size limit (`--format json` lists everything)"
CUT_NOTE = (
    "> [!NOTE]\n> This description was shortened to fit GitHub's limit of {limit:,} characters: "
    "cut {what}. The summary and the verification table are complete."
)
CUT_SLACK = 600
HARD_CUT = "\n\n… (the rest was cut to fit GitHub's size limit)\n\n"


@dataclass(frozen=True)
class Metadata:
    target: str  # the repository, as the reviewer knows it
    command: str = "unshim verify"  # what produced the report
    version: str = "0.1.0"


@dataclass(frozen=True)
class Report:
    verification: Verification
    outcome: ApplyOutcome
    metadata: Metadata = field(default_factory=lambda: Metadata("."))

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.outcome)


def fingerprint(outcome: ApplyOutcome) -> str:
    """A stable hash of the shims and of what was rewritten and deleted: the same plan gives
    the same fingerprint, so the bot recognises its own pull request on a later run."""
    plan = {
        "shims": sorted(outcome.shims),
        "edits": sorted([str(e.location), e.before, e.after] for e in outcome.edits),
        "deleted": sorted(outcome.deleted_files),
    }
    return hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()[:16]


# --- small pieces -------------------------------------------------------------------------------


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


# --- the verification table ---------------------------------------------------------------------


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


# --- the summary --------------------------------------------------------------------------------


def where_names_live(modules: Sequence[str]) -> str:
    """`a.b.c` and `a.b.d` read as "the modules of `a.b`" once there are more than three."""
    if len(modules) <= 3:
        return names(modules)
    common = common_package(modules)
    if not common:
        return names(modules)
    return f"{len(modules)} modules of {code(common)}"


def summary(report: Report) -> str:
    outcome, verification = report.outcome, report.verification
    shims = list(outcome.shims)
    subject = ("the shim " if len(shims) == 1 else "the shims ") + names(shims)
    files = {e.location.path for e in outcome.edits}
    done = []
    if outcome.edits:
        to = f" to import from {where_names_live(outcome.canonical)} directly"
        to = to if outcome.canonical else ""
        done.append(
            f"rewrites {plural(len(outcome.edits), 'import')} in {plural(len(files), 'file')}{to}"
        )
    elif outcome.changed_files:
        done.append(f"edits {plural(len(outcome.changed_files), 'file')}")
    if outcome.deleted_files:
        done.append(
            f"deletes {plural(len(outcome.deleted_files), 'file')} that nothing imports any more"
        )
    if done and shims:
        text = f"This change removes {subject}: it " + ", and ".join(done) + "."
    elif done:
        text = "This change " + ", and ".join(done) + "."
    elif verification.before is None:
        text = "What changed is not known: there is no earlier version of this tree."
    else:
        text = "No file changed."
    kept = len(outcome.kept) + len(outcome.not_parsed)
    if kept:
        were = "was" if kept == 1 else "were"
        text += f" {plural(kept, 'item')} {were} left as is: see *What was kept, and why*."
    if verification.before:
        text += f" Every check ran on this branch and, for comparison, on {verification.before}:"
    elif done:
        text += " Every check ran on this tree (there was no earlier version to compare with):"
    else:
        text += " Every check ran on this tree:"
    total = plural(len(verification.checks), "check")
    if verification.passed:
        text += f" **all {total} passed**."
    else:
        failed = "; ".join(check_name(f) for f in verification.failed)
        text += f" **{len(verification.failed)} of {total} failed**: {failed}."
    return f"{text} {SHIM_MEANING}" if shims else text


# --- the lists, which may be cut to fit ---------------------------------------------------------

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


def kept_lines(outcome: ApplyOutcome) -> list[str]:
    lines = []
    for kept in outcome.kept:
        where = f" ({code(str(kept.location))})" if kept.location else ""
        lines.append(f"- {code(kept.subject)}: {kept.reason}{where}")
    for problem in outcome.not_parsed:
        lines.append(
            f"- {code(problem.subject)} could not be read ({problem.reason}); its imports were "
            "neither counted nor changed"
        )
    return lines


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
    edited = {e.location.path for e in outcome.edits}
    found: Lists = {
        REWRITTEN: edit_lines(outcome),
        "other changed files": [f"- {code(p)}" for p in outcome.changed_files if p not in edited],
        "deleted files": [f"- {code(p)}" for p in outcome.deleted_files],
        "kept items": kept_lines(outcome),
        "mentions": [f"- {code(str(m))}" for m in outcome.mentions],
        "grep explanations": gap_lines(report.verification),
    }
    for check in ordered(report.verification):
        if output_lines(check):
            found[output_name(check, found)] = output_lines(check)
    return found


# --- the body -----------------------------------------------------------------------------------


def output_section(check: Check, lines: list[str]) -> list[str]:
    assert isinstance(check.after, Run)
    shown = plural(len(check.after.tail), "line")
    title = f"Output of {code(check.subject)} after the change (last {shown})"
    return [f"<details><summary>{title}</summary>", "", *fenced(lines), "", "</details>", ""]


def changes(
    outcome: ApplyOutcome, shown: Callable[[str], list[str]], known: bool = True
) -> list[str]:
    out = ["### What changed", ""]
    files = {e.location.path for e in outcome.edits}
    if outcome.edits:
        title = f"{plural(len(outcome.edits), 'import')} rewritten in {plural(len(files), 'file')}"
        out += [f"#### {title}", "", *fold(len(outcome.edits), shown(REWRITTEN)), ""]
    others = shown("other changed files")
    if others:
        title = f"{plural(len(outcome.changed_files) - len(files), 'other file')} changed"
        out += [f"#### {title}", "", *fold(len(others), others), ""]
    if outcome.deleted_files:
        title = f"{plural(len(outcome.deleted_files), 'file')} deleted"
        out += [f"#### {title}", "", *fold(len(outcome.deleted_files), shown("deleted files")), ""]
    return out if len(out) > 2 else [*out, NOTHING_CHANGED if known else UNKNOWN_CHANGES, ""]


def kept(outcome: ApplyOutcome, shown: Callable[[str], list[str]]) -> list[str]:
    if not (outcome.kept or outcome.not_parsed or outcome.mentions):
        return []
    out = ["### What was kept, and why", ""]
    if outcome.kept or outcome.not_parsed:
        out += [*shown("kept items"), ""]
    if outcome.mentions:
        out += [MENTIONS, "", *fold(len(outcome.mentions), shown("mentions")), ""]
    return out


def reproduce(verification: Verification) -> list[str]:
    intro = "Run these from the repository root on this branch for the *After* column"
    if verification.before:
        intro += f", and on {verification.before} for the *Before* column"
    lines = ["### Reproduce the checks", "", intro + ":", "", "```sh"]
    for check in verification.checks:
        lines += [f"# {check_name(check).replace('`', '')}", check.reproduce]
    return [*lines, "```", ""]


def body(report: Report, caps: dict[str, int], note: str = "") -> str:
    verification, outcome = report.verification, report.outcome
    every = lists(report)

    def shown(name: str) -> list[str]:
        items, cap = every[name], caps.get(name, len(every[name]))
        return items if cap >= len(items) else [*items[:cap], CUT_LINE.format(n=len(items) - cap)]

    title = f"removing {names(outcome.shims)}" if outcome.shims else "verification"
    out = [f"## unshim: {title}", "", summary(report), ""]
    out += [note, ""] if note else []
    out += ["### Verification", "", *table(verification), "", COUNTING, ""]
    outputs = [n for n in every if n.startswith(OUTPUT)]
    failing = [check for check in ordered(verification) if output_lines(check)]
    for name, check in zip(outputs, failing, strict=True):
        out += output_section(check, shown(name))
    if every["grep explanations"]:
        out += ["#### Why grep and unshim count differently", "", *shown("grep explanations"), ""]
    out += changes(outcome, shown, known=verification.before is not None or outcome.changed)
    out += kept(outcome, shown) + reproduce(verification)
    meta = report.metadata
    out += [
        f"<sub>Report by unshim {meta.version} (`{meta.command}`) on {code(meta.target)}.</sub>",
        "",
        MARKER.format(report.fingerprint),
    ]
    return "\n".join(out) + "\n"


def level(sizes: list[int], needed: int) -> int:
    """The largest length L such that cutting every list longer than L down to L frees at
    least `needed` characters: the longest lists are cut first, and evenly."""
    low, high = 0, max(sizes, default=0)
    while low < high:
        middle = (low + high + 1) // 2
        if sum(max(0, size - middle) for size in sizes) >= needed:
            low = middle
        else:
            high = middle - 1
    return low


def render_markdown(report: Report, limit: int = BODY_LIMIT) -> str:
    """The pull request body, shorter than `limit` characters: whole when it fits, else with
    items cut from the end of the longest lists until it does."""
    every = lists(report)
    caps = {name: len(items) for name, items in every.items()}
    text = body(report, caps)

    def size(name: str) -> int:
        return sum(len(item) + 1 for item in every[name][: caps[name]])

    while len(text) >= limit and any(caps.values()):
        # Room for the note about the cut and the "… and N more" lines it adds.
        needed = len(text) - limit + CUT_SLACK
        most = level([size(n) for n in every], needed)
        for name in every:
            left = size(name)
            while caps[name] > 0 and left > most:
                caps[name] -= 1
                left -= len(every[name][caps[name]]) + 1
        what = ", ".join(
            f"{len(items) - caps[n]:,} of {len(items):,} {n}"
            for n, items in every.items()
            if caps[n] < len(items)
        )
        text = body(report, caps, CUT_NOTE.format(limit=limit, what=what))
    if len(text) >= limit:  # the table alone is too long: keep its start, and the marker
        marker = MARKER.format(report.fingerprint) + "\n"
        text = text[: limit - len(marker) - len(HARD_CUT) - 1] + HARD_CUT + marker
    return text
