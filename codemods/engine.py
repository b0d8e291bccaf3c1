"""The only module that reads and writes source files for `apply`.

Files are read as bytes and handed to the rewrite as bytes, so encodings, BOMs and line endings
go through untouched. With `-j N` a `Rewriter` runs the rewrite in N worker processes, started
before the plan exists: they load LibCST and read and parse (with `ast`) the files the plan
will most likely name while the plan is being made, and rewrite them once it is there; this
process never loads LibCST then. Writes are atomic per file: a temporary file in the same
folder, then `os.replace`, with the file's mode kept; an interrupted run leaves every file
either old or new.
"""

from __future__ import annotations

import os
import pickle
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from codemods.custom import load_codemods
from codemods.located import Prepared, prepare
from codemods.outcome import ImportEdit, Kept
from codemods.plan import FileTask, RewritePlan

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


# A worker's state: the team's codemods, and the plan it was last sent (by its pickled bytes).
_codemods: tuple[type[Codemod], ...] = ()
_plan: tuple[bytes, RewritePlan] | None = None


def _start_worker(specs: tuple[str, ...], root: str) -> None:
    global _codemods
    from codemods import rewrite  # noqa: F401  LibCST loads while the plan is being made

    _codemods = load_codemods(specs, Path(root))


def _read(root: str, path: str) -> Prepared | FileResult:
    try:
        data = (Path(root) / path).read_bytes()
    except OSError as exc:
        return FileResult(path, FAILED, b"", b"", reason=f"cannot be read: {exc.strerror}")
    return prepare(data)


def _nothing() -> None:
    """A first task: it makes the pool start its worker now."""


def _result(task: FileTask, prepared: Prepared, plan: RewritePlan) -> FileResult:
    from codemods.rewrite import rewrite_prepared

    data = prepared.data
    done = rewrite_prepared(prepared, task, plan, _codemods)
    if done.error is not None:
        return FileResult(task.path, FAILED, data, data, kept=done.kept, reason=done.error)
    status = CHANGED if done.data != data else UNCHANGED
    return FileResult(task.path, status, data, done.data, done.edits, done.kept)


def _rewrite_one(
    root: str, plan_bytes: bytes, task: FileTask, prepared: Prepared | FileResult | None
) -> FileResult:
    global _plan
    if _plan is None or _plan[0] != plan_bytes:
        _plan = (plan_bytes, pickle.loads(plan_bytes))
    if prepared is None:
        prepared = _read(root, task.path)
    if isinstance(prepared, FileResult):
        return prepared
    return _result(task, prepared, _plan[1])


class Rewriter:
    """Rewrites a plan's files, in worker processes when `jobs` > 1. Create it before the plan,
    hand it the files the plan will most likely name (`prepare`), then `rewrite` the plan."""

    def __init__(self, root: Path, jobs: int = 1, codemods: tuple[str, ...] = ()) -> None:
        self.root = root
        self.codemods = codemods
        self.prepared: dict[str, Future[Prepared | FileResult]] = {}
        self.pool: ProcessPoolExecutor | None = None
        if jobs > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=jobs, initializer=_start_worker, initargs=(codemods, str(root))
            )
            self.pool.submit(_nothing)  # workers are started on demand: start one now

    def __enter__(self) -> Rewriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def prepare(self, paths: Iterable[str]) -> None:
        """Start reading and parsing these files in the workers, the largest first."""
        if self.pool is None:
            return
        todo = [p for p in paths if p not in self.prepared]
        for path in sorted(todo, key=lambda p: -_size(self.root / p)):
            self.prepared[path] = self.pool.submit(_read, str(self.root), path)

    def rewrite(
        self, plan: RewritePlan, progress: Progress | None = None
    ) -> tuple[FileResult, ...]:
        """Every file of the plan rewritten in memory, in path order; nothing is written."""
        tasks = list(plan.files)
        results: list[FileResult] = []
        if self.pool is not None:
            plan_bytes = pickle.dumps(plan)
            # Files already parsed first, in the order they were; then the largest of the rest.
            tasks.sort(key=lambda t: (t.path not in self.prepared, -_size(self.root / t.path)))
            futures = [
                self.pool.submit(
                    _rewrite_one,
                    str(self.root),
                    plan_bytes,
                    task,
                    self.prepared[task.path].result() if task.path in self.prepared else None,
                )
                for task in tasks
            ]
            for future in futures:
                results.append(future.result())
                if progress:
                    progress(len(results), len(tasks))
        else:
            global _codemods
            _codemods = load_codemods(self.codemods, self.root)
            for task in tasks:
                prepared = _read(str(self.root), task.path)
                results.append(
                    prepared if isinstance(prepared, FileResult) else _result(task, prepared, plan)
                )
                if progress:
                    progress(len(results), len(tasks))
        return tuple(sorted(results, key=lambda r: r.path))


def rewrite_files(
    root: Path,
    plan: RewritePlan,
    jobs: int = 1,
    codemods: tuple[str, ...] = (),
    progress: Progress | None = None,
) -> tuple[FileResult, ...]:
    """Every file of the plan rewritten in memory, in path order; nothing is written."""
    workers = jobs if len(plan.files) >= PARALLEL_FROM else 1
    with Rewriter(root, workers, codemods) as rewriter:
        return rewriter.rewrite(plan, progress)


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
