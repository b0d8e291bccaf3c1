"""The scan stage: every module of the tree read once, with what it imports.

`build_index` reads each Python file once, takes its imports from the fast scanner when it can
and from `ast` when it cannot, and examines module bodies only where a shim could be. Files
that do not parse are values in `not_analyzed`, never exceptions. With a `focus` (what `apply`
is about) it reads only the files that may name it; any other module is read when something
asks for it (`Index.load`), and the grammar of what it read is checked by `check_grammar`.
"""

from __future__ import annotations

import io
import os
import tokenize
from collections.abc import Callable, Collection, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from codemods.scan.body import module_body
from codemods.scan.collector import file_facts, parse
from codemods.scan.facts import Body, Facts
from codemods.scan.focus import Focus
from codemods.scan.sources import SourceFile, Tree, discover

try:  # the fast path is optional: without it every file goes through ast
    from codemods.scan import scanner as _scanner
    from codemods.scan.lexer import FAST
except ImportError:  # pragma: no cover
    _scanner = None  # type: ignore[assignment]
    FAST = False

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class NotAnalyzed:
    path: str
    reason: str


@dataclass(frozen=True)
class ModuleInfo:
    source: SourceFile
    facts: Facts
    lines: int
    text: str = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.source.module

    @property
    def path(self) -> str:
        return self.source.path


