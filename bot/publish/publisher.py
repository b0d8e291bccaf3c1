"""What publishing a run means, as a Protocol and the values it takes and returns.

The pipeline picks one publisher when a run starts: bot.publish.github_publisher's
`GitHubPublisher` (git push and a GitHub pull request) or, for a dry run,
bot.publish.readonly's `ReadOnlyPublisher` (nothing pushed, no API called). The flow is the
same either way; only what each step does to the outside world differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from unshim.bot.publish.pullrequest import PullRequestInfo


@dataclass(frozen=True)
class Target:
    """Where a run publishes: the GitHub repository, the token, the base and the bot branch."""

    repository: str | None
    token: str | None
    api_url: str
    base: str
    base_ref: str  # what the bot branch starts from: origin/<base>, or HEAD without a remote
    branch: str


@dataclass(frozen=True)
class Proposal:
    """The change a run made and verified, committed on the local bot branch."""

    title: str
    body: str
    marker: str  # the plan's fingerprint as it appears in `body`
    passed: bool
    commit: str | None
    remote_sha: str | None  # the remote bot branch as fetched; None when it has none


@dataclass(frozen=True)
class Published:
    """What a publisher did (or, read-only, would stop at): the run's action and pull request,
    and every GitHub API request it made."""

    action: str
    pr: PullRequestInfo | None = None
    calls: tuple[str, ...] = ()


class Publisher(Protocol):
    def require(self, *, token: str | None, repository: str | None, has_origin: bool) -> None:
        """Raise UsageError, before anything is done, if this publisher cannot work."""

    def preflight(self, target: Target) -> None:
        """Before any work: raise when publishing cannot succeed (the API does not answer,
        the token may not push or read pull requests)."""
        ...

    def hand_back(self, target: Target, marker: str, comment: str) -> Published:
        """Someone else committed to the bot branch: say so on its pull request, push nothing."""

    def withdraw(self, target: Target, remote_sha: str | None, comment: str) -> Published:
        """Nothing is left to change: close the bot's pull request and delete its branch."""

    def publish(self, target: Target, proposal: Proposal) -> Published:
        """Push the bot branch and open or update its pull request."""
