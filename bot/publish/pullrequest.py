"""A pull request as plain values: the one the bot wants, the one GitHub has, and the error
for a GitHub operation that failed. No PyGithub object is ever one of these."""

from __future__ import annotations

from dataclasses import dataclass

from unshim.bot.errors import EXIT_REFUSED, UnshimError


@dataclass(frozen=True)
class PullRequestSpec:
    """The pull request the bot wants: `head` and `base` are branch names in the repository."""

    title: str
    body: str
    head: str
    base: str
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    draft: bool = False


@dataclass(frozen=True)
class PullRequestInfo:
    number: int
    url: str  # the page a person opens, not the API URL
    state: str  # "open" or "closed"
    merged: bool
    draft: bool
    title: str
    body: str
    head: str


class PullRequestError(UnshimError):
    """GitHub refused or failed a pull request operation; the message says what to change."""

    exit_code = EXIT_REFUSED

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
