"""How the fake GitHub answers each REST operation it serves, keyed as in `operations.SERVED`.

The behaviour follows api.github.com where the bot can observe it: label names match without
regard to case, adding an unknown label to an issue creates it, a pull request for a head that
already has an open one is refused with 422, deleting a branch closes its open pull requests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakegithub import payloads
from tests.fakegithub.state import BOT_LOGIN, Comment, GitHubState, PullRequest, Repository, now

DOCS = "https://docs.github.com/rest"


@dataclass
class Call:
    """One request as a handler sees it: path parameters decoded, JSON body parsed."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    api: str
    state: GitHubState

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    @property
    def repo(self) -> Repository:
        repo = self.state.repository(f"{self.params['owner']}/{self.params['repo']}")
        if repo is None:
            raise ApiError(404, "Not Found", f"{DOCS}/repos/repos#get-a-repository")
        repo.sync_branches()
        return repo

    def pull(self, key: str) -> PullRequest:
        pull = self.repo.pulls.get(int(self.params[key]))
        if pull is None:
            raise ApiError(404, "Not Found", f"{DOCS}/pulls/pulls#get-a-pull-request")
        return pull


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    def __init__(
        self, status: int, message: str, docs: str = DOCS, errors: list[Any] | None = None
    ) -> None:
        super().__init__(message)
        self.reply = Reply(status, payloads.error(message, status, docs))
        if errors is not None:
            self.reply.body["errors"] = errors


def _validation_failed(docs: str, *errors: dict[str, Any]) -> ApiError:
    return ApiError(422, "Validation Failed", docs, list(errors))


def _paginate(call: Call, items: list[Any]) -> Reply:
    per_page = int(call.arg("per_page", "30") or 30)
    page = int(call.arg("page", "1") or 1)
    start = (page - 1) * per_page
    headers = {}
    if start + per_page < len(items):
        # PyGithub follows the Link header, as every GitHub client does.
        headers["Link"] = f'<{call.api}{call.path}?per_page={per_page}&page={page + 1}>; rel="next"'
    return Reply(200, items[start : start + per_page], headers)


# --- repositories ---------------------------------------------------------------------------


def get_repo(call: Call) -> Reply:
    return Reply(200, payloads.repository(call.repo, call.api, full=True))


# --- pull requests --------------------------------------------------------------------------

_PULLS_DOCS = f"{DOCS}/pulls/pulls"


def list_pulls(call: Call) -> Reply:
    repo = call.repo
    state = call.arg("state", "open")
    head = call.arg("head")
    base = call.arg("base")
    found = []
    for pull in sorted(repo.pulls.values(), key=lambda p: p.number, reverse=True):
        if state != "all" and pull.state != state:
            continue
        if head is not None:
            owner, _, branch = head.rpartition(":")
            if owner.lower() != repo.owner.lower() or branch != pull.head:
                continue
        if base is not None and pull.base != base:
            continue
        found.append(payloads.pull_request(pull, repo, call.api, full=False))
    if call.arg("direction") == "asc":
        found.reverse()
    return _paginate(call, found)


def create_pull(call: Call) -> Reply:
    repo = call.repo
    docs = f"{_PULLS_DOCS}#create-a-pull-request"
    head = str(call.body.get("head", "")).rpartition(":")[2]
    base = str(call.body.get("base", ""))
    if head not in repo.branches:
        raise _validation_failed(
            docs, {"resource": "PullRequest", "field": "head", "code": "invalid"}
        )
    if base not in repo.branches:
        raise _validation_failed(
            docs, {"resource": "PullRequest", "field": "base", "code": "invalid"}
        )
    for other in repo.pulls.values():
        if other.state == "open" and other.head == head and other.base == base:
            message = f"A pull request already exists for {repo.owner}:{head}."
            raise _validation_failed(
                docs, {"resource": "PullRequest", "code": "custom", "message": message}
            )
    with call.state.lock:
        pull = PullRequest(
            id=call.state.new_id(),
            number=repo.next_number,
            title=str(call.body.get("title", "")),
            body=call.body.get("body"),
            head=head,
            base=base,
            head_sha=repo.branches[head],
            draft=bool(call.body.get("draft", False)),
        )
        repo.pulls[pull.number] = pull
        repo.next_number += 1
    return Reply(201, payloads.pull_request(pull, repo, call.api))


def get_pull(call: Call) -> Reply:
    return Reply(200, payloads.pull_request(call.pull("pull_number"), call.repo, call.api))


def update_pull(call: Call) -> Reply:
    pull = call.pull("pull_number")
    body = call.body or {}
    with call.state.lock:
        if "title" in body:
            pull.title = body["title"]
        if "body" in body:
            pull.body = body["body"]
        if "base" in body:
            pull.base = body["base"]
        if body.get("state") == "closed" and pull.state == "open":
            pull.state, pull.closed_at = "closed", now()
        elif body.get("state") == "open" and pull.state == "closed":
            if pull.merged:
                raise _validation_failed(
                    f"{_PULLS_DOCS}#update-a-pull-request",
                    {"resource": "PullRequest", "code": "custom", "message": "merged"},
                )
            pull.state, pull.closed_at = "open", None
        pull.updated_at = now()
    return Reply(200, payloads.pull_request(pull, call.repo, call.api))


def list_requested_reviewers(call: Call) -> Reply:
    pull = call.pull("pull_number")
    users = [payloads.user(login, call.api) for login in pull.requested_reviewers]
    return Reply(200, {"users": users, "teams": []})


