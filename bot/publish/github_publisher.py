"""The real publisher: push the bot branch with git, open or update its pull request on GitHub.

Each step makes its own `PullRequests`, so the calls a run reports are the ones that step made.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from unshim.bot.config import PullRequestConfig
from unshim.bot.errors import UsageError
from unshim.bot.publish.github_pulls import PullRequests
from unshim.bot.publish.gitrepo import GitRepository
from unshim.bot.publish.publisher import Proposal, Published, Target
from unshim.bot.publish.pullrequest import PullRequestSpec
from unshim.bot.publish.push_policy import bot_prefix

DURATION = re.compile(r"\b\d+(?:\.\d+)? ?s\b")
Say = Callable[[str], None]


def comparable(body: str) -> str:
    """A report body without its timings: a rerun that only ran faster is no new information,
    and editing the pull request for it would notify every reviewer."""
    return DURATION.sub("…s", body)


class GitHubPublisher:
    def __init__(
        self, repo: GitRepository, config: PullRequestConfig, *, pacing: bool, say: Say
    ) -> None:
        self._repo = repo
        self._config = config
        self._pacing = pacing  # PyGithub's pause between writes; off only against a local fake
        self._say = say

    def require(self, *, token: str | None, repository: str | None, has_origin: bool) -> None:
        if token is None:
            raise UsageError(
                f"no token: set {self._config.token_env} (a token that can push and open pull "
                "requests), or use --dry-run to see the pull request without opening it"
            )
        if repository is None:
            raise UsageError(
                "cannot tell which GitHub repository to open the pull request in: pass "
                "--repository OWNER/NAME or set GITHUB_REPOSITORY"
            )
        if not has_origin:
            raise UsageError("the repository has no 'origin' remote to push the bot branch to")

    def preflight(self, target: Target) -> None:
        self._pulls(target).check_access(target.branch)

    def hand_back(self, target: Target, marker: str, comment: str) -> Published:
        pulls = self._pulls(target)
        open_pr = pulls.find_open(target.branch)
        if open_pr is not None:
            pulls.comment_once(open_pr.number, marker, comment)
        return Published("stopped", open_pr, pulls.calls)

    def withdraw(self, target: Target, remote_sha: str | None, comment: str) -> Published:
        pulls = self._pulls(target)
        open_pr = pulls.find_open(target.branch)
        if open_pr is None:
            self._say("nothing to change: no pull request to open")
            return Published("nothing", calls=pulls.calls)
        pulls.close(open_pr.number, comment)
        if remote_sha:
            self._repo.delete_remote_branch(
                target.branch,
                remote_sha,
                target.token,
                allowed_prefix=bot_prefix(target.branch),
                protected=target.base,
            )
        self._say(f"nothing left to change: closed #{open_pr.number} and deleted {target.branch}")
        return Published("closed", open_pr, pulls.calls)

    def publish(self, target: Target, proposal: Proposal) -> Published:
        say = self._say
        pulls = self._pulls(target)
        open_pr = pulls.find_open(target.branch)
        if open_pr is None:
            closed = pulls.find_closed_unmerged(target.branch, proposal.marker)
            if closed is not None:
                say(
                    f"#{closed.number} proposed this same change and was closed without merging: "
                    "not opening it again"
                )
                return Published("closed-by-human", closed, pulls.calls)
        if not proposal.passed and self._config.on_failure == "skip":
            say('a check failed and [tool.unshim.pr] on-failure = "skip": no pull request')
            return Published("skipped", open_pr, pulls.calls)
        self._push(target, proposal)
        spec = PullRequestSpec(
            title=proposal.title,
            body=proposal.body,
            head=target.branch,
            base=target.base,
            labels=self._config.labels,
            reviewers=self._config.reviewers,
            assignees=self._config.assignees,
            draft=not proposal.passed,
        )
        if open_pr is None:
            pr = pulls.create(spec)
            say(f"opened #{pr.number}: {pr.url}")
            return Published("opened", pr, pulls.calls)
        unchanged = (
            comparable(open_pr.body) == comparable(proposal.body)
            and open_pr.title == proposal.title
            and open_pr.draft == (not proposal.passed)
        )
        pr = open_pr if unchanged else pulls.update(open_pr.number, spec)
        say(f"{'left' if unchanged else 'updated'} #{pr.number}: {pr.url}")
        return Published("unchanged" if unchanged else "updated", pr, pulls.calls)

    def _push(self, target: Target, proposal: Proposal) -> None:
        commit, remote_sha = proposal.commit, proposal.remote_sha
        assert commit is not None
        if remote_sha and self._repo.tree_of(commit) == self._repo.tree_of(remote_sha):
            self._say(f"{target.branch} already holds this change: nothing to push")
            return
        self._repo.push_branch(
            target.branch,
            remote_sha,
            target.token,
            allowed_prefix=bot_prefix(target.branch),
            protected=target.base,
        )
        self._say(f"pushed {target.branch}")

    def _pulls(self, target: Target) -> PullRequests:
        assert target.token is not None and target.repository is not None
        return PullRequests(
            token=target.token,
            repository=target.repository,
            api_url=target.api_url,
            pacing=self._pacing,
        )
