"""The scan stage: every module of the tree read once, with what it imports.

`build_index` reads each Python file once, takes its imports from the fast scanner when it can
and from `ast` when it cannot, and examines module bodies only where a shim could be. Files
that do not parse are values in `not_analyzed`, never exceptions. With a `focus` (what `apply`
is about) it reads only the files that may name it; any other module is read when something
asks for it (`Index.load`), and the grammar of what it read is checked by `check_grammar`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from unshim.codemods import workers
from unshim.codemods.scan.assembly import Reading, assemble, readings_of, without
from unshim.codemods.scan.cache import Cache, Entry, blob_id
from unshim.codemods.scan.facts import FAST, Facts
from unshim.codemods.scan.focus import Focus
from unshim.codemods.scan.index import Index
from unshim.codemods.scan.reading import (
    Result,
    compile_check,
    compile_errors,
    decode,
    problem,
    read_data,
    read_unchecked,
)
from unshim.codemods.scan.sources import REFERENCE_FILES, SourceFile, Tree, discover

Progress = Callable[[int, int], None]

CHECK_BATCH = 256 * 1024  # characters of source per grammar check sent: ~100 on SymPy's tree
# The grammar check workers yield to this process, whose reading and analysis are what the run
# waits for: on 2 cores, 2 workers at its priority left it two thirds of one (SymPy's cold
# analyze: 5.3 s, 4.7 s with the workers niced).
CHECK_NICE = 10


def _read_one(
    root: str,
    source: SourceFile,
    overlay: Mapping[str, bytes] | None = None,
    unchecked: list[tuple[SourceFile, str]] | None = None,
    learned: Learned | None = None,
) -> Result:
    """One file read; when `unchecked` is given, a file whose grammar was not checked yet is
    added to it (the check then runs elsewhere). With `learned`, the cache answers for the
    bytes it knows and what is read anew is added to `learned`."""
    if overlay is not None and source.path in overlay:
        return read_unchecked(Path(root), source, overlay, learned.cache if learned else None)
    try:
        data = (Path(root) / source.path).read_bytes()
    except OSError as exc:
        return problem(source, exc)
    if learned is None:
        return read_data(source, data, unchecked)
    return learned.read(source, data, unchecked)


# Reasons that come from the machine, not from the bytes (recursion, memory): not kept.
_TRANSIENT = "cannot be read:"


@dataclass
class Learned:
    """The cache's answers for one run, and what the run read anew, kept once the grammar of
    those files is known (`keep`)."""

    cache: Cache
    fresh: dict[str, tuple[str, Entry]] = field(default_factory=dict)  # path -> (blob, entry)
    # Entries the cache gave without a grammar verdict, kept again only once one is found.
    pending: dict[str, tuple[str, Entry]] = field(default_factory=dict)

    def read(
        self, source: SourceFile, data: bytes, unchecked: list[tuple[SourceFile, str]] | None
    ) -> Result:
        """`read_data`, or the same result from the cache's entry for these bytes."""
        blob = blob_id(data)
        entry = self.cache.get(blob)
        if entry is None:
            deferred: list[tuple[SourceFile, str]] = []
            result = read_data(source, data, deferred if unchecked is not None else None)
            if unchecked is not None:
                unchecked.extend(deferred)
            facts, reason = result[1], result[3]
            if not reason.startswith(_TRANSIENT):
                self.fresh[source.path] = (blob, Entry(facts, reason, not deferred))
            return result
        if entry.facts is None:
            return source, None, "", entry.reason
        text = decode(data)  # these bytes decoded when the entry was made
        if not entry.compiled:
            if unchecked is not None:
                unchecked.append((source, text))
                self.pending[source.path] = (blob, entry)  # its grammar, once checked, is kept
            else:
                try:
                    compile_check(text, source.path)
                except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
                    failed = problem(source, exc, text)
                    if not isinstance(exc, (RecursionError, MemoryError)):
                        self.fresh[source.path] = (blob, Entry(None, failed[3]))
                    return failed
                self.fresh[source.path] = (blob, Entry(entry.facts, "", True))
        return source, entry.facts, text, ""

    def keep(self, checked: Collection[str] = (), errors: Mapping[str, str] | None = None) -> None:
        """Write what was read anew; `checked`: files whose grammar the workers checked since,
        `errors` (path -> why) those of them that did not compile."""
        errors = errors or {}
        for path in checked:
            if path in self.pending:
                self.fresh[path] = self.pending[path]
            if path in self.fresh:
                blob, entry = self.fresh[path]
                if path in errors:
                    self.fresh[path] = (blob, Entry(None, errors[path]))
                else:
                    self.fresh[path] = (blob, Entry(entry.facts, "", True))
        for blob, entry in self.fresh.values():
            self.cache.put(blob, entry)
        if self.cache.written:
            self.cache.prune()
        self.fresh.clear()
        self.pending.clear()


