"""The publisher of a dry run: it reports what would be published and changes nothing.

No push, no GitHub API call, no token needed (like all-repos' push/readonly.py). The run's
result carries the title and body of the pull request that would be opened, for the command
to print.
"""

from __future__ import annotations

from unshim.bot.publish.publisher import Proposal, Published, Target


class ReadOnlyPublisher:
    def require(self, *, token: str | None, repository: str | None, has_origin: bool) -> None:
        """A dry run needs no token, no GitHub repository and no remote."""

    def preflight(self, target: Target) -> None:
        """Nothing will be published: nothing to check."""

    def hand_back(self, target: Target, marker: str, comment: str) -> Published:
        return Published("stopped")

    def withdraw(self, target: Target, remote_sha: str | None, comment: str) -> Published:
        return Published("nothing")

    def publish(self, target: Target, proposal: Proposal) -> Published:
        return Published("dry-run")
