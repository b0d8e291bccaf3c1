"""Leaving a repository as it was found: HEAD, the work tree and every local branch, whatever
the block in between did (`restored`). The git commands are bot.publish.gitrepo's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from unshim.bot.errors import RefusedError
from unshim.bot.publish.gitrepo import GitRepository


@dataclass(frozen=True)
class Snapshot:
    branch: str | None
    sha: str
    heads: tuple[tuple[str, str], ...]  # (refname, sha) of every local branch


def snapshot(repo: GitRepository) -> Snapshot:
    heads = repo.local_heads()
    return Snapshot(repo.current_branch(), repo.head_sha(), heads)


def restore(repo: GitRepository, taken: Snapshot) -> None:
    before = dict(taken.heads)
    now = dict(snapshot(repo).heads)
    for name in now.keys() - before.keys():
        repo.delete_ref(name)
    for name, sha in before.items():
        if now.get(name) != sha:
            repo.set_ref(name, sha)
    if taken.branch is None:
        repo.detach_head(taken.sha)
    else:
        repo.attach_head(taken.branch)
    # Only what the block left behind: the tree was clean when it began.
    repo.discard_changes()


@contextmanager
def restored(repo: GitRepository) -> Iterator[None]:
    """Run the block, then put HEAD, the work tree and every local branch back as they were,
    whatever happened: branches created in the block are deleted, changed ones reset.

    Refuses to start on a dirty tree, since putting it back means discarding changes.
    """
    dirty = repo.dirty_files()
    if dirty:
        shown = ", ".join(dirty[:5]) + (", …" if len(dirty) > 5 else "")
        raise RefusedError(f"the work tree has uncommitted changes ({shown})")
    taken = snapshot(repo)
    try:
        yield
    finally:
        restore(repo, taken)