def _read_many(root: str, sources: list[SourceFile]) -> list[Result]:
    return [_read_one(root, s) for s in sources]


@dataclass
class PendingIndex:
    """An index whose files were read but whose grammar is still being checked in worker
    processes, so the analysis can start meanwhile. `result()` is the checked index: the same
    object when every file compiled, else one without the files that did not."""

    index: Index
    pool: ProcessPoolExecutor | None = None
    checks: list[Future[list[tuple[str, str]]]] = field(default_factory=list)
    learned: Learned | None = None
    checked: tuple[str, ...] = ()  # the paths the workers check

    @property
    def checking(self) -> bool:
        """Whether worker processes are still checking the grammar of some files."""
        return self.pool is not None

    def result(self) -> Index:
        if self.pool is None:
            return self.index
        try:
            errors = dict(error for check in self.checks for error in check.result())
        finally:
            self.pool.shutdown()
            self.pool = None
        if self.learned is not None:
            self.learned.keep(self.checked, errors)
        if errors:
            self.index = without(self.index, errors, self.index.unchecked)
        return self.index


def build_index(
    root: Path,
    source_roots: tuple[str, ...] = (".",),
    exclude: tuple[str, ...] = (),
    jobs: int = 1,
    progress: Progress | None = None,
    overlay: Mapping[str, bytes | None] | None = None,
    reuse: Index | None = None,
    focus: Focus | None = None,
    reference_files: tuple[str, ...] = REFERENCE_FILES,
    cache: Cache | None = None,
) -> Index:
    """`start_index`, waited for: the index with every file's grammar checked."""
    return start_index(
        root, source_roots, exclude, jobs, progress, overlay, reuse, focus, reference_files, cache
    ).result()


