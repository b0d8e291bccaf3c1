"""The only module that reads and writes source files for `apply`.

Files are read as bytes and handed to the rewrite as bytes, so encodings, BOMs and line endings
go through untouched. With `-j N` a `Rewriter` reads and parses (with `ast`) the files in N
worker processes, started before the plan exists: they parse the files the plan will most
likely name while the plan is being made. This process then rewrites their import lines (the
cheap part, once the parse is done); a file that needs its whole module parsed by LibCST goes
back to a worker.

Writing is in two steps, so that the tree changes as a whole (`codemods.worktree.journal`
records both): `stage` writes each new file to a temporary beside it (`.NAME.XXXXXXXX.unshim.tmp`,
with the file's mode), `commit` renames them over the files. Both first check that the file
still holds the bytes unshim read: one changed underfoot is left as it is and reported.
`remove_strays` removes the temporaries a killed run left.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import secrets
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from unshim.codemods import workers
from unshim.codemods.plan.values import FileTask, RewritePlan
from unshim.codemods.rewrite.custom import load_codemods
from unshim.codemods.rewrite.located import Prepared, prepare
from unshim.codemods.rewrite.results import Failed, FileResult, Rewritten, Unchanged
from unshim.codemods.scan.cache import Cache, blob_id
from unshim.codemods.worktree import faults
from unshim.codemods.worktree.journal import Entry

if TYPE_CHECKING:
    from unshim.codemods.rewrite.transform import FileRewrite

PARALLEL_FROM = 16  # below this many files, starting workers costs more than it saves

Progress = Callable[[int, int], None]


def _read(root: str, path: str, cache: Cache | None = None) -> Prepared | Failed:
    try:
        data = (Path(root) / path).read_bytes()
    except OSError as exc:
        return Failed(path, b"", f"cannot be read: {exc.strerror}")
    return prepare(data, compiles=cache is not None and _compiles(cache, blob_id(data)))


def _compiles(cache: Cache, blob: str) -> bool:
    """Whether an earlier run compiled these bytes (the cache's grammar verdict)."""
    entry = cache.get(blob)
    return entry is not None and entry.compiled and entry.facts is not None


def keep_compiled(cache: Cache, prepared: Iterable[Prepared]) -> None:
    """Keep in the cache that the files `prepare` compiled do compile, for the bytes the scan
    read too (whose entry holds their facts): the next run does not compile them again."""
    for read in prepared:
        if not read.compiled or read.problem is not None:
            continue
        blob = blob_id(read.data)
        entry = cache.get(blob)
        if entry is not None and entry.facts is not None and not entry.compiled:
            cache.put(blob, replace(entry, compiled=True))


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
    from unshim.codemods.rewrite.transform import rewrite_prepared

    plan = _plan_of(plan_blob)
    codemods = load_codemods(specs, Path(root))
    return _file_result(task, prepared.data, rewrite_prepared(prepared, task, plan, codemods))


class Rewriter:
    """Rewrites a plan's files, with worker processes when `jobs` > 1. Create it before the
    plan, hand it the files the plan will most likely name (`prepare`), then `rewrite`."""

    def __init__(
        self,
        root: Path,
        jobs: int = 1,
        codemods: tuple[str, ...] = (),
        cache: Cache | None = None,
    ) -> None:
        """`cache`: where the grammar verdicts of earlier runs are kept (the scan's facts
        cache): bytes it knows to compile are not compiled again, and what is compiled here
        is added to it."""
        self.root = root
        self.codemods = codemods
        self.cache = cache
        self.compiled: list[Prepared] = []  # compiled here, for the cache
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
        if self.cache is not None and self.compiled:
            keep_compiled(self.cache, self.compiled)
            self.compiled.clear()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def prepare(self, paths: Iterable[str]) -> None:
        """Start reading and parsing these files in the workers, the largest first."""
        if self.pool is None:
            return
        todo = [p for p in paths if p not in self.prepared]
        for path in sorted(todo, key=lambda p: -_size(self.root / p)):
            self.prepared[path] = workers.submit(self.pool, _read, str(self.root), path, self.cache)

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
        from unshim.codemods.rewrite import transform as rewrite

        codemods = load_codemods(self.codemods, self.root)
        for task in plan.files:
            read = _read(str(self.root), task.path, self.cache)
            if isinstance(read, Failed):
                done(read)
            else:
                self.compiled.append(read)
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
        from unshim.codemods.rewrite import transform as rewrite

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
            self.compiled.append(read)
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


CHANGED = "changed while unshim ran; left as it is"
DELETED = "deleted while unshim ran; not written again"


def read_only(path: Path) -> str | None:
    """Why a file is not to be replaced although unshim could: its mode, or its folder's, has
    no write bit. As root nothing stops a rename, but whoever made them read-only meant it."""
    try:
        mode, folder = stat.S_IMODE(path.stat().st_mode), stat.S_IMODE(path.parent.stat().st_mode)
    except OSError:
        return None
    if not mode & 0o222:
        return f"is read-only (mode {mode:04o}); left as it is: make it writable to rewrite it"
    if not folder & 0o222:
        return (
            f"is in a folder that is not writable (mode {folder:04o}); left as it is: make the "
            "folder writable to rewrite it"
        )
    return None


TEMPORARY = ".unshim.tmp"
# Temporaries of unshim: this version's, and the `.NAME.XXXXXXXX.tmp` of earlier versions.
STRAY = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}(?:\.unshim)?\.tmp$")
NOT_WALKED = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__"})


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_of(path: Path) -> str | None:
    """The sha256 of the file's bytes now; None when it is gone or cannot be read."""
    try:
        return digest(path.read_bytes())
    except OSError:
        return None


