"""The report's values: what a report is about (Report, Metadata) and the plan's fingerprint,
which marks the bot's own pull request so that a later run recognises it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from unshim.bot import VERSION
from unshim.bot.verify.checks import Verification
from unshim.codemods.outcome import ApplyOutcome

MARKER = "<!-- unshim:fingerprint={} -->"


@dataclass(frozen=True)
class Metadata:
    target: str  # the repository, as the reviewer knows it
    command: str = "unshim verify"  # what produced the report
    version: str = VERSION


@dataclass(frozen=True)
class Report:
    verification: Verification
    outcome: ApplyOutcome
    metadata: Metadata = field(default_factory=lambda: Metadata("."))
    # The configuration file whose `[tool.unshim] removed` now lists the deleted shims.
    guarded: str | None = None

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
    if outcome.patch_targets:  # only then, so that earlier pull requests keep their hash
        plan["patches"] = sorted(
            [str(e.location), e.before, e.after] for e in outcome.patch_targets
        )
    return hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()[:16]
