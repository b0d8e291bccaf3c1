"""What the bot says besides the report: pull request titles, commit messages, and the comments
it leaves when it stops updating or closes its pull request. Pure text, no side effects."""

from __future__ import annotations

import hashlib
import re

from unshim.codemods.names import common_package
from unshim.codemods.outcome import ApplyOutcome

BRANCH_PREFIX = "unshim/"
HUMAN_MARKER = "<!-- unshim:human-commits -->"
HUMAN_COMMENT = (
    HUMAN_MARKER
    + "\nunshim stopped updating this pull request: the branch `{branch}` has commits that it "
    "did not make ({commits}). It will not push over them.\n\n"
    "To hand the branch back to unshim, delete the branch (or close this pull request and "
    "delete it); the next run starts it afresh from `{base}`. To keep your changes, merge this "
    "pull request yourself."
)
CLOSE_COMMENT = (
    "unshim is closing this pull request: on `{base}` nothing imports through {shims} any more "
    "and nothing is left to delete, so there is no change to propose. The branch `{branch}` is "
    "deleted with it."
)


def short(module: str) -> str:
    """The last two components of a dotted name: `exchange.mexc` for a reader in a title."""
    return ".".join(module.split(".")[-2:])


def branch_name(shims: tuple[str, ...], auto: bool) -> str:
    """`unshim/<slug>`: derived from what is removed, so every run of the same job lands on the
    same branch and pull request."""
    words = [short(s).replace(".", "-") for s in sorted(shims)] or (["auto"] if auto else [])
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", "+".join(words) or "cleanup").strip("-.")
    if len(slug) > 60:
        digest = hashlib.sha256("\n".join(sorted(shims)).encode()).hexdigest()[:8]
        slug = f"{slug[:50].rstrip('-.+')}-{digest}"
    return BRANCH_PREFIX + slug


def shim_list(shims: tuple[str, ...]) -> str:
    return ", ".join(f"`{s}`" for s in shims) or "the shims"


TITLE_LIMIT = 256  # characters GitHub accepts in a pull request title


def layer(shims: tuple[str, ...]) -> str:
    """What the title says is removed: the shims by name when they are few, else their count
    and where they are ("43 shims in 2 packages", "12 shims of exchange.mexc")."""
    if not shims:
        return "the shim modules"
    if len(shims) <= 3:
        return f"the {', '.join(short(s) for s in shims)} shim layer"
    parents = sorted({s.rpartition(".")[0] or s for s in shims})
    count = f"{len(shims)} shims"
    if len(parents) == 1:
        return f"{count} of {parents[0]}"
    common = common_package(shims)
    packages = f"{len(parents)} packages"
    return f"{count} in {packages} under {common}" if common else f"{count} in {packages}"


def title(outcome: ApplyOutcome) -> str:
    edits, deleted = len(outcome.edits), len(outcome.deleted_files)
    parts = []
    if edits:
        parts.append(f"{edits:,} import{'s' if edits != 1 else ''} rewritten")
    if deleted:
        parts.append(f"{deleted:,} file{'s' if deleted != 1 else ''} deleted")
    suffix = f" ({', '.join(parts)})" if parts else ""
    text = f"Remove {layer(outcome.shims)}{suffix}"
    if len(text) > TITLE_LIMIT:  # a few very long dotted names: GitHub would refuse it
        text = f"Remove {len(outcome.shims)} shim{'s' if len(outcome.shims) != 1 else ''}{suffix}"
    return text if len(text) <= TITLE_LIMIT else text[: TITLE_LIMIT - 1] + "…"


def commit_message(outcome: ApplyOutcome, fingerprint: str) -> str:
    lines = [title(outcome), ""]
    if outcome.edits:
        canonical = common_package(outcome.canonical) or "the modules that define the names"
        lines.append(
            f"Rewrite {len(outcome.edits)} imports in {len(outcome.changed_files)} files to "
            f"import from {canonical} directly."
        )
    if outcome.deleted_files:
        lines.append(f"Delete {len(outcome.deleted_files)} files that nothing references.")
    if outcome.kept:
        lines.append(f"Keep {len(outcome.kept)} items unshim could not prove safe to change.")
    lines += ["", f"unshim-fingerprint: {fingerprint}"]
    return "\n".join(lines)
