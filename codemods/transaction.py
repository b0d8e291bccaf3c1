"""An apply's writes as one change of the tree, which a killed run's successor completes.

`write_tree` records the plan in the journal (`codemods.worktree.journal`), has the engine
write every new file to a temporary beside it, records that it commits, has the engine rename
the temporaries over the files and the removal delete the shims' files, deletions last, and
removes the journal. A Ctrl-C while the temporaries are written removes them: nothing was
written. One during the renames and deletions waits until they are done (they take
milliseconds), so the tree is never left half changed by an interruption.

`recover` is what a run does first: a journal of a run killed while staging means no file had
changed yet, so its temporaries are removed; one killed while committing is completed,
because its new bytes were checked before they were staged and are on disk, and completing
gives the tree one uninterrupted run gives (restoring would need a copy of every old file
kept beside the journal, for a result nobody asked for). Then the temporaries any killed
unshim left are removed. This module decides the order; the writes are the engine's and the
removal's, the journal file the journal's.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from unshim.codemods.delete import removal
from unshim.codemods.outcome import Kept, Location
from unshim.codemods.rewrite import engine
from unshim.codemods.rewrite.results import Failed, FileResult, Rewritten
from unshim.codemods.worktree import journal
from unshim.codemods.worktree.journal import COMMITTING, STAGING, Entry, Journal


@dataclass(frozen=True)
class Committed:
    results: tuple[FileResult, ...]  # each Rewritten was written; a Failed one was not
    deleted: tuple[str, ...]
    kept: tuple[Kept, ...]  # files not deleted, and why


@dataclass(frozen=True)
class Recovery:
    """What a run found of an interrupted one, and did about it."""

    found: Journal | None
    completed: tuple[str, ...]  # files renamed into place (or already in place)
    deleted: tuple[str, ...]
    kept: tuple[Kept, ...]  # files changed since, left as they are
    strays: tuple[str, ...]  # temporaries removed


@contextmanager
def _interrupts_wait() -> Iterator[list[int]]:
    """Ctrl-C is recorded, not raised, until the block is done."""
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    caught: list[int] = []
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield caught
    finally:
        signal.signal(signal.SIGINT, previous)


def _not_deleted(entries: Sequence[Entry], why: str) -> list[Kept]:
    return [Kept(e.path, why, Location(e.path, 0)) for e in entries]


def _finish(root: Path, record: Journal) -> tuple[tuple[str, ...], tuple[str, ...], list[Kept]]:
    """The renames, then the deletions: (files changed underfoot, deleted, kept)."""
    changed = engine.commit(root, record.writes)
    if changed:  # a consumer not rewritten may still import what was to be deleted
        why = f"not deleted: {changed[0]} changed while unshim ran and was not rewritten"
        return changed, (), _not_deleted(record.deletes, why)
    deleted, kept = removal.remove_listed(root, record.deletes, record.folders)
    return (), tuple(deleted), kept


def write_tree(
    root: Path,
    results: Sequence[FileResult],
    deletions: Sequence[str] = (),
    folders: Sequence[str] = (),
) -> Committed:
    """Write every `Rewritten` result and delete `deletions` (then `folders`, once empty), as
    one change. A file changed since unshim read it is left as it is and becomes `Failed`;
    then nothing is deleted."""
    rewritten = [r for r in results if isinstance(r, Rewritten)]
    if not rewritten and not deletions:
        return Committed(tuple(results), (), ())
    temporaries = {r.path: engine.temporary_for(r.path) for r in rewritten}
    writes = tuple(
        Entry(r.path, engine.digest(r.before), engine.digest(r.after), temporaries[r.path])
        for r in rewritten
    )
    deletes = tuple(
        Entry(path, engine.digest_of(root / path) or "", None, None) for path in deletions
    )
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    record = Journal(STAGING, os.getpid(), started, writes, deletes, tuple(folders))
    journal.write(root, record)
    try:
        staged = engine.stage(root, results, temporaries)
    except BaseException as exc:
        engine.unstage(root, temporaries.values())
        journal.clear(root)
        if isinstance(exc, KeyboardInterrupt):
            raise KeyboardInterrupt("nothing was written") from None
        raise
    written = {r.path for r in staged if isinstance(r, Rewritten)}
    kept: list[Kept] = []
    if len(written) < len(rewritten):
        missing = next(r for r in staged if isinstance(r, Failed) and r.path in temporaries)
        why = f"not deleted: {missing.path} was not rewritten ({missing.reason})"
        kept.extend(_not_deleted(deletes, why))
        deletes, folders = (), ()
    record = replace(
        record,
        phase=COMMITTING,
        writes=tuple(e for e in writes if e.path in written),
        deletes=deletes,
        folders=tuple(folders),
    )
    with _interrupts_wait() as interrupted:
        journal.write(root, record)
        changed, deleted, more = _finish(root, record)
        journal.clear(root)
    kept.extend(more)
    final = tuple(
        Failed(r.path, r.before, engine.CHANGED, r.kept)
        if isinstance(r, Rewritten) and r.path in changed
        else r
        for r in staged
    )
    if interrupted:
        done = sum(isinstance(r, Rewritten) for r in final)
        raise KeyboardInterrupt(
            f"after the change was written in full ({done} files rewritten, {len(deleted)} "
            "deleted); nothing is half done"
        )
    return Committed(final, deleted, tuple(kept))


def recover(root: Path) -> Recovery | None:
    """Finish what an interrupted run left (see the module's docstring); None when it left
    nothing. The caller holds the tree's lock."""
    record = journal.read(root)
    if record is None:
        strays = engine.remove_strays(root)
        return Recovery(None, (), (), (), strays) if strays else None
    if record.phase == STAGING:
        engine.unstage(root, (e.temporary for e in record.writes if e.temporary))
        journal.clear(root)
        return Recovery(record, (), (), (), engine.remove_strays(root))
    changed, deleted, kept = _finish(root, record)
    journal.clear(root)
    completed = tuple(e.path for e in record.writes if e.path not in changed)
    kept = [*(Kept(p, engine.CHANGED, Location(p, 0)) for p in changed), *kept]
    return Recovery(record, completed, deleted, tuple(kept), engine.remove_strays(root))
