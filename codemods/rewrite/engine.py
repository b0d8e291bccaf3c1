"""The only module that reads and writes source files for `apply`.

Files are read as bytes and handed to the rewrite as bytes, so encodings, BOMs and line endings
go through untouched. With `-j N` a `Rewriter` reads and parses (with `ast`) the files in N
worker processes, started before the plan exists: they parse the files the plan will most
likely name while the plan is being made. This process then rewrites their import lines (the
cheap part, once the parse is done); a file that needs its whole module parsed by LibCST goes
back to a worker. Writes are atomic per file: a temporary file in the same folder, then
`os.replace`, with the file's mode kept; an interrupted run leaves every file either old or new.
"""

from __future__ import annotations

import os
import pickle
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from codemods import workers
from codemods.plan.values import FileTask, RewritePlan
from codemods.rewrite.custom import load_codemods
from codemods.rewrite.located import Prepared, prepare
from codemods.rewrite.results import Failed, FileResult, Rewritten, Unchanged

if TYPE_CHECKING:
    from codemods.rewrite.transform import FileRewrite

PARALLEL_FROM = 16  # below this many files, starting workers costs more than it saves

Progress = Callable[[int, int], None]


def _read(root: str, path: str) -> Prepared | Failed:
    try:
        data = (Path(root) / path).read_bytes()
    except OSError as exc:
        return Failed(path, b"", f"cannot be read: {exc.strerror}")
    return prepare(data)


def _file_result(task: FileTask, data: bytes, done: FileRewrite) -> FileResult:
    if done.error is not None:
        return Failed(task.path, data, done.error, done.kept)
    if done.data != data:
        return Rewritten(task.path, data, done.data, done.edits, done.kept)
    return Unchanged(task.path, data, done.kept)


# A worker's plan, with the pickled bytes it came as: one unpickling per plan, not per file.
_plan: tuple[bytes, RewritePlan] | None = None


def _plan_of(blob: bytes) -> RewritePlan:
    global _plan
    if _plan is None or _plan[0] != blob:
        _plan = (blob, pickle.loads(blob))
    return _plan[1]


def _rewrite_whole(
    root: str, plan_blob: bytes, specs: tuple[str, ...], task: FileTask, prepared: Prepared
) -> FileResult:
    """In a worker: a file whose rewrite needs its whole module (or a team's codemods)."""
    from codemods.rewrite.transform import rewrite_prepared

    plan = _plan_of(plan_blob)
    codemods = load_codemods(specs, Path(root))
    return _file_result(task, prepared.data, rewrite_prepared(prepared, task, plan, codemods))


class Rewriter:
    """Rewrites a plan's files, with worker processes when `jobs` > 1. Create it before the
    plan, hand it the files the plan will most likely name (`prepare`), then `rewrite`."""

    def __init__(self, root: Path, jobs: int = 1, codemods: tuple[str, ...] = ()) -> None:
        self.root = root
        self.codemods = codemods
        self.prepared: dict[str, Future[Prepared | Failed]] = {}
        # Workers start on demand, with the first files to read; they never load LibCST
        # unless a file needs its whole module rewritten.
        self.pool = workers.pool(jobs) if jobs > 1 else None

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
            self.prepared[path] = workers.submit(self.pool, _read, str(self.root), path)

    def rewrite(
        self, plan: RewritePlan, progress: Progress | None = None
    ) -> tuple[FileResult, ...]:
        """Every file of the plan rewritten in memory, in path order; nothing is written."""
        results: list[FileResult] = []

        def done(result: FileResult) -> None:
            results.append(result)
            if progress:
                progress(len(results), len(plan.files))

        if self.pool is None:
            self._in_process(plan, done)
        else:
            self._with_workers(self.pool, plan, done)
        return tuple(sorted(results, key=lambda r: r.path))

    def _in_process(self, plan: RewritePlan, done: Callable[[FileResult], None]) -> None:
        from codemods.rewrite import transform as rewrite

        codemods = load_codemods(self.codemods, self.root)
        for task in plan.files:
            read = _read(str(self.root), task.path)
            if isinstance(read, Failed):
                done(read)
            else:
                done(
                    _file_result(
                        task, read.data, rewrite.rewrite_prepared(read, task, plan, codemods)
                    )
                )

    def _with_workers(
        self, pool: ProcessPoolExecutor, plan: RewritePlan, done: Callable[[FileResult], None]
    ) -> None:
        """Each file as soon as a worker has parsed it: its import lines here, or its whole
        module back in a worker."""
        from codemods.rewrite import transform as rewrite

        tasks = {task.path: task for task in plan.files}
        self.prepare(tasks)
        plan_blob = pickle.dumps(plan)
        whole: list[Future[FileResult]] = []
        parsed = {self.prepared[path]: tasks[path] for path in tasks}
        for future in as_completed(parsed):
            task, read = parsed[future], future.result()
            if isinstance(read, Failed):
                done(read)
                continue
            if read.problem is not None:  # never written
                done(Failed(task.path, read.data, read.problem))
                continue
            lines = None if self.codemods else rewrite.rewrite_import_lines(read, task, plan)
            if lines is not None:
                done(_file_result(task, read.data, lines))
            else:
                whole.append(
                    workers.submit(
                        pool, _rewrite_whole, str(self.root), plan_blob, self.codemods, task, read
                    )
                )
        for rewritten in whole:
            done(rewritten.result())


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
    """Write every `Rewritten` result; one that cannot be written becomes `Failed` (its edits
    undone, what it kept still reported), the rest go on."""
    written: list[FileResult] = []
    for result in results:
        if not isinstance(result, Rewritten):
            written.append(result)
            continue
        try:
            write_atomic(root / result.path, result.after)
        except OSError as exc:
            reason = f"cannot be written: {exc.strerror or exc}"
            written.append(Failed(result.path, result.before, reason, result.kept))
            continue
        written.append(result)
    return tuple(written)


def read_text(root: Path, path: str) -> str:
    """A file's text for a search, whatever its encoding; empty when it cannot be read."""
    try:
        return (root / path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return ""