@dataclass(frozen=True)
class Index:
    root: Path
    modules: dict[str, ModuleInfo]  # by dotted name; a .py wins over its .pyi
    stubs: dict[str, ModuleInfo]  # .pyi files, by dotted name
    packages: frozenset[str]  # every package, namespace packages included
    not_analyzed: tuple[NotAnalyzed, ...]
    tree: Tree
    # A focused index read only the files that may name its focus; the others are read when
    # something asks for their module (`load`), and are not part of `modules`.
    focus: Focus | None = None
    unread: tuple[SourceFile, ...] = ()
    # Paths a focused index read without checking their grammar (`check_grammar` does).
    unchecked: frozenset[str] = frozenset()
    # Contents that stand in for files on disk (`start_index(overlay=)`), for `load`.
    overlay: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)
    _bodies: dict[str, Body | None] = field(default_factory=dict, repr=False, compare=False)
    _loaded: dict[str, ModuleInfo | None] = field(default_factory=dict, repr=False, compare=False)
    _late: list[NotAnalyzed] = field(default_factory=list, repr=False, compare=False)
    _definitions: dict[str, frozenset[str] | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    @cached_property
    def _unread(self) -> dict[tuple[str, bool], SourceFile]:
        return {(s.module, s.is_stub): s for s in self.unread}

    def load(self, module: str, *, stubs: bool = True) -> ModuleInfo | None:
        """The module's reading (its .py, else with `stubs` its .pyi): from the index, or read
        now when a focused index left it unread. None: no such module, or it does not parse
        (then it is in `late_problems`)."""
        found = self.modules.get(module) or (self.stubs.get(module) if stubs else None)
        if found is not None or not self.unread:
            return found
        for stub in (False, True) if stubs else (False,):
            source = self._unread.get((module, stub))
            if source is None:
                continue
            if source.path not in self._loaded:
                source, facts, text, reason = _read_unchecked(self.root, source, self.overlay)
                if facts is None:
                    self._late.append(NotAnalyzed(source.path, reason))
                self._loaded[source.path] = _info(source, facts, text) if facts else None
            if self._loaded[source.path] is not None:
                return self._loaded[source.path]
        return None

    def defines(self, module: str, name: str) -> bool:
        """True when the module surely has a top-level `def` or `class` of that name (False:
        not sure; its body says). Read without parsing the module."""
        info = self.load(module, stubs=False)
        if info is None or _scanner is None:
            return False
        if module not in self._definitions:
            self._definitions[module] = _scanner.top_level_definitions(info.text)
        found = self._definitions[module]
        return found is not None and name in found

    @property
    def late_problems(self) -> tuple[NotAnalyzed, ...]:
        """Files read on demand (`load`) that turned out not to parse."""
        return tuple(self._late)

    def body(self, module: str) -> Body | None:
        """The module's body, parsed on first need (bodies are skipped on the fast path)."""
        info = self.load(module, stubs=False)
        if info is None:
            return None
        if info.facts.body is not None:
            return info.facts.body
        if module not in self._bodies:
            try:
                self._bodies[module] = module_body(parse(info.text, info.path))
            except (SyntaxError, ValueError):
                self._bodies[module] = None
        return self._bodies[module]

    def is_module(self, name: str) -> bool:
        return (
            name in self.modules
            or name in self.packages
            or name in self.stubs
            or (name, False) in self._unread
            or (name, True) in self._unread
        )

    def under(self, package: str) -> Iterator[ModuleInfo]:
        prefix = package + "."
        for name, info in self.modules.items():
            if name == package or name.startswith(prefix):
                yield info

    def files_under(self, package: str) -> list[str]:
        prefix = package + "."
        return sorted(
            info.path
            for table in (self.modules, self.stubs)
            for name, info in table.items()
            if name == package or name.startswith(prefix)
        )


def decode(data: bytes) -> str:
    """Source bytes to text the way Python itself decodes them (BOM, PEP 263 cookie)."""
    if b"\0" in data:
        raise ValueError("source contains NUL bytes")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        raise ValueError(f"cannot be decoded: {exc}") from None
    return text[1:] if text.startswith("\ufeff") else text


def read_facts(data: bytes, path: str, *, check_grammar: bool = True) -> tuple[Facts, str, bool]:
    """Facts and text of one file, and whether its grammar was checked (always, unless
    `check_grammar` is False and the fast scanner read it). Raises SyntaxError, ValueError,
    UnicodeDecodeError or LookupError for a file that cannot be read as Python."""
    text = decode(data)
    if _scanner is not None:
        facts = _scanner.scan(text)
        if facts is not None:
            if _scanner.shim_candidate(text):
                body = module_body(parse(text, path))
                return Facts(facts.imports, facts.strings, body), text, True
            if not check_grammar:
                return facts, text, False
            compile_check(text, path)
            return facts, text, True
    tree = parse(text, path)
    return file_facts(tree, with_body=True), text, True


def compile_check(text: str, path: str) -> None:
    """The scanner reads imports, not grammar: compiling (cheaper than building an ast) is what
    tells that the file parses at all. Raises SyntaxError."""
    compile(text, path, "exec", dont_inherit=True)


Result = tuple[SourceFile, Facts | None, str, str]  # (file, facts, text, why it was not read)


def _problem(source: SourceFile, exc: BaseException) -> Result:
    if isinstance(exc, SyntaxError):
        return source, None, "", f"syntax error at line {exc.lineno}: {exc.msg}"
    if isinstance(exc, (UnicodeDecodeError, LookupError)):
        return source, None, "", f"cannot be decoded: {exc}"
    if isinstance(exc, ValueError):
        return source, None, "", str(exc)
    return source, None, "", f"cannot be read: {exc.__class__.__name__}"


def _read_one(
    root: str,
    source: SourceFile,
    overlay: Mapping[str, bytes] | None = None,
    unchecked: list[tuple[SourceFile, str]] | None = None,
) -> Result:
    """One file read; when `unchecked` is given, a file whose grammar was not checked yet is
    added to it (the check then runs elsewhere)."""
    if overlay is not None and source.path in overlay:
        return _read_unchecked(Path(root), source, overlay)
    try:
        data = (Path(root) / source.path).read_bytes()
    except OSError as exc:
        return _problem(source, exc)
    return _read_data(source, data, unchecked)


def _read_unchecked(root: Path, source: SourceFile, overlay: Mapping[str, bytes]) -> Result:
    """A file read for its imports and strings, its grammar not checked: a planned change (in
    `overlay`: LibCST wrote it from a tree that parsed), or a module read only to follow
    names through it, never written or deleted (were it broken, the shim importing from it
    would be broken already)."""
    if source.path in overlay:
        data = overlay[source.path]
    else:
        try:
            data = (root / source.path).read_bytes()
        except OSError as exc:
            return _problem(source, exc)
    return _read_data(source, data, unchecked=[])


def _read_data(
    source: SourceFile, data: bytes, unchecked: list[tuple[SourceFile, str]] | None = None
) -> Result:
    try:
        facts, text, checked = read_facts(data, source.path, check_grammar=unchecked is None)
    except (SyntaxError, ValueError, LookupError, RecursionError, MemoryError) as exc:
        return _problem(source, exc)
    if not checked and unchecked is not None:
        unchecked.append((source, text))
    return source, facts, text, ""


def _read_many(root: str, sources: list[SourceFile]) -> list[Result]:
    return [_read_one(root, s) for s in sources]


def _compile_errors(files: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(path, reason) of each file that does not compile."""
    errors = []
    for path, text in files:
        try:
            compile_check(text, path)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            errors.append((path, _problem(SourceFile(path, "", False, False), exc)[3]))
    return errors


@dataclass
class PendingIndex:
    """An index whose files were read but whose grammar is still being checked in worker
    processes, so the analysis can start meanwhile. `result()` is the checked index: the same
    object when every file compiled, else one without the files that did not."""

    index: Index
    pool: ProcessPoolExecutor | None = None
    checks: list[Future[list[tuple[str, str]]]] = field(default_factory=list)

    def result(self) -> Index:
        if self.pool is None:
            return self.index
        try:
            errors = dict(error for check in self.checks for error in check.result())
        finally:
            self.pool.shutdown()
            self.pool = None
        if errors:
            self.index = _without(self.index, errors, self.index.unchecked)
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
) -> Index:
    """`start_index`, waited for: the index with every file's grammar checked."""
    return start_index(root, source_roots, exclude, jobs, progress, overlay, reuse, focus).result()


def start_index(
    root: Path,
    source_roots: tuple[str, ...] = (".",),
    exclude: tuple[str, ...] = (),
    jobs: int = 1,
    progress: Progress | None = None,
    overlay: Mapping[str, bytes | None] | None = None,
    reuse: Index | None = None,
    focus: Focus | None = None,
) -> PendingIndex:
    """Index the tree at root. `overlay` maps paths to contents that stand in for the files on
    disk (None: the file is gone), so a planned change can be analyzed before it is written.
    `reuse`: an index of the same tree whose listing and readings still hold for every file not
    in the overlay (no file on disk was added, removed or changed since), so only the overlay
    is read again.
    `focus`: read only the files that may name these modules (`codemods.focus`); the others
    are left unread until something asks for their module."""
    tree = reuse.tree if reuse is not None else discover(root, source_roots, exclude)
    if overlay:
        gone = {p for p, data in overlay.items() if data is None}
        tree = Tree(
            tree.root,
            tuple(s for s in tree.sources if s.path not in gone),
            tree.configs,
            tree.prose,
            tree.skipped,
        )
    contents = {p: d for p, d in (overlay or {}).items() if d is not None}
    if focus is not None:
        return PendingIndex(_focused(root, tree, focus, contents, reuse, progress))
    sources = list(tree.sources)
    results: list[tuple[SourceFile, Facts | None, str, str]] = []
    if reuse is not None:
        known = _readings(reuse)
        fresh = []
        for source in sources:
            if source.path in known and source.path not in contents:
                results.append((source, *known[source.path]))
            else:
                fresh.append(source)
        sources = fresh
    checks: list[tuple[SourceFile, str]] | None = None
    if jobs > 1 and len(sources) > 200 and not contents:
        if FAST:
            # Read and scan here; compile (the costly part) in the workers, while the caller
            # gets on with the analysis.
            checks = []
            for position, source in enumerate(sources, 1):
                results.append(_read_one(str(root), source, None, checks))
                if progress and (position % 200 == 0 or position == len(sources)):
                    progress(position, len(sources))
        else:
            chunks = [sources[i :: jobs * 4] for i in range(jobs * 4)]
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for done in pool.map(_read_many, [str(root)] * len(chunks), chunks):
                    results.extend(done)
                    if progress:
                        progress(len(results), len(sources))
    else:
        for position, source in enumerate(sources, 1):
            results.append(_read_one(str(root), source, contents))
            if progress and (position % 50 == 0 or position == len(sources)):
                progress(position, len(sources))
    pending = PendingIndex(_assemble(root, tree, results))
    if checks:
        pending.pool = ProcessPoolExecutor(max_workers=jobs)
        batches = [
            [(source.path, text) for source, text in checks[i :: jobs * 4]] for i in range(jobs * 4)
        ]
        pending.checks = [pending.pool.submit(_compile_errors, batch) for batch in batches]
    return pending


def _focused(
    root: Path,
    tree: Tree,
    focus: Focus,
    contents: Mapping[str, bytes],
    reuse: Index | None,
    progress: Progress | None,
) -> Index:
    """Only the files that may name the focus, read in this process (they are few)."""
    known: dict[str, Reading] = {}
    unread_before: set[str] = set()
    if reuse is not None and reuse.focus == focus:
        known = _readings(reuse)
        unread_before = {s.path for s in reuse.unread}
    results: list[Result] = []
    unread: list[SourceFile] = []
    deferred: list[tuple[SourceFile, str]] = []  # read by the scanner, grammar not checked
    base = os.fspath(root)
    for position, source in enumerate(tree.sources, 1):
        if progress and (position % 200 == 0 or position == len(tree.sources)):
            progress(position, len(tree.sources))
        if source.path in contents:
            data = contents[source.path]
            if focus.wants(source.module, data):
                results.append(_read_unchecked(root, source, contents))
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
                results.append(_problem(source, exc))
                continue
            if focus.wants(source.module, data):
                results.append(_read_data(source, data, deferred))
            else:
                unread.append(source)
    unchecked = frozenset(s.path for s, _ in deferred)
    if reuse is not None and reuse.focus == focus:
        unchecked |= reuse.unchecked - set(contents)
    index = _assemble(root, tree, results, focus, tuple(unread), unchecked)
    index.overlay.update(contents)
    return index


def check_grammar(index: Index, skip: Collection[str] = ()) -> Index:
    """The index once the files it read without a grammar check are compiled, but for those in
    `skip` (their rewrite parses them anyway): the same object when they all compile, else an
    index that lists the ones that do not under `not_analyzed`."""
    infos = [i for t in (index.modules, index.stubs) for i in t.values()]
    todo = [(i.path, i.text) for i in infos if i.path in index.unchecked and i.path not in skip]
    errors = dict(_compile_errors(todo))
    if not errors:
        return index
    return _without(index, errors, index.unchecked - {path for path, _ in todo})


Reading = tuple[Facts | None, str, str]  # a file's facts (None: not analyzed), text, why not


def _readings(index: Index) -> dict[str, Reading]:
    """What the index read of each file, by path."""
    found: dict[str, Reading] = {
        i.path: (i.facts, i.text, "") for t in (index.modules, index.stubs) for i in t.values()
    }
    found.update({p.path: (None, "", p.reason) for p in index.not_analyzed})
    return found


def _without(index: Index, errors: Mapping[str, str], unchecked: frozenset[str]) -> Index:
    """The index again, with the files in `errors` (path -> why) as not analyzed."""
    readings = _readings(index)
    results: list[Result] = [
        (source, None, "", errors[source.path])
        if source.path in errors
        else (source, *readings[source.path])
        for source in index.tree.sources
        if source.path in readings
    ]
    return _assemble(index.root, index.tree, results, index.focus, index.unread, unchecked)


def _info(source: SourceFile, facts: Facts, text: str) -> ModuleInfo:
    return ModuleInfo(source, facts, text.count("\n") + (not text.endswith("\n")), text)


def _assemble(
    root: Path,
    tree: Tree,
    results: list[Result],
    focus: Focus | None = None,
    unread: tuple[SourceFile, ...] = (),
    unchecked: frozenset[str] = frozenset(),
) -> Index:
    modules: dict[str, ModuleInfo] = {}
    stubs: dict[str, ModuleInfo] = {}
    problems = [NotAnalyzed(path, reason) for path, reason in tree.skipped]
    for source, facts, text, reason in sorted(results, key=lambda r: r[0].path):
        if facts is None:
            problems.append(NotAnalyzed(source.path, reason))
            continue
        (stubs if source.is_stub else modules)[source.module] = _info(source, facts, text)
    packages = set()
    named = [(i.name, i.source.is_package) for t in (modules, stubs) for i in t.values()]
    for name, is_package in [*named, *((s.module, s.is_package) for s in unread)]:
        parts = name.split(".")
        # Every parent directory of a module is a package, namespace packages included.
        for depth in range(1, len(parts)):
            packages.add(".".join(parts[:depth]))
        if is_package:
            packages.add(name)
    return Index(
        root,
        modules,
        stubs,
        frozenset(packages),
        tuple(sorted(problems, key=lambda p: p.path)),
        tree,
        focus,
        unread,
        unchecked,
    )
