"""The journal of an apply's writes, so that a run that was killed is finished by the next one.

`apply` writes every new file to a temporary beside it first, then renames them, deletions
last. Before the first temporary it records the plan (phase "staging"); once every temporary
is on disk it records what it will rename and delete (phase "committing"). A run that finds a
journal of a run that was interrupted while staging removes its temporaries (no file had
changed yet); one interrupted while committing is completed: its new bytes were checked and
are on disk, and completing gives the tree one uninterrupted run gives. Each file carries the
sha256 of the bytes unshim read and of those it writes, so a file changed since by someone
else is left as it is. The journal is `journal.json` in the folder `place.journal_dir` names,
written whole (temporary, fsync, rename); this module reads and writes only that file.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from unshim.codemods.worktree import faults
from unshim.codemods.worktree.place import journal_dir

NAME = "journal.json"
STAGING = "staging"
COMMITTING = "committing"


class JournalError(Exception):
    """The journal cannot be read or written: nothing was changed."""


@dataclass(frozen=True)
class Entry:
    path: str  # POSIX, relative to the tree root
    old: str  # sha256 of the bytes unshim read
    new: str | None  # sha256 of the bytes it writes; None: the file is deleted
    temporary: str | None  # the temporary holding the new bytes, relative to the tree root


@dataclass(frozen=True)
class Journal:
    phase: str  # STAGING | COMMITTING
    pid: int
    started: str  # ISO 8601, UTC
    writes: tuple[Entry, ...]
    deletes: tuple[Entry, ...]
    folders: tuple[str, ...]  # removed once empty, after the deletions


def path_of(root: Path) -> Path:
    return journal_dir(root) / NAME


def write(root: Path, journal: Journal) -> None:
    folder = journal_dir(root)
    text = json.dumps(asdict(journal), indent=1, sort_keys=True) + "\n"
    try:
        folder.mkdir(exist_ok=True)
        temporary = folder / f".{NAME}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, folder / NAME)
    except OSError as exc:
        raise JournalError(f"{folder / NAME}: cannot be written: {exc.strerror or exc}") from None
    faults.step()


def _entries(items: object) -> tuple[Entry, ...]:
    if not isinstance(items, list):
        raise TypeError("not a list")
    return tuple(Entry(**item) for item in items)


def read(root: Path) -> Journal | None:
    """The journal an interrupted run left, or None."""
    path = path_of(root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise JournalError(f"{path}: cannot be read ({exc}); look at it, then remove it") from None
    try:
        return Journal(
            str(data["phase"]),
            int(data["pid"]),
            str(data["started"]),
            _entries(data["writes"]),
            _entries(data["deletes"]),
            tuple(str(f) for f in data["folders"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise JournalError(
            f"{path}: not an unshim journal ({exc}); look at it, then remove it"
        ) from None


def clear(root: Path) -> None:
    folder = journal_dir(root)
    (folder / NAME).unlink(missing_ok=True)
    # Not empty (the temporary of a journal write that was killed): harmless, replaced next time.
    with contextlib.suppress(OSError):
        folder.rmdir()
