"""What `grep -r "from PKG" --include="*.py" .` reads in a tree and can print: every file it
reads (`grep_tree`), and the lines of each that hold `from `. The only reader of files for the
grep counts, in `analyze`'s inventory and in `verify` alike, so that a count is what the
command printed next to it prints (`grep_command`).

GNU grep's `-r` descends into every folder (hidden ones and `.git` too) without following a
symbolic link, to a folder or to a file, that it meets on the way; `--include` keeps the
regular files whose base name matches the glob. Lines are what `\\n` separates, whatever the
bytes are (`-a`: no file is skipped as binary). Files unshim does not parse, excludes or does
not list are read all the same: grep reads them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

GREP_ROOT = "."
NEEDLE = b"from "
# The bytes of a dotted module name in UTF-8: ASCII letters, digits, `_`, `.`, and the bytes of
# non-ASCII letters.
NAME_BYTES = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_." + bytes(range(0x80, 0x100))
)
Lines = tuple[tuple[int, bytes], ...]  # (line number, the line without its newline)


@dataclass(frozen=True)
class GrepTree:
    """For each file `grep -r` reads in a tree (its path relative to the root, POSIX), the
    lines that hold `from `: all that a grep for `from PKG` can print."""

    lines: Mapping[str, Lines]


def from_lines(data: bytes) -> Lines:
    """The lines of a file's bytes that hold `from `, as grep splits them: at `\n` only."""
    found: list[tuple[int, bytes]] = []
    start = data.find(NEEDLE)
    number, counted = 1, 0  # the line number of the byte at `counted`
    while start >= 0:
        # Found from the phrase, not by splitting every line: most lines hold no `from `.
        begin = data.rfind(b"\n", 0, start) + 1
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        number += data.count(b"\n", counted, begin)
        counted = begin
        found.append((number, data[begin:end]))
        start = data.find(NEEDLE, end)
    return tuple(found)


def grep_command(package: str, where: str = GREP_ROOT) -> str:
    """The count's command: recursive (`-r`), the phrase as fixed text (`-F`, so that the dots
    of the name are dots), every file as text (`-a`: one with a NUL byte or bytes of another
    encoding is not left out as binary, whatever grep's version and locale), one line of output
    per line found (`-h`: no file name, which could hold a newline)."""
    return f'grep -rhaF "from {package}" --include="*.py" {where} | wc -l'


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


class Spelled:
    """Which of some packages a line holds `from PKG` of, as text ("from a.b" is in "from
    a.bc" too): each `from ` of the line is followed by the names spelled after it (a name is
    made of NAME_BYTES only, so the run of them after `from ` bounds the names to try), rather
    than each package looked for in the line."""

    def __init__(self, packages: Iterable[str]) -> None:
        self.names = {package.encode(): package for package in packages}
        self.longest = max(map(len, self.names), default=0)

    def __call__(self, line: bytes) -> set[str]:
        spelled: set[str] = set()
        at = line.find(NEEDLE)
        while at >= 0:
            start = at + len(NEEDLE)
            for end in range(start + 1, min(len(line), start + self.longest) + 1):
                if line[end - 1] not in NAME_BYTES:
                    break
                name = self.names.get(line[start:end])
                if name is not None:
                    spelled.add(name)
            at = line.find(NEEDLE, at + 1)
        return spelled


def grep_counts(tree: GrepTree, packages: Iterable[str]) -> dict[str, int]:
    """For each package, how many lines its `grep_command` prints in the tree: the lines that
    hold `from PKG`, in one pass over the lines."""
    spelled = Spelled(packages)
    counts = dict.fromkeys(spelled.names.values(), 0)
    for lines in tree.lines.values():
        for _, line in lines:
            for name in spelled(line):
                counts[name] += 1
    return counts
