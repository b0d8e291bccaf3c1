"""Which branches unshim may push to or delete: only its own, under the bot branch's prefix,
never the base branch. Pure decisions; bot.publish.gitrepo enforces them before every push."""

from __future__ import annotations


def bot_prefix(branch: str) -> str:
    """The prefix the bot branch lives under (`unshim/` for `unshim/cleanup`): the branches
    that are unshim's to change."""
    return branch.rpartition("/")[0] + "/"


def push_refusal(branch: str, allowed_prefix: str, protected: str) -> str | None:
    """Why pushing to `branch` is refused, or None when it is unshim's to change."""
    if branch == protected:
        return f"refusing to push to {branch}: it is the base branch"
    if not allowed_prefix or not branch.startswith(allowed_prefix) or branch == allowed_prefix:
        return (
            f"refusing to push to {branch}: only branches under {allowed_prefix!r} are "
            "unshim's to change"
        )
    return None