def temporary_for(path: str) -> str:
    """A fresh name for the temporary beside `path` (relative to the root)."""
    folder, _, name = path.rpartition("/")
    temporary = f".{name}.{secrets.token_hex(4)}{TEMPORARY}"
    return f"{folder}/{temporary}" if folder else temporary


def _write_new(path: Path, temporary: Path, data: bytes) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def stage(
    root: Path, results: Sequence[FileResult], temporaries: Mapping[str, str]
) -> tuple[FileResult, ...]:
    """Write each `Rewritten` result's new bytes to its temporary; nothing is replaced yet. A
    file changed since it was read, or whose temporary cannot be written, becomes `Failed`
    (what it kept still reported), the rest go on."""
    staged: list[FileResult] = []
    for result in results:
        if not isinstance(result, Rewritten):
            staged.append(result)
            continue
        path = root / result.path
        if digest_of(path) != digest(result.before):
            gone = not path.exists()
            staged.append(
                Failed(result.path, result.before, DELETED if gone else CHANGED, result.kept)
            )
            continue
        refusal = read_only(path)
        if refusal is not None:
            staged.append(Failed(result.path, result.before, refusal, result.kept))
            continue
        try:
            _write_new(path, root / temporaries[result.path], result.after)
        except OSError as exc:
            reason = f"cannot be written: {exc.strerror or exc}"
            staged.append(Failed(result.path, result.before, reason, result.kept))
            continue
        staged.append(result)
        faults.step()
    return tuple(staged)


def unstage(root: Path, temporaries: Iterable[str]) -> None:
    for temporary in temporaries:
        (root / temporary).unlink(missing_ok=True)


def commit(root: Path, entries: Sequence[Entry]) -> tuple[str, ...]:
    """Rename each entry's temporary over its file; the files changed underfoot are left as
    they are (their temporary removed) and returned. Run again on the same entries (a run
    completing one that was killed), it finishes what is left and changes nothing else."""
    changed: list[str] = []
    for entry in entries:
        if entry.temporary is None:
            continue
        temporary = root / entry.temporary
        if not temporary.exists():  # renamed already
            continue
        now = digest_of(root / entry.path)
        if now == entry.old:
            os.replace(temporary, root / entry.path)
            faults.step()
            continue
        temporary.unlink()
        if now != entry.new:
            changed.append(entry.path)
    return tuple(changed)


def remove_strays(root: Path) -> tuple[str, ...]:
    """Remove the temporaries of unshim's writes that a killed run left in the tree (one
    beside the file it was for, of a Python file), and return them."""
    removed: list[str] = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in NOT_WALKED]
        for name in filenames:
            match = STRAY.match(name)
            if match is None or not match["name"].endswith((".py", ".pyi")):
                continue
            if not os.path.exists(os.path.join(directory, match["name"])):
                continue
            path = Path(directory) / name
            path.unlink(missing_ok=True)
            removed.append(path.relative_to(root).as_posix())
    return tuple(sorted(removed))


def read_text(root: Path, path: str) -> str:
    """A file's text for a search, whatever its encoding; empty when it cannot be read."""
    try:
        return (root / path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return ""