def start_index(
    root: Path,
    source_roots: tuple[str, ...] = (".",),
    exclude: tuple[str, ...] = (),
    jobs: int = 1,
    progress: Progress | None = None,
    overlay: Mapping[str, bytes | None] | None = None,
    reuse: Index | None = None,
    focus: Focus | None = None,
    reference_files: tuple[str, ...] = REFERENCE_FILES,
    cache: Cache | None = None,
) -> PendingIndex:
    """Index the tree at root. `overlay` maps paths to contents that stand in for the files on
    disk (None: the file is gone), so a planned change can be analyzed before it is written.
    `reuse`: an index of the same tree whose listing and readings still hold for every file not
    in the overlay (no file on disk was added, removed or changed since), so only the overlay
    is read again.
    `focus`: read only the files that may name these modules (`codemods.scan.focus`); the others
    are left unread until something asks for their module.
    `reference_files`: globs of the files whose text may name a module as configuration.
    `cache`: what earlier runs read of the same bytes (`codemods.scan.cache`), consulted and
    added to; the index is the same with or without it."""
    tree = (
        reuse.tree if reuse is not None else discover(root, source_roots, exclude, reference_files)
    )
    if overlay:
        gone = {p for p, data in overlay.items() if data is None}
        tree = Tree(
            tree.root,
            tuple(s for s in tree.sources if s.path not in gone),
            tree.configs,
            tree.prose,
            tree.skipped,
            tree.distributions,
        )
    contents = {p: d for p, d in (overlay or {}).items() if d is not None}
    learned = Learned(cache) if cache is not None else None
    if focus is not None:
        focused = _focused(root, tree, focus, contents, reuse, progress, learned)
        if learned is not None:
            learned.keep()
        return PendingIndex(focused)
    sources = list(tree.sources)
    results: list[tuple[SourceFile, Facts | None, str, str]] = []
    if reuse is not None:
        known = readings_of(reuse)
        fresh = []
        for source in sources:
            if source.path in known and source.path not in contents:
                results.append((source, *known[source.path]))
            else:
                fresh.append(source)
        sources = fresh
    checking: _Checking | None = None
    if jobs > 1 and len(sources) > 200 and not contents:
        if FAST:
            # Read and scan here; compile (the costly part) in the workers, from the first
            # files read on, while this process goes on reading and then the caller with the
            # analysis.
            checking = _Checking(jobs)
            try:
                for position, source in enumerate(sources, 1):
                    results.append(_read_one(str(root), source, None, checking.files, learned))
                    checking.send()
                    if progress and (position % 200 == 0 or position == len(sources)):
                        progress(position, len(sources))
                checking.send(last=True)
            except BaseException:
                checking.stop()
                raise
        else:
            chunks = [sources[i :: jobs * 4] for i in range(jobs * 4)]
            with workers.pool(jobs) as pool:
                reads = [workers.submit(pool, _read_many, str(root), chunk) for chunk in chunks]
                for read in reads:
                    results.extend(read.result())
                    if progress:
                        progress(len(results), len(sources))
    else:
        for position, source in enumerate(sources, 1):
            results.append(_read_one(str(root), source, contents, None, learned))
            if progress and (position % 50 == 0 or position == len(sources)):
                progress(position, len(sources))
    try:
        pending = PendingIndex(assemble(root, tree, results, cache=cache))
    except BaseException:
        if checking is not None:
            checking.stop()
        raise
    if checking is None or checking.pool is None:
        if learned is not None:
            learned.keep()
        return pending
    pending.learned = learned
    pending.checked = tuple(checking.paths)
    pending.pool, pending.checks = checking.pool, checking.futures
    return pending


