"""What the rewrite did with one file, as a value: `Rewritten`, `Unchanged` or `Failed`.

`FileResult` is their union, like LibCST's TransformSuccess / TransformSkip / TransformFailure:
a consumer matches on the type, and each type carries only what is true of it. A problem with
one file is a `Failed` value; the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from unshim.codemods.outcome import ImportEdit, Kept


@dataclass(frozen=True)
class Rewritten:
    """The file's contents change: `after` is what `codemods.transaction.write_tree` writes
    (unless dry run)."""

    path: str
    before: bytes
    after: bytes
    edits: tuple[ImportEdit, ...] = ()
    kept: tuple[Kept, ...] = ()  # imports of it left alone, and why


@dataclass(frozen=True)
class Unchanged:
    """Nothing in the file had to change, or what was decided reads the same."""

    path: str
    data: bytes
    kept: tuple[Kept, ...] = ()


@dataclass(frozen=True)
class Failed:
    """The file could not be read, parsed, rewritten or written: it is left as it was."""

    path: str
    data: bytes  # its contents (empty when it could not be read)
    reason: str  # what went wrong, to follow "but" in a sentence
    kept: tuple[Kept, ...] = ()


FileResult: TypeAlias = Rewritten | Unchanged | Failed
