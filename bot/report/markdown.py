"""The report a reviewer reads: the pull request body, also appended to the job summary.

Pure rendering of one Report value (bot.report.values) from its sections: the summary
(bot.report.summary), the verification table (bot.report.table) and the lists
(bot.report.lists). The Markdown stays under GitHub's limit for a pull request body: when it
would not, the longest lists are cut first, the summary and the verification table stay whole,
and the body says what was cut.
"""

from __future__ import annotations

from collections.abc import Callable

from unshim.bot.report.lists import OUTPUT, PATCHED, REWRITTEN, distinct, lists, output_lines
from unshim.bot.report.markup import code, fenced, fold, names, plural
from unshim.bot.report.summary import summary
from unshim.bot.report.table import check_name, ordered, table
from unshim.bot.report.values import MARKER, Report
from unshim.bot.verify.checks import Check, Run, Verification
from unshim.codemods.outcome import ApplyOutcome

BODY_LIMIT = 65_536  # characters GitHub accepts in a pull request body
COUNTING = (
    "**Imports**: the import statements outside a package that reach it, and the modules they "
    "are in, as unshim reads them from the parsed code. **grep**: what the grep command under "
    "*Reproduce the checks* prints; it can differ, for the reasons given below the table. A "
    "shim must have no imports left. The packages its names live in must not lose importers, "
    "not counting the shim's own imports of them, which go with it."
)
MENTIONS = (
    "Docs, configuration and comments that still mention a removed name (nothing breaks, but "
    "they now point readers at code that is gone):"
)
NOTES = (
    "What the change does beyond re-pointing imports (nothing was refused for it, but a "
    "reviewer should know):"
)
PATCHES = (
    "Tests patched these names through a removed module; every lookup of each name through it "
    "was rewritten, so the patch now targets the module the code looks the name up in (a "
    "patch there also reaches code that imports the name from it inside a function: see the "
    "notes):"
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
GUARDED = (
    "{path} now lists the deleted shims under `[tool.unshim] removed`: once this merges, "
    "`unshim check` (and its pre-commit hook) reports any import, string or configuration "
    "that brings one back."
)
CUT_SLACK = 600
HARD_CUT = "\n\n… (the rest was cut to fit GitHub's size limit)\n\n"


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
    if outcome.patch_targets:
        title = f"{plural(len(outcome.patch_targets), 'patch target')} rewritten"
        out += [f"#### {title}", "", PATCHES, "", *fold(len(outcome.patch_targets), shown(PATCHED))]
        out.append("")
    files |= {e.location.path for e in outcome.patch_targets}
    others = shown("other changed files")
    if others:
        title = f"{plural(len(outcome.changed_files) - len(files), 'other file')} changed"
        out += [f"#### {title}", "", *fold(len(others), others), ""]
    if outcome.deleted_files:
        title = f"{plural(len(outcome.deleted_files), 'file')} deleted"
        out += [f"#### {title}", "", *fold(len(outcome.deleted_files), shown("deleted files")), ""]
    return out if len(out) > 2 else [*out, NOTHING_CHANGED if known else UNKNOWN_CHANGES, ""]


def noted(outcome: ApplyOutcome, shown: Callable[[str], list[str]]) -> list[str]:
    notes = shown("notes")
    if not notes:
        return []
    title = f"{plural(len(outcome.every_note()), 'note')} for the reviewer"
    return [f"#### {title}", "", NOTES, "", *fold(len(notes), notes), ""]


def kept(outcome: ApplyOutcome, shown: Callable[[str], list[str]]) -> list[str]:
    if not (outcome.kept or outcome.not_parsed or outcome.mentions):
        return []
    out = ["### What was kept, and why", ""]
    if outcome.kept or outcome.not_parsed:
        out += [
            *fold(len(distinct(outcome.kept)) + len(outcome.not_parsed), shown("kept items")),
            "",
        ]
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
    if report.guarded:
        out += [GUARDED.format(path=code(report.guarded)), ""]
    out += noted(outcome, shown)
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
