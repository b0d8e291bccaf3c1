"""The JSON the fake GitHub answers with, shaped like api.github.com's.

Every field the OpenAPI description marks required is here, because responses are validated
against it; values that the bot never reads are plausible constants.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tests.fakegithub.state import Comment, Label, PullRequest, Repository

HTML = "https://github.com"
MERGER = "octocat"
EPOCH = "2024-01-01T00:00:00Z"

Json = dict[str, Any]


def user(login: str, api: str) -> Json:
    url = f"{api}/users/{login}"
    return {
        "login": login,
        "id": int(hashlib.sha1(login.encode()).hexdigest()[:7], 16),
        "node_id": f"U_fake{login}",
        "avatar_url": f"https://avatars.githubusercontent.com/{login}",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{HTML}/{login}",
        "followers_url": f"{url}/followers",
        "following_url": f"{url}/following{{/other_user}}",
        "gists_url": f"{url}/gists{{/gist_id}}",
        "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{url}/subscriptions",
        "organizations_url": f"{url}/orgs",
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events{{/privacy}}",
        "received_events_url": f"{url}/received_events",
        "type": "Bot" if login.endswith("[bot]") else "User",
        "site_admin": False,
    }


_REPO_URL_TEMPLATES = {
    "archive_url": "/{archive_format}{/ref}",
    "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}",
    "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}",
    "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}",
    "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}",
    "contributors_url": "/contributors",
    "deployments_url": "/deployments",
    "downloads_url": "/downloads",
    "events_url": "/events",
    "forks_url": "/forks",
    "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}",
    "labels_url": "/labels{/name}",
    "languages_url": "/languages",
    "merges_url": "/merges",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers",
    "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "tags_url": "/tags",
    "teams_url": "/teams",
    "trees_url": "/git/trees{/sha}",
}


def repository(repo: Repository, api: str, *, full: bool = False) -> Json:
    url = f"{api}/repos/{repo.full_name}"
    html = f"{HTML}/{repo.full_name}"
    data: Json = {
        "id": repo.id,
        "node_id": f"R_fake{repo.id}",
        "name": repo.name,
        "full_name": repo.full_name,
        "owner": user(repo.owner, api),
        "private": repo.private,
        "visibility": "private" if repo.private else "public",
        "html_url": html,
        "description": None,
        "fork": False,
        "url": url,
        **{key: url + suffix for key, suffix in _REPO_URL_TEMPLATES.items()},
        "git_url": f"git://github.com/{repo.full_name}.git",
        "ssh_url": f"git@github.com:{repo.full_name}.git",
        "clone_url": f"{html}.git",
        "svn_url": html,
        "mirror_url": None,
        "homepage": None,
        "language": "Python",
        "forks": 0,
        "forks_count": 0,
        "stargazers_count": 0,
        "watchers": 0,
        "watchers_count": 0,
        "size": 1,
        "default_branch": repo.default_branch,
        "open_issues": sum(1 for p in repo.pulls.values() if p.state == "open"),
        "open_issues_count": sum(1 for p in repo.pulls.values() if p.state == "open"),
        "is_template": False,
        "topics": [],
        "has_issues": True,
        "has_projects": False,
        "has_wiki": False,
        "has_pages": False,
        "has_downloads": True,
        "has_discussions": False,
        "archived": False,
        "disabled": False,
        "license": None,
        "pushed_at": EPOCH,
        "created_at": EPOCH,
        "updated_at": EPOCH,
        "allow_forking": True,
        "web_commit_signoff_required": False,
    }
    if full:
        data.update(network_count=0, subscribers_count=0)
        if repo.permissions is not None:
            data["permissions"] = dict(repo.permissions)
    return data


def label(item: Label, repo: Repository, api: str) -> Json:
    return {
        "id": item.id,
        "node_id": f"LA_fake{item.id}",
        "url": f"{api}/repos/{repo.full_name}/labels/{item.name}",
        "name": item.name,
        "description": item.description,
        "color": item.color,
        "default": False,
    }


def labels_of(pull: PullRequest, repo: Repository, api: str) -> list[Json]:
    found = (repo.label(name) for name in pull.labels)
    return [label(item, repo, api) for item in found if item is not None]


def comment(item: Comment, pull: PullRequest, repo: Repository, api: str) -> Json:
    issue_url = f"{api}/repos/{repo.full_name}/issues/{pull.number}"
    return {
        "id": item.id,
        "node_id": f"IC_fake{item.id}",
        "url": f"{api}/repos/{repo.full_name}/issues/comments/{item.id}",
        "html_url": f"{HTML}/{repo.full_name}/pull/{pull.number}#issuecomment-{item.id}",
        "issue_url": issue_url,
        "body": item.body,
        "user": user(item.user, api),
        "author_association": "NONE",
        "created_at": item.created_at,
        "updated_at": item.created_at,
    }


def _branch(repo: Repository, api: str, ref: str, sha: str) -> Json:
    return {
        "label": f"{repo.owner}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": user(repo.owner, api),
        "repo": repository(repo, api),
    }


def pull_request(pull: PullRequest, repo: Repository, api: str, *, full: bool = True) -> Json:
    """`pull-request` (full=True) or the `pull-request-simple` that lists return."""
    url = f"{api}/repos/{repo.full_name}/pulls/{pull.number}"
    issue_url = f"{api}/repos/{repo.full_name}/issues/{pull.number}"
    html = f"{HTML}/{repo.full_name}/pull/{pull.number}"
    statuses_url = f"{api}/repos/{repo.full_name}/statuses/{pull.head_sha}"
    base_sha = repo.branches.get(pull.base, "0" * 40)
    data: Json = {
        "url": url,
        "id": pull.id,
        "node_id": pull.node_id,
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue_url,
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "review_comment_url": f"{api}/repos/{repo.full_name}/pulls/comments{{/number}}",
        "comments_url": f"{issue_url}/comments",
        "statuses_url": statuses_url,
        "number": pull.number,
        "state": pull.state,
        "locked": False,
        "title": pull.title,
        "user": user(pull.user, api),
        "body": pull.body,
        "labels": labels_of(pull, repo, api),
        "milestone": None,
        "active_lock_reason": None,
        "created_at": pull.created_at,
        "updated_at": pull.updated_at,
        "closed_at": pull.closed_at,
        "merged_at": pull.merged_at,
        "merge_commit_sha": None,
        "assignee": user(pull.assignees[0], api) if pull.assignees else None,
        "assignees": [user(login, api) for login in pull.assignees],
        "requested_reviewers": [user(login, api) for login in pull.requested_reviewers],
        "requested_teams": [],
        "head": _branch(repo, api, pull.head, pull.head_sha),
        "base": _branch(repo, api, pull.base, base_sha),
        "_links": {
            "self": {"href": url},
            "html": {"href": html},
            "issue": {"href": issue_url},
            "comments": {"href": f"{issue_url}/comments"},
            "review_comments": {"href": f"{url}/comments"},
            "review_comment": {"href": f"{api}/repos/{repo.full_name}/pulls/comments{{/number}}"},
            "commits": {"href": f"{url}/commits"},
            "statuses": {"href": statuses_url},
        },
        "author_association": "NONE",
        "auto_merge": None,
        "draft": pull.draft,
    }
    if not full:
        # `pull-request-simple` describes label descriptions as non-nullable strings, unlike
        # every other schema (GitHub itself sends null); an empty string satisfies both.
        for item in data["labels"]:
            item["description"] = item["description"] or ""
    if full:
        data.update(
            merged=pull.merged,
            mergeable=None if pull.state == "closed" else True,
            rebaseable=None if pull.state == "closed" else True,
            mergeable_state="unknown" if pull.state == "closed" else "clean",
            merged_by=user(MERGER, api) if pull.merged else None,
            comments=len(pull.comments),
            review_comments=0,
            maintainer_can_modify=False,
            commits=1,
            additions=1,
            deletions=1,
            changed_files=1,
        )
    return data


def issue(pull: PullRequest, repo: Repository, api: str) -> Json:
    """A pull request seen through the issues API (what the assignees endpoint answers)."""
    url = f"{api}/repos/{repo.full_name}/issues/{pull.number}"
    pulls_url = f"{api}/repos/{repo.full_name}/pulls/{pull.number}"
    html = f"{HTML}/{repo.full_name}/pull/{pull.number}"
    return {
        "id": pull.id,
        "node_id": pull.node_id,
        "url": url,
        "repository_url": f"{api}/repos/{repo.full_name}",
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": html,
        "number": pull.number,
        "state": pull.state,
        "title": pull.title,
        "body": pull.body,
        "user": user(pull.user, api),
        "labels": labels_of(pull, repo, api),
        "assignee": user(pull.assignees[0], api) if pull.assignees else None,
        "assignees": [user(login, api) for login in pull.assignees],
        "milestone": None,
        "locked": False,
        "active_lock_reason": None,
        "comments": len(pull.comments),
        "pull_request": {
            "url": pulls_url,
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": pull.merged_at,
        },
        "closed_at": pull.closed_at,
        "created_at": pull.created_at,
        "updated_at": pull.updated_at,
        "draft": pull.draft,
        "author_association": "NONE",
    }


def git_ref(repo: Repository, branch: str, api: str) -> Json:
    sha = repo.branches[branch]
    return {
        "ref": f"refs/heads/{branch}",
        "node_id": f"REF_fake{repo.id}{branch}",
        # GitHub answers with the plural `refs` URL, which is where PyGithub sends the DELETE.
        "url": f"{api}/repos/{repo.full_name}/git/refs/heads/{branch}",
        "object": {
            "type": "commit",
            "sha": sha,
            "url": f"{api}/repos/{repo.full_name}/git/commits/{sha}",
        },
    }


def error(message: str, status: int, docs: str = "https://docs.github.com/rest") -> Json:
    return {"message": message, "documentation_url": docs, "status": str(status)}
