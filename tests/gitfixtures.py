"""Real repositories for the git tests: a bare remote whose `main` is protected by a hook, and a
clone of it with one commit, both under a test's `tmp_path`, with git isolated from the
configuration of whoever runs the tests."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

PERSON_NAME = "Ada Person"
PERSON_EMAIL = "ada@example.com"
BOT_NAME = "unshim-bot"
BOT_EMAIL = "bot@example.com"

_PRE_RECEIVE = """#!/bin/sh
# Like branch protection: refuse any update to a ref listed in the `protected` file.
status=0
while read -r old new ref; do
    if grep -qxF "$ref" protected 2>/dev/null; then
        echo "$ref is protected" >&2
        status=1
    fi
done
exit $status
"""

# Variables that would point git at another repository or identity than the test's own.
_LEAKY_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_CONFIG",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_PARAMETERS",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
)


@dataclass(frozen=True)
class Remote:
    bare: Path  # the remote, `remote.git`
    url: str  # its file:// URL
    work: Path  # a clone with `main` pushed, checked out on `main`


def isolate_git(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Point git at a global configuration of our own: no user hooks, signing, helpers."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "gitconfig"
    config.write_text(
        f"[user]\n\tname = {PERSON_NAME}\n\temail = {PERSON_EMAIL}\n"
        "[init]\n\tdefaultBranch = main\n"
        "[advice]\n\tdetachedHead = false\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "0")
    for name in _LEAKY_ENV:
        monkeypatch.delenv(name, raising=False)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )
    if done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}:\n{done.stderr}")
    return done.stdout.strip()


def git_fails(cwd: Path, *args: str) -> str:
    """Run a git command that must fail; its stderr."""
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode != 0, f"git {' '.join(args)} unexpectedly succeeded"
    return done.stderr


def make_remote(root: Path) -> Remote:
    bare = root / "remote.git"
    git(root, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    hook = bare / "hooks" / "pre-receive"
    hook.write_text(_PRE_RECEIVE, encoding="utf-8")
    hook.chmod(0o755)
    work = root / "work"
    work.mkdir()
    git(work, "init", "--quiet", "--initial-branch=main")
    (work / "README.md").write_text("hello\n", encoding="utf-8")
    (work / "pkg.py").write_text("import shim\n", encoding="utf-8")
    (work / ".gitignore").write_text("*.log\n", encoding="utf-8")
    git(work, "add", "--all")
    git(work, "commit", "--quiet", "--message", "Initial commit")
    url = bare.as_uri()
    git(work, "remote", "add", "origin", url)
    git(work, "push", "--quiet", "--set-upstream", "origin", "main")
    protect(bare, "main")
    return Remote(bare=bare, url=url, work=work)


def protect(bare: Path, branch: str) -> None:
    with (bare / "protected").open("a", encoding="utf-8") as listing:
        listing.write(f"refs/heads/{branch}\n")


def clone(remote: Remote, dest: Path) -> Path:
    """Someone else's clone of the remote."""
    git(dest.parent, "clone", "--quiet", remote.url, str(dest))
    return dest


def commit_file(work: Path, name: str, text: str, message: str, *, bot: bool = False) -> str:
    """Write and commit one file; by the bot's identity when `bot`, else by a person's."""
    (work / name).write_text(text, encoding="utf-8")
    git(work, "add", "--", name)
    who = BOT_NAME if bot else PERSON_NAME
    email = BOT_EMAIL if bot else PERSON_EMAIL
    git(
        work,
        "-c",
        f"user.name={who}",
        "-c",
        f"user.email={email}",
        "commit",
        "--quiet",
        "--message",
        message,
    )
    return git(work, "rev-parse", "HEAD")


def remote_branch_sha(remote: Remote, branch: str) -> str | None:
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
        cwd=remote.bare,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or None
