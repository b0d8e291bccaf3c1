"""bot.publish.github_pulls against the fake GitHub: real HTTP, real PyGithub, GitHub's API
description."""

from __future__ import annotations

import logging
import socket
import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from tests.fakegithub.fixtures import GitHubFixture
from tests.fakegithub.server import ACTIONS_CANNOT_CREATE_PULLS
from tests.fakegithub.state import Comment
from unshim.bot.publish.github_pulls import PullRequests
from unshim.bot.publish.github_transport import ACTIONS_SETTING, MAX_WAIT, SECONDARY_RATE_WAIT
from unshim.bot.publish.pullrequest import PullRequestError, PullRequestSpec

BRANCH = "unshim/remove-compat-shim"
MARKER = "<!-- unshim:plan=3f2a9c -->"
SPEC = PullRequestSpec(
    title="Remove the compat shim",
    body=f"Rewrites imports of `pkg.compat`.\n\n{MARKER}",
    head=BRANCH,
    base="main",
    labels=("unshim",),
)

Make = Callable[..., PullRequests]


class Sleeps(list[float]):
    """Stands in for time.sleep: records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make(github: GitHubFixture, sleeps: Sleeps) -> Make:
    github.state.add_branch(github.repo, BRANCH)

    def make(**options: Any) -> PullRequests:
        settings: dict[str, Any] = {
            "token": github.token,
            "repository": github.repo,
            "api_url": github.api_url,
            "pacing": False,
            "backoff": 0.0,
            "sleep": sleeps,
        }
        settings.update(options)
        return PullRequests(**settings)

    return make


def logged(github: GitHubFixture) -> list[str]:
    return [f"{r.method} {r.path}" for r in github.requests]


# --- the whole flow -------------------------------------------------------------------------


def test_create_opens_the_pull_request_with_labels_reviewers_and_assignees(
    github: GitHubFixture, make: Make
) -> None:
    github.state.add_label(github.repo, "Refactor")
    pulls = make()
    spec = PullRequestSpec(
        title=SPEC.title,
        body=SPEC.body,
        head=BRANCH,
        base="main",
        labels=("unshim", "refactor"),
        reviewers=("alice",),
        assignees=("bob",),
    )

    info = pulls.create(spec)

    pull = github.state.pull(github.repo, info.number)
    assert (info.state, info.merged, info.draft, info.head) == ("open", False, False, BRANCH)
    assert info.url == f"https://github.com/{github.repo}/pull/{info.number}"
    assert (pull.title, pull.body, pull.head, pull.base) == (spec.title, spec.body, BRANCH, "main")
    assert pull.labels == ["unshim", "Refactor"]  # matched without regard to case, not duplicated
    assert (pull.requested_reviewers, pull.assignees) == (["alice"], ["bob"])
    created = github.repository.label("unshim")
    assert created is not None and created.color == "ededed"
    prefix = f"/repos/{github.repo}"
    assert pulls.calls == (
        f"GET {prefix}/labels",
        f"POST {prefix}/labels",
        f"POST {prefix}/pulls",
        f"POST {prefix}/issues/{info.number}/labels",
        f"POST {prefix}/pulls/{info.number}/requested_reviewers",
        f"POST {prefix}/issues/{info.number}/assignees",
    )
    assert list(pulls.calls) == logged(github)


def test_the_renovate_style_flow(github: GitHubFixture, make: Make) -> None:
    pulls = make()
    assert pulls.find_open(BRANCH) is None

    created = pulls.create(SPEC)
    assert pulls.find_open(BRANCH) == created

    before = len(github.requests)
    assert pulls.update(created.number, SPEC) == created
    assert [r.method for r in github.requests[before:]] == ["GET"]
    assert github.calls("PATCH") == []

    draft = pulls.update(created.number, replace(SPEC, draft=True))
    assert draft.draft and github.state.pull(github.repo, created.number).draft
    ready = pulls.update(created.number, SPEC)
    assert not ready.draft and not github.state.pull(github.repo, created.number).draft
    assert len(github.calls("POST", "/graphql")) == 2

    assert pulls.comment_once(created.number, MARKER, f"Verification passed.\n{MARKER}")
    assert not pulls.comment_once(created.number, MARKER, f"Verification passed.\n{MARKER}")
    assert len(github.state.pull(github.repo, created.number).comments) == 1

    pulls.close(created.number, "Superseded: the shim is gone.")
    pull = github.state.pull(github.repo, created.number)
    assert pull.state == "closed" and pull.comments[-1].body == "Superseded: the shim is gone."
    assert pulls.find_open(BRANCH) is None

    pulls.delete_branch(BRANCH)
    assert BRANCH not in github.repository.branches
    assert list(pulls.calls) == logged(github)


# --- finding --------------------------------------------------------------------------------


def test_find_open_ignores_other_branches_and_closed_pull_requests(
    github: GitHubFixture, make: Make
) -> None:
    github.state.add_pull(github.repo, head=BRANCH, state="closed")
    github.state.add_pull(github.repo, head="someone/else")

    assert make().find_open(BRANCH) is None


def test_find_closed_unmerged_needs_the_marker_and_no_merge(
    github: GitHubFixture, make: Make
) -> None:
    github.state.add_pull(github.repo, head=BRANCH, state="closed", body="an older plan")
    wanted = github.state.add_pull(github.repo, head=BRANCH, state="closed", body=SPEC.body)
    github.state.add_pull(github.repo, head=BRANCH, merged=True, body=SPEC.body)
    github.state.add_pull(github.repo, head=BRANCH, body=SPEC.body)  # open

    found = make().find_closed_unmerged(BRANCH, MARKER)

    assert found is not None
    assert (found.number, found.state, found.merged) == (wanted.number, "closed", False)
    assert make().find_closed_unmerged(BRANCH, "<!-- unshim:plan=other -->") is None


def test_listings_follow_every_page(github: GitHubFixture, make: Make) -> None:
    pull = github.state.add_pull(github.repo, head=BRANCH)
    for n in range(100):
        pull.comments.append(Comment(id=n, body=f"comment {n}"))
    pulls = make()

    assert pulls.comment_once(pull.number, MARKER, f"new {MARKER}")

    comments_path = f"/repos/{github.repo}/issues/{pull.number}/comments"
    assert [r.query.get("page") for r in github.calls("GET", comments_path)] == [None, ["2"]]


# --- updating -------------------------------------------------------------------------------


def test_update_edits_only_what_changed_and_keeps_labels_people_added(
    github: GitHubFixture, make: Make
) -> None:
    pull = github.state.add_pull(
        github.repo, head=BRANCH, title=SPEC.title, body="old body", labels=("keep-me",)
    )
    pulls = make()

    info = pulls.update(pull.number, SPEC)

    assert info.body == SPEC.body and info.title == SPEC.title
    (patch,) = github.calls("PATCH")
    assert patch.body == {"body": SPEC.body}
    assert pull.labels == ["keep-me", "unshim"]
    (add,) = github.calls("POST", f"/repos/{github.repo}/issues/*/labels")
    assert add.body == {"labels": ["unshim"]}


def test_create_for_a_head_that_already_has_an_open_pull_request_updates_it(
    github: GitHubFixture, make: Make
) -> None:
    existing = github.state.add_pull(github.repo, head=BRANCH, title="stale title")

    info = make().create(SPEC)

    assert info.number == existing.number and existing.title == SPEC.title
    assert len(github.repository.pulls) == 1


# --- comments, closing, branches ------------------------------------------------------------


def test_comment_once_needs_the_marker_in_the_text(github: GitHubFixture, make: Make) -> None:
    pull = github.state.add_pull(github.repo, head=BRANCH)

    with pytest.raises(ValueError, match="marker"):
        make().comment_once(pull.number, MARKER, "no marker here")


def test_close_comments_before_closing(github: GitHubFixture, make: Make) -> None:
    pull = github.state.add_pull(github.repo, head=BRANCH)

    make().close(pull.number, "Closing: nothing left to change.")

    assert [r.method for r in github.requests] == ["POST", "PATCH"]
    assert github.requests[1].body == {"state": "closed"}
    assert pull.state == "closed"


def test_deleting_a_branch_that_is_already_gone_is_fine(github: GitHubFixture, make: Make) -> None:
    pulls = make()
    pulls.delete_branch(BRANCH)

    pulls.delete_branch(BRANCH)

    assert [r.status for r in github.requests] == [200, 204, 404]


# --- transient failures ---------------------------------------------------------------------


def test_a_502_is_retried_with_growing_backoff(
    github: GitHubFixture, make: Make, sleeps: Sleeps
) -> None:
    github.fail(f"/repos/{github.repo}/pulls", method="POST", times=2)

    info = make(backoff=0.5).create(replace(SPEC, labels=()))

    assert [r.status for r in github.calls("POST")] == [502, 502, 201]
    assert sleeps == [0.5, 1.0]
    assert len(github.repository.pulls) == 1
    assert info.number == 1


def test_a_502_that_does_not_go_away_ends_with_an_error(
    github: GitHubFixture, make: Make, sleeps: Sleeps
) -> None:
    github.fail(f"/repos/{github.repo}/pulls", times=None)

    with pytest.raises(
        PullRequestError, match=r"answered 502 \(Server Error\) to all 3 attempts"
    ) as caught:
        make(retries=2).find_open(BRANCH)

    assert caught.value.status == 502
    assert len(github.requests) == 3 and len(sleeps) == 2


def test_a_secondary_rate_limit_waits_as_long_as_retry_after_says(
    github: GitHubFixture, make: Make, sleeps: Sleeps
) -> None:
    github.secondary_rate_limit(f"/repos/{github.repo}/pulls", retry_after=7)

    assert make().find_open(BRANCH) is None

    assert sleeps == [7.0]
    assert [r.status for r in github.requests] == [403, 200]


def test_a_secondary_rate_limit_without_retry_after_waits_a_minute(
    github: GitHubFixture, make: Make, sleeps: Sleeps
) -> None:
    github.fail(
        f"/repos/{github.repo}/pulls",
        status=403,
        message="You have exceeded a secondary rate limit. Please wait a few minutes "
        "before you try again.",
    )
    github.secondary_rate_limit(f"/repos/{github.repo}/pulls", status=429, retry_after=2)

    assert make().find_open(BRANCH) is None

    assert sleeps == [SECONDARY_RATE_WAIT, 2.0]
    assert [r.status for r in github.requests] == [403, 429, 200]


def test_a_retry_after_longer_than_the_limit_fails_at_once(
    github: GitHubFixture, make: Make, sleeps: Sleeps
) -> None:
    github.secondary_rate_limit(f"/repos/{github.repo}/pulls", retry_after=int(MAX_WAIT) + 1)

    with pytest.raises(PullRequestError, match="secondary rate limit"):
        make().find_open(BRANCH)

    assert sleeps == []


def test_an_unreachable_api_is_retried_then_reported(make: Make, sleeps: Sleeps) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once the socket is closed

    with pytest.raises(PullRequestError, match=r"cannot reach http://127\.0\.0\.1"):
        make(api_url=f"http://127.0.0.1:{port}", retries=1).find_open(BRANCH)

    assert sleeps == [0.0]


# --- permissions ----------------------------------------------------------------------------


def test_a_forbidden_pull_request_names_the_missing_permission(
    github: GitHubFixture, make: Make
) -> None:
    github.forbid(f"/repos/{github.repo}/pulls", method="POST")

    with pytest.raises(PullRequestError) as caught:
        make().create(replace(SPEC, labels=()))

    message = str(caught.value)
    assert "opening a pull request from unshim/remove-compat-shim into main failed" in message
    assert "Resource not accessible by integration" in message
    assert "`pull-requests: write`" in message
    assert len(github.calls("POST")) == 1  # a plain 403 is not retried


def test_actions_not_allowed_to_open_pull_requests_names_the_setting(
    github: GitHubFixture, make: Make
) -> None:
    github.forbid(f"/repos/{github.repo}/pulls", ACTIONS_CANNOT_CREATE_PULLS, method="POST")

    with pytest.raises(PullRequestError) as caught:
        make().create(replace(SPEC, labels=()))

    assert ACTIONS_SETTING in str(caught.value)
    assert "Allow GitHub Actions to create and approve pull requests" in str(caught.value)


def test_a_forbidden_draft_change_names_the_missing_permission(
    github: GitHubFixture, make: Make
) -> None:
    pull = github.state.add_pull(github.repo, head=BRANCH, title=SPEC.title, body=SPEC.body)
    github.forbid("/graphql")

    with pytest.raises(
        PullRequestError, match=r"marking pull request #1 as draft failed.*`pull-requests: write`"
    ):
        make().update(pull.number, replace(SPEC, draft=True, labels=()))

    assert not pull.draft


def test_a_label_created_meanwhile_is_not_an_error(github: GitHubFixture, make: Make) -> None:
    github.state.add_label(github.repo, "unshim")
    github.tamper(f"/repos/{github.repo}/labels", lambda labels: [], method="GET")

    info = make().create(SPEC)

    assert [r.status for r in github.calls(path=f"/repos/{github.repo}/labels")] == [200, 422]
    assert github.state.pull(github.repo, info.number).labels == ["unshim"]


def test_a_forbidden_branch_deletion_names_contents_write(
    github: GitHubFixture, make: Make
) -> None:
    github.forbid(f"/repos/{github.repo}/git/refs/*", method="DELETE")

    with pytest.raises(PullRequestError, match="`contents: write`"):
        make().delete_branch(BRANCH)


def test_labels_that_cannot_be_created_stop_before_anything_is_opened(
    github: GitHubFixture, make: Make
) -> None:
    github.forbid(f"/repos/{github.repo}/labels", method="POST")

    with pytest.raises(PullRequestError, match="`issues: write`"):
        make().create(SPEC)

    assert github.repository.pulls == {}


def test_a_refused_reviewer_says_the_pull_request_was_opened(
    github: GitHubFixture, make: Make
) -> None:
    spec = replace(SPEC, reviewers=("github-actions[bot]",))

    with pytest.raises(PullRequestError, match=r"pull request #1 was opened .*/pull/1\), but"):
        make().create(spec)


def test_a_missing_repository_explains_the_404(github: GitHubFixture, make: Make) -> None:
    with pytest.raises(PullRequestError) as caught:
        make(repository="octo-org/elsewhere").find_open(BRANCH)

    message = str(caught.value)
    assert "404 Not Found" in message and "octo-org/elsewhere" in message
    assert "`pull-requests: read`" in message
    assert caught.value.status == 404


def test_no_token_is_refused_before_any_request() -> None:
    with pytest.raises(PullRequestError, match="token-env"):
        PullRequests(token="", repository="octo-org/project")


def test_a_bad_token_says_so(github: GitHubFixture, make: Make) -> None:
    with pytest.raises(PullRequestError, match="rejected the token \\(401 Bad credentials\\)"):
        make(token="ghp_expired").find_open(BRANCH)


def test_the_token_never_appears_in_errors_or_output(
    github: GitHubFixture,
    make: Make,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    token = "ghp_SECRETsecretSECRET0123456789abcdef"
    github.token = token
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="github")  # PyGithub's own level is INFO
    pulls = make(token=token, retries=1)
    github.fail("/repos/*", status=502, times=1)
    github.forbid(f"/repos/{github.repo}/pulls", method="POST")
    github.forbid(f"/repos/{github.repo}/git/refs/*", method="DELETE")
    failures: list[BaseException] = []

    pulls.find_open(BRANCH)
    attempts: list[Callable[[], object]] = [
        lambda: pulls.create(replace(SPEC, labels=())),
        lambda: pulls.delete_branch(BRANCH),
        lambda: make(token="ghp_wrongWRONGwrong").find_open(BRANCH),
    ]
    for attempt in attempts:
        with pytest.raises(PullRequestError) as caught:
            attempt()
        failures.append(caught.value)

    out, err = capsys.readouterr()
    texts = [out, err, caplog.text, repr(pulls.calls), repr(pulls)]
    for failure in failures:
        texts += [str(failure), repr(failure), repr(failure.args)]
        texts += traceback.format_exception(type(failure), failure, failure.__traceback__)
    assert len(failures) == 3
    assert "Authorization" in caplog.text  # PyGithub logged each request's headers
    assert all(token not in text for text in texts)