def request_reviewers(call: Call) -> Reply:
    pull = call.pull("pull_number")
    reviewers = [str(r) for r in (call.body or {}).get("reviewers", [])]
    if pull.user in reviewers:
        raise ApiError(
            422,
            "Review cannot be requested from pull request author.",
            f"{DOCS}/pulls/review-requests#request-reviewers-for-a-pull-request",
        )
    with call.state.lock:
        pull.requested_reviewers.extend(r for r in reviewers if r not in pull.requested_reviewers)
    return Reply(201, payloads.pull_request(pull, call.repo, call.api, full=False))


# --- labels ---------------------------------------------------------------------------------


def list_labels(call: Call) -> Reply:
    repo = call.repo
    return _paginate(call, [payloads.label(item, repo, call.api) for item in repo.labels.values()])


def create_label(call: Call) -> Reply:
    repo = call.repo
    name = str(call.body["name"])
    if repo.label(name) is not None:
        raise _validation_failed(
            f"{DOCS}/issues/labels#create-a-label",
            {"resource": "Label", "code": "already_exists", "field": "name"},
        )
    item = call.state.add_label(
        repo.full_name,
        name,
        color=str(call.body.get("color", "ededed")).lstrip("#"),
        description=call.body.get("description"),
    )
    return Reply(201, payloads.label(item, repo, call.api))


def get_label(call: Call) -> Reply:
    repo = call.repo
    item = repo.label(call.params["name"])
    if item is None:
        raise ApiError(404, "Not Found", f"{DOCS}/issues/labels#get-a-label")
    return Reply(200, payloads.label(item, repo, call.api))


def list_issue_labels(call: Call) -> Reply:
    pull = call.pull("issue_number")
    return _paginate(call, payloads.labels_of(pull, call.repo, call.api))


def add_issue_labels(call: Call) -> Reply:
    repo, pull = call.repo, call.pull("issue_number")
    body = call.body
    names = body if isinstance(body, list) else (body or {}).get("labels", [])
    names = [n if isinstance(n, str) else n["name"] for n in names]
    with call.state.lock:
        for name in names:
            item = repo.label(name) or call.state.add_label(repo.full_name, name)
            if all(existing.lower() != item.name.lower() for existing in pull.labels):
                pull.labels.append(item.name)
    return Reply(200, payloads.labels_of(pull, repo, call.api))


# --- comments and assignees -----------------------------------------------------------------


def list_comments(call: Call) -> Reply:
    repo, pull = call.repo, call.pull("issue_number")
    return _paginate(call, [payloads.comment(c, pull, repo, call.api) for c in pull.comments])


def create_comment(call: Call) -> Reply:
    repo, pull = call.repo, call.pull("issue_number")
    with call.state.lock:
        item = Comment(id=call.state.new_id(), body=str(call.body["body"]), user=BOT_LOGIN)
        pull.comments.append(item)
    return Reply(201, payloads.comment(item, pull, repo, call.api))


def add_assignees(call: Call) -> Reply:
    repo, pull = call.repo, call.pull("issue_number")
    wanted = (call.body or {}).get("assignees", [])
    logins = [a if isinstance(a, str) else a["login"] for a in wanted]
    with call.state.lock:
        pull.assignees.extend(login for login in logins if login not in pull.assignees)
    return Reply(201, payloads.issue(pull, repo, call.api))


# --- git references -------------------------------------------------------------------------


def _branch_of(call: Call, docs: str) -> str:
    kind, _, branch = call.params["ref"].partition("/")
    if kind != "heads" or branch not in call.repo.branches:
        raise ApiError(404, "Not Found", docs)
    return branch


def get_ref(call: Call) -> Reply:
    branch = _branch_of(call, f"{DOCS}/git/refs#get-a-reference")
    return Reply(200, payloads.git_ref(call.repo, branch, call.api))


def delete_ref(call: Call) -> Reply:
    repo = call.repo
    kind, _, branch = call.params["ref"].partition("/")
    if kind != "heads" or branch not in repo.branches:
        raise ApiError(422, "Reference does not exist", f"{DOCS}/git/refs#delete-a-reference")
    with call.state.lock:
        del repo.branches[branch]
        # GitHub closes the open pull requests whose head branch disappears.
        for pull in repo.pulls.values():
            if pull.head == branch and pull.state == "open":
                pull.state, pull.closed_at = "closed", now()
    return Reply(204)


HANDLERS: dict[tuple[str, str], Callable[[Call], Reply]] = {
    ("get", "/repos/{owner}/{repo}"): get_repo,
    ("get", "/repos/{owner}/{repo}/pulls"): list_pulls,
    ("post", "/repos/{owner}/{repo}/pulls"): create_pull,
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}"): get_pull,
    ("patch", "/repos/{owner}/{repo}/pulls/{pull_number}"): update_pull,
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers"): (
        list_requested_reviewers
    ),
    ("post", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers"): request_reviewers,
    ("get", "/repos/{owner}/{repo}/labels"): list_labels,
    ("post", "/repos/{owner}/{repo}/labels"): create_label,
    ("get", "/repos/{owner}/{repo}/labels/{name}"): get_label,
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/labels"): list_issue_labels,
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/labels"): add_issue_labels,
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"): list_comments,
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"): create_comment,
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/assignees"): add_assignees,
    ("get", "/repos/{owner}/{repo}/git/ref/{ref}"): get_ref,
    ("delete", "/repos/{owner}/{repo}/git/refs/{ref}"): delete_ref,
}
