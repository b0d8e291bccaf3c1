"""The git repository a run works in: every git command unshim issues goes through here, and
no other module imports GitPython.

Each failing git command becomes a `GitError` whose message is one line, with the push token in
any form replaced by `***`. The token itself reaches git only through the environment of the
one process that talks to the remote (see `bot.publish.remote.auth_environment`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import git

from unshim.bot.errors import RefusedError, UsageError
from unshim.bot.publish.push_policy import push_refusal
from unshim.bot.publish.remote import auth_environment, repository_slug, scrub, secret_forms

# Without a handler of its own, GitPython's warnings (it logs a rejected push's stderr) would
# reach the terminal through logging's last resort, next to our own one-line message.
logging.getLogger("git").addHandler(logging.NullHandler())

# The repository's hooks are its own code, run by the bot's git with the push token in its
# environment (pre-push, reference-transaction, post-checkout...): none of them runs. The
# change was verified by unshim's own commands; a hook has nothing to add to it.
_NO_HOOKS = ("-c", "core.hooksPath=/dev/null")
# The tree before a change is hard links to the work tree's files (bot.verify.snapshot), which
# changes every file's inode time twice, making and removing them: with that time trusted, git
# would take each file for changed, hash it again and, putting the tree back, write it again.
# What unshim writes is a new file (another inode), which git still sees. Only the check that
# the tree is clean, made before any link, trusts the inode time: a file copied over another of
# its size with its modification time kept (`cp -p`, `tar`) differs there alone.
_OPTIONS = (*_NO_HOOKS, "-c", "core.trustctime=false")

_NETWORK_TIMEOUT = 300.0  # seconds; a stalled remote must not hang a CI job for hours
_PUSH_FAILED = (
    git.PushInfo.ERROR
    | git.PushInfo.REJECTED
    | git.PushInfo.REMOTE_REJECTED
    | git.PushInfo.REMOTE_FAILURE
    | git.PushInfo.NO_MATCH
)


class GitError(RefusedError):
    """A git command failed; `str()` is one line with any token scrubbed."""


class PushRejected(GitError):
    """The remote did not take a push: protected branch, stale lease, hook, authentication."""


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    author_name: str
    author_email: str
    summary: str


def open_repository(path: str | os.PathLike[str]) -> GitRepository:
    """The repository whose work tree contains `path`; UsageError when there is none."""
    where = Path(path)
    if not where.is_dir():
        raise UsageError(f"{where}: not a directory")
    try:
        repo = git.Repo(where, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise UsageError(f"{where}: not inside a git work tree") from None
    if repo.bare or repo.working_tree_dir is None:
        repo.close()
        raise UsageError(f"{where}: a bare git repository has no work tree to change")
    opened = GitRepository(repo)
    try:
        # Asking git itself catches what GitPython does not: no git on PATH, or a work tree
        # git refuses to use (`safe.directory`).
        opened._git("rev-parse", "--show-toplevel")
    except GitError as exc:
        opened.close()
        raise UsageError(f"{where}: {exc}") from None
    return opened


class GitRepository:
    """One work tree and its remotes. Methods raise GitError when git fails."""

    def __init__(self, repo: git.Repo) -> None:
        self._repo = repo
        # For the commands GitPython builds itself (the push), as `_NO_HOOKS` for ours.
        repo.git.set_persistent_git_options(c=_NO_HOOKS[1])

    @property
    def root(self) -> Path:
        return Path(self._repo.working_dir)

    def close(self) -> None:
        self._repo.close()

    # --- the local state ------------------------------------------------------------------

    def dirty_files(self) -> tuple[str, ...]:
        """Paths with changes, staged or not, and untracked files that are not ignored."""
        out = self._git(
            "status", "--porcelain=v1", "-z", "--untracked-files=all", options=_NO_HOOKS
        )
        paths: set[str] = set()
        entries = iter(out.split("\0"))
        for entry in entries:
            if not entry:
                continue
            paths.add(entry[3:])
            if entry[0] in "RC":
                # A rename or copy is followed by its source path as a separate entry.
                paths.add(next(entries, ""))
        paths.discard("")
        return tuple(sorted(paths))

    def current_branch(self) -> str | None:
        """The checked-out branch, or None when HEAD is detached."""
        status, out = self._git_status("symbolic-ref", "--quiet", "--short", "HEAD")
        return out if status == 0 and out else None

    def head_sha(self) -> str:
        return self.rev_parse("HEAD")

    def rev_parse(self, ref: str) -> str:
        return self._git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")

    def tree_of(self, ref: str) -> str:
        """The tree id of `ref`; equal trees mean equal content whatever the history."""
        return self._git("rev-parse", "--verify", "--quiet", f"{ref}^{{tree}}")

    # --- the remote -----------------------------------------------------------------------

    def remote_url(self, remote: str = "origin", *, push: bool = False) -> str | None:
        args = ("remote", "get-url", *(("--push",) if push else ()), remote)
        status, out = self._git_status(*args)
        return out if status == 0 and out else None

    def origin_repository_slug(self, remote: str = "origin") -> str | None:
        """The "owner/name" the remote's URL names, when it names one."""
        url = self.remote_url(remote)
        return None if url is None else repository_slug(url)

    def default_branch(self, remote: str = "origin", token: str | None = None) -> str:
        """The branch the remote's HEAD points at, asked of the remote now."""
        out = self._network(token, remote, "ls-remote", "--symref", remote, "HEAD")
        for line in out.splitlines():
            target, _, name = line.partition("\t")
            if name == "HEAD" and target.startswith("ref: refs/heads/"):
                return target.removeprefix("ref: refs/heads/")
        raise UsageError(
            f"cannot tell the default branch of {remote}: it does not say; "
            "set `base` in [tool.unshim.pr]"
        )

    def fetch(
        self, branches: Sequence[str], remote: str = "origin", token: str | None = None
    ) -> None:
        """Bring `refs/remotes/<remote>/<branch>` up to date for each branch; a branch the
        remote does not have loses its remote-tracking ref, so `remote_sha` says None."""
        wanted = [f"refs/heads/{b}" for b in branches]
        listing = self._network(token, remote, "ls-remote", "--heads", remote, *wanted)
        present = {line.partition("\t")[2] for line in listing.splitlines()}
        refspecs = [
            f"+{ref}:refs/remotes/{remote}/{ref.removeprefix('refs/heads/')}"
            for ref in wanted
            if ref in present
        ]
        if refspecs:
            self._network(
                token,
                remote,
                "fetch",
                "--quiet",
                "--no-tags",
                # Submodules are other repositories, possibly on other hosts.
                "--no-recurse-submodules",
                remote,
                *refspecs,
            )
        for branch in branches:
            if f"refs/heads/{branch}" not in present:
                self._git_status("update-ref", "-d", f"refs/remotes/{remote}/{branch}")

    def remote_sha(self, branch: str, remote: str = "origin") -> str | None:
        """What `fetch` last saw of the remote branch; None when the remote did not have it."""
        status, out = self._git_status(
            "rev-parse", "--verify", "--quiet", f"refs/remotes/{remote}/{branch}^{{commit}}"
        )
        return out if status == 0 and out else None

    def human_commits(
        self, base_ref: str, branch_sha: str, bot_email: str
    ) -> tuple[CommitInfo, ...]:
        """Commits on `branch_sha` but not on `base_ref` that someone other than the bot
        authored or committed: regenerating the branch would throw their work away."""
        out = self._git(
            "log", "--format=%H%x00%an%x00%ae%x00%ce%x00%s", f"{base_ref}..{branch_sha}", "--"
        )
        bot = bot_email.casefold()
        found = []
        for line in out.splitlines():
            sha, name, author_email, committer_email, summary = line.split("\0", 4)
            if author_email.casefold() != bot or committer_email.casefold() != bot:
                found.append(CommitInfo(sha, name, author_email, summary))
        return tuple(found)

    # --- changing the work tree and local branches -----------------------------------------

    def start_branch(self, name: str, from_ref: str) -> None:
        """Check out `name` (re)created at `from_ref`, whatever it held before."""
        self._git("checkout", "--quiet", "--no-track", "-B", name, from_ref, "--")

    def checkout(self, ref: str) -> None:
        self._git("checkout", "--quiet", ref, "--")

    def commit_all(self, message: str, author_name: str, author_email: str) -> str | None:
        """Commit every change in the work tree, deletions included, as the bot (author and
        committer). The new commit's SHA, or None when there was nothing to commit."""
        self._git("add", "--all")
        status, _ = self._git_status("diff", "--cached", "--quiet")
        if status == 0:
            return None
        identity = {
            "GIT_AUTHOR_NAME": author_name,
            "GIT_AUTHOR_EMAIL": author_email,
            "GIT_COMMITTER_NAME": author_name,
            "GIT_COMMITTER_EMAIL": author_email,
        }
        self._git(
            "commit",
            "--quiet",
            # The change was verified by unshim's own commands; a local hook that rewrote
            # files would commit something other than what was verified.
            "--no-verify",
            # The default cleanup drops lines starting with `#`, such as "#12 fixed".
            "--cleanup=whitespace",
            "--message",
            message,
            env=identity,
        )
        return self.head_sha()

    # --- pushing ----------------------------------------------------------------------------

    def push_branch(
        self,
        branch: str,
        expected_remote_sha: str | None,
        token: str | None,
        *,
        allowed_prefix: str,
        protected: str,
        remote: str = "origin",
    ) -> None:
        """Push the local `branch` to the same name on the remote, only if the remote branch
        is still at `expected_remote_sha` (None: only if it does not exist)."""
        self._check_pushable(branch, allowed_prefix, protected)
        ref = f"refs/heads/{branch}"
        self._push(branch, f"{ref}:{ref}", f"{ref}:{expected_remote_sha or ''}", token, remote)

    def delete_remote_branch(
        self,
        branch: str,
        expected_sha: str,
        token: str | None,
        *,
        allowed_prefix: str,
        protected: str,
        remote: str = "origin",
    ) -> None:
        """Delete the remote `branch`, only if it is still at `expected_sha`."""
        self._check_pushable(branch, allowed_prefix, protected)
        ref = f"refs/heads/{branch}"
        self._push(branch, f":{ref}", f"{ref}:{expected_sha}", token, remote)

    def _check_pushable(self, branch: str, allowed_prefix: str, protected: str) -> None:
        refusal = push_refusal(branch, allowed_prefix, protected)
        if refusal is not None:
            raise RefusedError(refusal)
        status, _ = self._git_status("check-ref-format", f"refs/heads/{branch}")
        if status != 0:
            raise RefusedError(f"refusing to push to {branch!r}: not a valid branch name")

    def _push(self, branch: str, refspec: str, lease: str, token: str | None, remote: str) -> None:
        url = self.remote_url(remote, push=True)
        if url is None:
            raise GitError(f"no remote named {remote!r}")
        secrets = secret_forms(token)
        try:
            results = self._repo.remote(remote).push(
                refspec,
                kill_after_timeout=_NETWORK_TIMEOUT,
                force_with_lease=lease,
                env=self._network_env(token, url),
            )
        except git.CommandError as exc:
            raise PushRejected(
                f"push of {branch} to {remote} failed: {_summary(exc, secrets)}"
            ) from None
        failed = [r for r in results if r.flags & _PUSH_FAILED]
        if failed:
            summary = "; ".join(r.summary.strip() for r in failed)
            raise PushRejected(
                f"push of {branch} to {remote} was rejected: {scrub(summary, secrets)}"
            )
        if results.error is not None or not results:
            detail = (
                _summary(results.error, secrets)
                if isinstance(results.error, git.CommandError)
                else "git reported no result"
            )
            raise PushRejected(f"push of {branch} to {remote} failed: {detail}")

    # --- running git ------------------------------------------------------------------------

    def _network_env(self, token: str | None, url: str) -> dict[str, str]:
        # A missing credential must fail the command, not wait for someone to type it.
        return {"GIT_TERMINAL_PROMPT": "0", **auth_environment(token, url, os.environ)}

    def _network(self, token: str | None, remote: str, *args: str) -> str:
        url = self.remote_url(remote)
        if url is None:
            raise GitError(f"no remote named {remote!r}")
        return self._git(
            *args,
            env=self._network_env(token, url),
            secrets=secret_forms(token),
            timeout=_NETWORK_TIMEOUT,
        )

    def _git(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        secrets: Sequence[str] = (),
        timeout: float | None = None,
        options: tuple[str, ...] = _OPTIONS,
    ) -> str:
        try:
            out: str = self._repo.git.execute(
                [_executable(), *options, *args],
                env=dict(env) if env else None,
                kill_after_timeout=timeout,
                strip_newline_in_stdout=True,
            )
        except git.GitCommandNotFound:
            raise GitError("git is not installed, or not on PATH") from None
        except git.CommandError as exc:
            # `from None`: the original's text quotes git's output unscrubbed.
            raise GitError(f"git {args[0]} failed: {_summary(exc, secrets)}") from None
        return out

    def _git_status(self, *args: str) -> tuple[int, str]:
        """Exit status and stdout, for commands whose failure is an answer."""
        status, out, _ = self._repo.git.execute(
            [_executable(), *_OPTIONS, *args], with_extended_output=True, with_exceptions=False
        )
        return int(status), out

    # --- putting refs and the work tree back (bot.publish.restore decides what) -----------

    def local_heads(self) -> tuple[tuple[str, str], ...]:
        """(refname, sha) of every local branch."""
        out = self._git("for-each-ref", "--format=%(refname)%00%(objectname)", "refs/heads")
        return tuple(
            (name, sha) for name, _, sha in (line.partition("\0") for line in out.splitlines())
        )

    def set_ref(self, name: str, sha: str) -> None:
        self._git("update-ref", name, sha)

    def delete_ref(self, name: str) -> None:
        self._git("update-ref", "-d", name)

    def detach_head(self, sha: str) -> None:
        self._git("update-ref", "--no-deref", "HEAD", sha)

    def attach_head(self, branch: str) -> None:
        self._git("symbolic-ref", "HEAD", f"refs/heads/{branch}")

    def discard_changes(self) -> None:
        """Reset the index and work tree to HEAD and remove untracked files. Ignored files stay;
        a virtualenv or a build cache is no change to the tree."""
        self._git("reset", "--quiet", "--hard")
        self._git("clean", "--quiet", "--force", "-d")


def _executable() -> str:
    return str(git.Git.GIT_PYTHON_GIT_EXECUTABLE or "git")


def _summary(exc: git.CommandError, secrets: Sequence[str]) -> str:
    """One line from a failed command: git's first error line, else its last words."""
    stderr = str(exc.stderr or "").strip()
    # GitPython stores stderr already wrapped as "stderr: '…'".
    stderr = stderr.removeprefix("stderr:").strip().removeprefix("'").removesuffix("'")
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    chosen = next((line for line in lines if line.startswith(("fatal:", "error:"))), None)
    if chosen is None:
        chosen = lines[-1] if lines else f"exit status {exc.status}"
    return scrub(chosen, secrets)
