"""The report's opening paragraph: what the change does and how the checks went."""

from __future__ import annotations

from collections.abc import Sequence

from unshim.bot.report.lists import distinct
from unshim.bot.report.markup import code, names, plural
from unshim.bot.report.table import check_name
from unshim.bot.report.values import Report
from unshim.codemods.names import common_package

SHIM_MEANING = (
    "(A *shim* is a module that only re-exports names defined somewhere else; refactors leave "
    "them behind so that old imports keep working.)"
)


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
    kept = len(distinct(outcome.kept)) + len(outcome.not_parsed)
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
