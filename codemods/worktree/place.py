"""Where a work tree's lock and journal live.

In a git work tree: its git folder (`.git`, or the folder a linked work tree's `.git` file
names), which no scan lists, `git status` never shows and every clone has on its own. Elsewhere:
the tree root, under names no scan reads (`.unshim.lock`, `.unshim-journal/`).
"""

from __future__ import annotations

from pathlib import Path


def git_dir(root: Path) -> Path | None:
    """The git folder of the work tree at root, when root is one."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git
    if dot_git.is_file():  # a linked work tree (`git worktree add`): "gitdir: PATH"
        try:
            first = dot_git.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, UnicodeDecodeError, IndexError):
            return None
        if first.startswith("gitdir:"):
            named = Path(first.partition(":")[2].strip())
            folder = named if named.is_absolute() else root / named
            return folder if folder.is_dir() else None
    return None


def lock_path(root: Path) -> Path:
    folder = git_dir(root)
    return folder / "unshim.lock" if folder is not None else root / ".unshim.lock"


def journal_dir(root: Path) -> Path:
    folder = git_dir(root)
    return folder / "unshim-journal" if folder is not None else root / ".unshim-journal"
