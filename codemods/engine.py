"""The only module that reads and writes source files for `apply`.

Files are read as bytes and handed to the rewrite as bytes, so encodings, BOMs and line endings
go through untouched. Workers (processes) do the LibCST work for `-j N`. Writes are atomic per
file: a temporary file in the same folder, then `os.replace`, with the file's mode kept; an
interrupted run leaves every file either old or new.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from codemods.custom import load_codemods
from codemods.outcome import ImportEdit, Kept
from codemods.plan import FileTask, RewritePlan
from codemods.rewrite import rewrite_source

if TYPE_CHECKING:
    from libcst.codemod import Codemod

CHANGED, UNCHANGED, FAILED = "changed", "unchanged", "failed"
PARALLEL_FROM = 16  # below this many files, starting workers costs more than it saves

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FileResult:
    path: str
    status: str  # CHANGED, UNCHANGED or FAILED
    before: bytes
    after: bytes
    edits: tuple[ImportEdit, ...] = ()
    kept: tuple[Kept, ...] = ()
    reason: str = ""  # why it FAILED


_plan: RewritePlan | None = None
_codemods: tuple[type[Codemod], ...] = ()


def _start_worker(plan: RewritePlan, specs: tuple[str, ...], root: str) -> None:
    global _plan, _codemods
    _plan = plan
    _codemods = load_codemods(specs, Path(root))


def _rewrite_one(root: str, task: FileTask) -> FileResult:
    assert _plan is not None
    try:
        data = (Path(root) / task.path).read_bytes()
    except OSError as exc:
        return FileResult(task.path, FAILED, b"", b"", reason=f"cannot be read: {exc.strerror}")
    done = rewrite_source(data, task, _plan, _codemods)
    if done.error is not None:
        return FileResult(task.path, FAILED, data, data, kept=done.kept, reason=done.error)
    status = CHANGED if done.data != data else UNCHANGED
    return FileResult(task.path, status, data, done.data, done.edits, done.kept)


def rewrite_files(
    root: Path,
    plan: RewritePlan,
    jobs: int = 1,
    codemods: tuple[str, ...] = (),
    progress: Progress | None = None,
) -> tuple[FileResult, ...]:
    """Every file of the plan rewritten in memory, in path order; nothing is written."""
    tasks = list(plan.files)
    results: list[FileResult] = []
    if jobs > 1 and len(tasks) >= PARALLEL_FROM:
        # The largest files first, one at a time: the workers then finish together.
        tasks.sort(key=lambda task: -_size(root / task.path))
        with ProcessPoolExecutor(
            max_workers=jobs, initializer=_start_worker, initargs=(plan, codemods, str(root))
        ) as pool:
            for result in pool.map(_rewrite_one, [str(root)] * len(tasks), tasks):
                results.append(result)
                if progress:
                    progress(len(results), len(tasks))
    else:
        _start_worker(plan, codemods, str(root))
        for task in tasks:
            results.append(_rewrite_one(str(root), task))
            if progress:
                progress(len(results), len(tasks))
    return tuple(sorted(results, key=lambda r: r.path))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def write_atomic(path: Path, data: bytes) -> None:
    """Replace path's contents with data in one step, keeping its permission bits."""
    mode = stat.S_IMODE(path.stat().st_mode)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_files(root: Path, results: Sequence[FileResult]) -> tuple[FileResult, ...]:
    """Write every CHANGED result; one that cannot be written becomes FAILED, the rest go on."""
    written: list[FileResult] = []
    for result in results:
        if result.status != CHANGED:
            written.append(result)
            continue
        try:
            write_atomic(root / result.path, result.after)
        except OSError as exc:
            result = replace(
                result,
                status=FAILED,
                after=result.before,
                edits=(),
                reason=f"cannot be written: {exc.strerror or exc}",
            )
        written.append(result)
    return tuple(written)


def read_text(root: Path, path: str) -> str:
    """A file's text for a search, whatever its encoding; empty when it cannot be read."""
    try:
        return (root / path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return ""
