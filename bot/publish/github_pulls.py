"""Pull requests on GitHub: finding, opening, updating, commenting on and closing them.

The only module that imports PyGithub. Plain frozen dataclasses go in and come out
(bot.publish.pullrequest), so no PyGithub object (and no lazily-loading attribute that would
make a hidden request) leaves it. Each request goes through bot.publish.github_transport, which
records, retries and explains it; PyGithub's own urllib3 retries are off: they would retry
inside one call, hidden from `calls`, and sleep for as long as GitHub's `retry-after` says with
no upper bound.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

from github import Auth, Consts, Github, GithubException
from github.GithubObject import GithubObject, NotSet
from github.Issue import Issue
from github.PaginatedList import PaginatedList
from github.PullRequest import PullRequest as GithubPullRequest
from github.Repository import Repository

from unshim.bot.publish.github_transport import (
    CONTENTS_WRITE,
    DEFAULT_API_URL,
    ISSUES_WRITE,
    PER_PAGE,
    PULLS_READ,
    PULLS_WRITE,
    ErrorAnswer,
    Transport,
)
from unshim.bot.publish.pullrequest import PullRequestError, PullRequestInfo, PullRequestSpec

LABEL_COLOR = "ededed"  # GitHub's own default grey

T = TypeVar("T")
P = ParamSpec("P")
Item = TypeVar("Item", bound=GithubObject)


class PullRequests:
    """The pull requests of one repository, as one token may see and change them."""

    def __init__(
        self,
        *,
        token: str,
        repository: str,
        api_url: str = DEFAULT_API_URL,
        pacing: bool = True,
        retries: int = 3,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        owner, _, name = repository.partition("/")
        if not owner or not name or "/" in name:
            raise ValueError(f"repository must be 'owner/name', got {repository!r}")
        if not token:
            raise PullRequestError(
                "no GitHub token: set the environment variable named by "
                "[tool.unshim.pr] token-env (GITHUB_TOKEN by default)"
            )
        self._owner = owner
        api_url = api_url.rstrip("/")
        self._transport = Transport(
            token=token,
            repository=repository,
            api_url=api_url,
            retries=retries,
            backoff=backoff,
            sleep=sleep,
        )
        # PyGithub's pacing follows GitHub's advice for integrations (a pause between requests,
        # a longer one between writes), which keeps a busy run clear of secondary rate limits.
        between_requests = Consts.DEFAULT_SECONDS_BETWEEN_REQUESTS if pacing else 0.0
        between_writes = Consts.DEFAULT_SECONDS_BETWEEN_WRITES if pacing else 0.0
        self._github = Github(
            auth=Auth.Token(token),
            base_url=api_url,
            per_page=PER_PAGE,
            retry=None,
            lazy=True,  # no request until one is asked for: each is made, and counted, here
            seconds_between_requests=between_requests,
            seconds_between_writes=between_writes,
        )
        self._repo: Repository = self._github.get_repo(repository)
        self._prefix = f"/repos/{repository}"

    @property
    def calls(self) -> tuple[str, ...]:
        """Every API request made so far as "METHOD /path", retries included, in order."""
        return self._transport.calls

    # --- before any work -------------------------------------------------------------------

    def check_access(self, branch: str) -> None:
        """Fail now, not after the rewrite and every check, when the API does not answer or
        the token may not do the run's work: read the repository (GitHub says there whether
        the token may push, when it says so at all) and list the branch's pull requests.

        Whether it may *open* one is not asked: GitHub has no question for it that changes
        nothing. A refusal then still ends the run with the permission named."""
        what = f"reading {self._prefix.removeprefix('/repos/')}"
        # `raw_data` of the lazy repository is its one GET.
        found = self._call("GET", self._prefix, lambda: self._repo.raw_data, what, CONTENTS_WRITE)
        allowed = found.get("permissions")
        if isinstance(allowed, dict) and allowed.get("push") is False:
            raise PullRequestError(
                f"the token may not push to {found.get('full_name')}: it needs `{CONTENTS_WRITE}` "
                "(under `permissions:` in the workflow job, or granted to the token)"
            )
        self._pulls(branch, "open")

    # --- finding --------------------------------------------------------------------------

    def find_open(self, head: str) -> PullRequestInfo | None:
        """The open pull request from branch `head` of this repository, if there is one."""
        found = self._pulls(head, "open")
        return _info(found[0]) if found else None

    def find_closed_unmerged(self, head: str, marker: str) -> PullRequestInfo | None:
        """The newest pull request from `head` closed without merging whose body has `marker`.

        The marker is the plan's fingerprint: a person who closed the pull request for this
        exact change has said no to it, and the bot must not open it again.
        """
        for pull in self._pulls(head, "closed"):
            if pull.merged_at is None and marker in (pull.body or ""):
                return _info(pull)
        return None

    def _pulls(self, head: str, state: str) -> list[GithubPullRequest]:
        listing = self._repo.get_pulls(state=state, head=f"{self._owner}:{head}")
        what = f"listing the {state} pull requests from branch {head}"
        return self._all(f"{self._prefix}/pulls", listing, what, PULLS_READ)

    # --- creating and updating ------------------------------------------------------------

    def create(self, spec: PullRequestSpec) -> PullRequestInfo:
        """Open the pull request: labels (created first if missing), reviewers, assignees."""
        # Labels first: a token that may not create them fails before anything is opened.
        self._ensure_labels(spec.labels)
        try:
            pull = self._call(
                "POST",
                f"{self._prefix}/pulls",
                lambda: self._repo.create_pull(
                    base=spec.base,
                    head=spec.head,
                    title=spec.title,
                    body=spec.body,
                    draft=spec.draft,
                ),
                f"opening a pull request from {spec.head} into {spec.base}",
                PULLS_WRITE,
            )
        except PullRequestError as error:
            # A retried POST whose first attempt got through, or a run racing another one.
            duplicate = error.status == 422 and "already exists" in str(error)
            existing = self.find_open(spec.head) if duplicate else None
            if existing is None:
                raise
            return self.update(existing.number, spec)
        number = pull.number
        try:
            if spec.labels:
                self._add_labels(number, spec.labels)
            if spec.reviewers:
                self._call(
                    "POST",
                    f"{self._prefix}/pulls/{number}/requested_reviewers",
                    lambda: pull.create_review_request(reviewers=list(spec.reviewers)),
                    f"requesting reviews from {', '.join(spec.reviewers)}",
                    PULLS_WRITE,
                )
            if spec.assignees:
                issue = self._issue(number)
                self._call(
                    "POST",
                    f"{self._prefix}/issues/{number}/assignees",
                    lambda: issue.add_to_assignees(*spec.assignees),
                    f"assigning {', '.join(spec.assignees)}",
                    PULLS_WRITE,
                )
        except PullRequestError as error:
            raise PullRequestError(
                f"pull request #{number} was opened ({pull.html_url}), but {error}",
                status=error.status,
            ) from None
        return _info(pull)

    def update(self, number: int, spec: PullRequestSpec) -> PullRequestInfo:
        """Bring an open pull request in line with `spec`, changing only what differs.

        Title and body are edited only if they changed (an edit notifies subscribers), the
        draft state is synced, and labels in `spec` that are missing are added; labels a person
        added, reviewers and assignees are left alone.
        """
        pull = self._repo.get_pull(number)
        self._call(
            "GET",
            f"{self._prefix}/pulls/{number}",
            pull.complete,
            f"reading pull request #{number}",
            PULLS_READ,
        )
        changed = [
            name
            for name, wanted, current in (
                ("title", spec.title, pull.title),
                ("body", spec.body, pull.body or ""),
            )
            if wanted != current
        ]
        if changed:
            self._call(
                "PATCH",
                f"{self._prefix}/pulls/{number}",
                lambda: pull.edit(
                    title=spec.title if "title" in changed else NotSet,
                    body=spec.body if "body" in changed else NotSet,
                ),
                f"editing the {' and '.join(changed)} of pull request #{number}",
                PULLS_WRITE,
            )
        if pull.draft != spec.draft:
            toggle = pull.convert_to_draft if spec.draft else pull.mark_ready_for_review
            self._call(
                "POST",
                "/graphql",
                toggle,
                f"marking pull request #{number} as {'draft' if spec.draft else 'ready'}",
                PULLS_WRITE,
            )
        present = {label.name.lower() for label in pull.labels}
        missing = tuple(name for name in spec.labels if name.lower() not in present)
        if missing:
            self._ensure_labels(missing)
            self._add_labels(number, missing)
        return _info(pull)

    def _ensure_labels(self, names: Iterable[str]) -> None:
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return
        existing = self._all(
            f"{self._prefix}/labels", self._repo.get_labels(), "listing labels", PULLS_READ
        )
        known = {label.name.lower() for label in existing}
        for name in wanted:
            if name.lower() in known:
                continue
            try:
                self._call(
                    "POST",
                    f"{self._prefix}/labels",
                    functools.partial(self._repo.create_label, name, LABEL_COLOR),
                    f"creating the label {name!r}",
                    ISSUES_WRITE,
                )
            except PullRequestError as error:
                if "already_exists" not in str(error):  # created meanwhile: fine
                    raise

    def _add_labels(self, number: int, names: tuple[str, ...]) -> None:
        path = f"{self._prefix}/issues/{number}/labels"
        # PyGithub's Issue.add_to_labels sends a bare JSON array, which GitHub accepts but its
        # API description no longer documents; the documented form is {"labels": [...]}.
        self._call(
            "POST",
            path,
            lambda: self._github.requester.requestJsonAndCheck(
                "POST", path, input={"labels": list(names)}
            ),
            f"adding the labels {', '.join(names)} to pull request #{number}",
            PULLS_WRITE,
        )

    # --- comments, closing, branches ------------------------------------------------------

    def comment_once(self, number: int, marker: str, text: str) -> bool:
        """Comment unless a comment containing `marker` is already there; True if it posted."""
        if marker not in text:
            raise ValueError("the comment must contain its marker, or the next run repeats it")
        issue = self._issue(number)
        comments = self._all(
            f"{self._prefix}/issues/{number}/comments",
            issue.get_comments(),
            f"reading the comments of pull request #{number}",
            PULLS_READ,
        )
        if any(marker in (comment.body or "") for comment in comments):
            return False
        self._comment(issue, number, text)
        return True

    def close(self, number: int, comment: str) -> None:
        """Say why, then close the pull request (the comment first, so it is seen)."""
        if comment:
            self._comment(self._issue(number), number, comment)
        pull = self._repo.get_pull(number)
        self._call(
            "PATCH",
            f"{self._prefix}/pulls/{number}",
            lambda: pull.edit(state="closed"),
            f"closing pull request #{number}",
            PULLS_WRITE,
        )

    def delete_branch(self, branch: str) -> None:
        """Delete the branch; a branch that is already gone is not an error."""
        ref = self._repo.get_git_ref(f"heads/{branch}")
        what = f"deleting the branch {branch}"
        try:
            path = f"{self._prefix}/git/ref/heads/{branch}"
            self._call("GET", path, ref.complete, what, CONTENTS_WRITE)
        except PullRequestError as error:
            if error.status == 404:
                return
            raise
        try:
            self._call(
                "DELETE",
                f"{self._prefix}/git/refs/heads/{branch}",
                ref.delete,
                what,
                CONTENTS_WRITE,
            )
        except PullRequestError as error:
            if error.status == 422 and "does not exist" in str(error):
                return
            raise

    def _comment(self, issue: Issue, number: int, text: str) -> None:
        self._call(
            "POST",
            f"{self._prefix}/issues/{number}/comments",
            lambda: issue.create_comment(text),
            f"commenting on pull request #{number}",
            PULLS_WRITE,
        )

    def _issue(self, number: int) -> Issue:
        # Lazy: no request until a method of the issue makes one.
        return self._repo.get_issue(number)

    def _all(
        self, path: str, listing: PaginatedList[Item], what: str, permission: str
    ) -> list[Item]:
        return self._transport.all(path, _answered(listing.get_page), what, permission)

    def _call(
        self, method: str, path: str, request: Callable[[], T], what: str, permission: str
    ) -> T:
        return self._transport.call(method, path, _answered(request), what, permission)


def _answered(request: Callable[P, T]) -> Callable[P, T]:
    """`request`, with PyGithub's exception for an error answer turned into the transport's."""

    @functools.wraps(request)
    def answered(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return request(*args, **kwargs)
        except GithubException as error:
            headers = {k.lower(): v for k, v in (error.headers or {}).items()}
            raise ErrorAnswer(error.status, error.data, headers) from None

    return answered


def _info(pull: GithubPullRequest) -> PullRequestInfo:
    # Only fields that both `pull-request` and `pull-request-simple` carry, so reading them
    # never triggers PyGithub's lazy completion (an extra, uncounted request).
    return PullRequestInfo(
        number=pull.number,
        url=pull.html_url,
        state=pull.state,
        merged=pull.merged_at is not None,
        draft=bool(pull.draft),
        title=pull.title,
        body=pull.body or "",
        head=pull.head.ref,
    )