class _Checking:
    """The grammar checks of the files read so far, sent to worker processes in batches as the
    reading goes (the pool starts with the first batch): they compile while this process reads
    the rest."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.files: list[tuple[SourceFile, str]] = []  # read, not yet sent
        self.size = 0  # characters in `files` counted so far
        self.counted = 0  # how many of `files` `size` counts
        self.paths: list[str] = []  # every file sent
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future[list[tuple[str, str]]]] = []

    def send(self, last: bool = False) -> None:
        """Send the files read since the last batch once they make one (`last`: whatever is
        left)."""
        for _, text in self.files[self.counted :]:
            self.size += len(text)
        self.counted = len(self.files)
        if not self.files or (self.size < CHECK_BATCH and not last):
            return
        if self.pool is None:
            self.pool = workers.pool(self.jobs, nice=CHECK_NICE)
        batch = [(source.path, text) for source, text in self.files]
        self.futures.append(workers.submit(self.pool, compile_errors, batch))
        self.paths.extend(path for path, _ in batch)
        self.files, self.size, self.counted = [], 0, 0

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def deferred_index(
    root: Path,
    source_roots: tuple[str, ...] = (".",),
    exclude: tuple[str, ...] = (),
    learned: Learned | None = None,
) -> Index:
    """Every file of the tree read, the grammar of those the fast scanner read left unchecked
    (`Index.unchecked`), for a caller that learns it elsewhere (`assembly.check_grammar`).
    With `learned`, the cache answers for the bytes it knows (a file it knows to compile is
    not unchecked); the caller keeps the verdicts it finds (`Learned.keep`)."""
    tree = discover(root, source_roots, exclude)
    deferred: list[tuple[SourceFile, str]] = []
    results = [_read_one(str(root), source, None, deferred, learned) for source in tree.sources]
    unchecked = frozenset(s.path for s, _ in deferred)
    cache = learned.cache if learned is not None else None
    return assemble(root, tree, results, unchecked=unchecked, cache=cache)


def kept_verdicts(learned: Learned, read: Index, checked: Index) -> None:
    """Keep in the cache what `deferred_index` read, once `check_grammar` (or another check)
    turned `read` into `checked`: every file `read` left unchecked now has a verdict, a file
    in `checked.not_analyzed` that it did not compile."""
    errors = {
        p.path: p.reason
        for p in checked.not_analyzed
        if p.path in read.unchecked and not p.reason.startswith(_TRANSIENT)
    }
    transient = {p.path for p in checked.not_analyzed if p.reason.startswith(_TRANSIENT)}
    learned.keep(read.unchecked - transient, errors)


def changed_index(
    base: Index,
    root: Path,
    changes: Mapping[str, bytes | None],
    source_roots: tuple[str, ...] = (".",),
    exclude: tuple[str, ...] = (),
    learned: Learned | None = None,
) -> Index:
    """The index of the tree at `root`, which holds the files `base` read (from another copy of
    the same tree, say git HEAD exported) but for `changes` (path -> the new contents; None: gone,
    or not known). The tree is listed afresh; a listed file in `changes` is read from those
    bytes with its grammar checked, one with None or one `base` did not read from disk,
    and every other file keeps `base`'s reading: its bytes did not change, so neither did what
    it says. Equal to `build_index(root)` when the files outside `changes` hold the same bytes
    in both copies. With `learned`, the cache answers for changed bytes it knows (an earlier
    run made the same change) and what is read anew is added to `learned`, for the caller to
    keep (`Learned.keep`)."""
    if base.focus is not None or base.unchecked:
        raise ValueError("changed_index needs a whole index whose grammar was checked")
    tree = discover(root, source_roots, exclude)
    known = readings_of(base)
    results: list[Result] = []
    for source in tree.sources:
        data = changes.get(source.path)
        if data is not None:
            if learned is not None:
                results.append(learned.read(source, data, None))
            else:
                results.append(read_data(source, data))
        elif source.path in known and source.path not in changes:
            results.append((source, *known[source.path]))
        else:
            results.append(_read_one(str(root), source, learned=learned))
    return assemble(root, tree, results, cache=learned.cache if learned is not None else None)


def _focused(
    root: Path,
    tree: Tree,
    focus: Focus,
    contents: Mapping[str, bytes],
    reuse: Index | None,
    progress: Progress | None,
    learned: Learned | None = None,
) -> Index:
    """Only the files that may name the focus, read in this process (they are few)."""
    known: dict[str, Reading] = {}
    unread_before: set[str] = set()
    if reuse is not None and reuse.focus == focus:
        known = readings_of(reuse)
        unread_before = {s.path for s in reuse.unread}
    results: list[Result] = []
    unread: list[SourceFile] = []
    deferred: list[tuple[SourceFile, str]] = []  # read by the scanner, grammar not checked
    base = os.fspath(root)
    components = focus.components(s.module for s in tree.sources)
    cache = learned.cache if learned is not None else None

    def wanted(module: str, data: bytes) -> bool:
        return focus.wants(module, data) or focus.templated(data, components)

    for position, source in enumerate(tree.sources, 1):
        if progress and (position % 200 == 0 or position == len(tree.sources)):
            progress(position, len(tree.sources))
        if source.path in contents:
            data = contents[source.path]
            if wanted(source.module, data):
                results.append(read_unchecked(root, source, contents, cache))
            else:
                unread.append(source)  # rewritten so that it no longer names the focus
        elif source.path in known:
            results.append((source, *known[source.path]))
        elif source.path in unread_before:
            unread.append(source)
        else:
            try:
                with open(os.path.join(base, source.path), "rb") as stream:
                    data = stream.read()
            except OSError as exc:
                results.append(problem(source, exc))
                continue
            if wanted(source.module, data):
                if learned is None:
                    results.append(read_data(source, data, deferred))
                else:
                    results.append(learned.read(source, data, deferred))
            else:
                unread.append(source)
    unchecked = frozenset(s.path for s, _ in deferred)
    blobs: dict[str, str] = {}
    if reuse is not None and reuse.focus == focus:
        unchecked |= reuse.unchecked - set(contents)
        blobs.update(reuse.blobs)
    if learned is not None:
        blobs.update({path: blob for path, (blob, _) in learned.fresh.items()})
        blobs.update({path: blob for path, (blob, _) in learned.pending.items()})
    index = assemble(root, tree, results, focus, tuple(unread), unchecked, cache, blobs)
    index.overlay.update(contents)
    return index
