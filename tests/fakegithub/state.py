"""What the fake GitHub remembers: repositories, their branches, labels and pull requests.

Tests seed it directly (a pull request a human closed, a label that already exists) and read it
back to check what the bot did. Everything is plain mutable data guarded by one lock, because the
server answers each request on its own thread.
"""

from __future__ import annotations

import hashlib
import itertools
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

BOT_LOGIN = "github-actions[bot]"


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None


@dataclass
class Comment:
    id: int
    body: str
    user: str = BOT_LOGIN
    created_at: str = field(default_factory=now)


@dataclass
class PullRequest:
    id: int
    number: int
    title: str
    body: str | None
    head: str
    base: str
    head_sha: str
    user: str = BOT_LOGIN
    state: str = "open"
    merged: bool = False
    draft: bool = False
    labels: list[str] = field(default_factory=list)
    requested_reviewers: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    created_at: str = field(default_factory=now)
    updated_at: str = field(default_factory=now)
    closed_at: str | None = None
    merged_at: str | None = None

    @property
    def node_id(self) -> str:
        return f"PR_fake{self.id}"


@dataclass
class Repository:
    id: int
    owner: str
    name: str
    default_branch: str = "main"
    private: bool = False
    branches: dict[str, str] = field(default_factory=dict)  # name -> head commit sha
    labels: dict[str, Label] = field(default_factory=dict)  # lower-cased name -> label
    pulls: dict[int, PullRequest] = field(default_factory=dict)
    next_number: int = 1
    git_dir: str | None = None  # a bare repository whose branches stand for this one's
    # What the token may do here, as GET /repos/{owner}/{repo} tells it (None: not told, as
    # for some installation tokens).
    permissions: dict[str, bool] | None = field(
        default_factory=lambda: {
            "admin": False,
            "maintain": False,
            "push": True,
            "triage": True,
            "pull": True,
        }
    )

    def sync_branches(self) -> None:
        """Take the branches from the linked bare git repository, as GitHub's own are the
        pushed ones: a test pushes with real git and the API sees the result."""
        if self.git_dir is None:
            return
        listed = subprocess.run(
            ["git", "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads"],
            cwd=self.git_dir,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        self.branches = dict(line.split(" ", 1) for line in listed.splitlines() if line)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def label(self, name: str) -> Label | None:
        # GitHub matches label names without regard to case.
        return self.labels.get(name.lower())


class GitHubState:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.repositories: dict[str, Repository] = {}
        self._ids = itertools.count(1001)

    def new_id(self) -> int:
        return next(self._ids)

    def add_repository(
        self, full_name: str, *, default_branch: str = "main", private: bool = False
    ) -> Repository:
        owner, _, name = full_name.partition("/")
        repo = Repository(
            id=self.new_id(),
            owner=owner,
            name=name,
            default_branch=default_branch,
            private=private,
            branches={default_branch: fake_sha(full_name, default_branch)},
        )
        with self.lock:
            self.repositories[full_name.lower()] = repo
        return repo

    def repository(self, full_name: str) -> Repository | None:
        return self.repositories.get(full_name.lower())

    def add_branch(self, full_name: str, branch: str, sha: str | None = None) -> str:
        repo = self._existing(full_name)
        sha = sha or fake_sha(full_name, branch)
        with self.lock:
            repo.branches[branch] = sha
        return sha

    def add_label(
        self, full_name: str, name: str, color: str = "ededed", description: str | None = None
    ) -> Label:
        repo = self._existing(full_name)
        with self.lock:
            label = Label(id=self.new_id(), name=name, color=color, description=description)
            repo.labels[name.lower()] = label
        return label

    def add_pull(
        self,
        full_name: str,
        *,
        head: str,
        title: str = "A pull request",
        body: str | None = "",
        base: str | None = None,
        state: str = "open",
        merged: bool = False,
        draft: bool = False,
        labels: tuple[str, ...] = (),
        user: str = BOT_LOGIN,
    ) -> PullRequest:
        """Seed a pull request as if someone had opened (and maybe closed or merged) it."""
        repo = self._existing(full_name)
        with self.lock:
            if head not in repo.branches:
                repo.branches[head] = fake_sha(full_name, head)
            for name in labels:
                if repo.label(name) is None:
                    self.add_label(full_name, name)
            pull = PullRequest(
                id=self.new_id(),
                number=repo.next_number,
                title=title,
                body=body,
                head=head,
                base=base or repo.default_branch,
                head_sha=repo.branches[head],
                user=user,
                state="closed" if merged else state,
                merged=merged,
                draft=draft,
                labels=list(labels),
            )
            if pull.state == "closed":
                pull.closed_at = now()
            if merged:
                pull.merged_at = pull.closed_at
            repo.pulls[pull.number] = pull
            repo.next_number += 1
        return pull

    def pull(self, full_name: str, number: int) -> PullRequest:
        return self._existing(full_name).pulls[number]

    def _existing(self, full_name: str) -> Repository:
        repo = self.repository(full_name)
        if repo is None:
            raise KeyError(f"the fake GitHub has no repository {full_name}")
        return repo


def fake_sha(*parts: str) -> str:
    """A stable 40-hex-digit commit id; git owns real commits, the server only needs the shape."""
    return hashlib.sha1("/".join(parts).encode()).hexdigest()
