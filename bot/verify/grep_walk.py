"""The files `grep -r ... --include="*.py" .` reads in a tree, read: every line of them that
holds `from `, which is all a `grep "from PKG"` can print. The only reader of files for the
grep counts; `bot.verify.counts` counts from what it hands on.

GNU grep's `-r` descends into every folder (hidden ones and `.git` too) without following a
symbolic link, to a folder or to a file, that it meets on the way; `--include` keeps the
regular files whose base name matches the glob. Lines are what `\\n` separates, whatever the
bytes are (`-a`: no file is skipped as binary).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from pathlib import Path

from bot.verify.counts import GrepTree, Lines, from_lines

INCLUDE = "*.py"


def _walk(folder: str, relative: str) -> Iterator[tuple[str, str]]:
    try:
        entries = list(os.scandir(folder))
    except OSError:  # grep says so on standard error and goes on
        return
    for entry in entries:
        name = f"{relative}{entry.name}"
        try:
            if entry.is_symlink():
                continue
            if entry.is_dir():
                yield from _walk(entry.path, name + "/")
            elif entry.is_file() and fnmatchcase(entry.name, INCLUDE):
                yield name, entry.path
        except OSError:
            continue


def grep_tree(root: Path) -> GrepTree:
    """What grep reads under root, read once."""
    found: dict[str, Lines] = {}
    for path, full in _walk(str(root), ""):
        try:
            with open(full, "rb") as stream:
                data = stream.read()
        except OSError:
            continue
        found[path] = from_lines(data)
    return GrepTree(found)


def overlaid(tree: GrepTree, root: Path, changes: Mapping[str, bytes | None]) -> GrepTree:
    """The tree after a change of `changes` (path -> contents after; None: read from disk if
    it is there, else gone), when every other file is as `tree` read it."""
    found = dict(tree.lines)
    for path, data in changes.items():
        if not fnmatchcase(path.rsplit("/", 1)[-1], INCLUDE):
            continue
        if data is None:
            full = root / path
            try:
                data = None if full.is_symlink() or not full.is_file() else full.read_bytes()
            except OSError:
                data = None
        if data is None:
            found.pop(path, None)
        else:
            found[path] = from_lines(data)
    return GrepTree(found)
