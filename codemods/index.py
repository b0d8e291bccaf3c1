"""The scan stage: every module of the tree read once, with what it imports.

`build_index` reads each Python file once, takes its imports from the fast scanner when it can
and from `ast` when it cannot, and examines module bodies only where a shim could be. Files
that do not parse are values in `not_analyzed`, never exceptions.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from codemods.facts import Body, Facts, file_facts, module_body, parse
from codemods.sources import SourceFile, Tree, discover

try:  # the fast path is optional: without it every file goes through ast
    from codemods import scanner as _scanner
except ImportError:  # pragma: no cover
    _scanner = None  # type: ignore[assignment]

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
    _bodies: dict[str, Body | None] = field(default_factory=dict, repr=False, compare=False)

    def body(self, module: str) -> Body | None:
        """The module's body, parsed on first need (bodies are skipped on the fast path)."""
        info = self.modules.get(module)
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
        return name in self.modules or name in self.packages or name in self.stubs

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
    try:
        if overlay is not None and source.path in overlay:
            data = overlay[source.path]
        else:
            data = (Path(root) / source.path).read_bytes()
        facts, text, checked = read_facts(data, source.path, check_grammar=unchecked is None)
    except (SyntaxError, ValueError, LookupError, OSError, RecursionError, MemoryError) as exc:
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
    results: list[Result]
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
        if not errors:
            return self.index
        results = [
            (source, None, "", errors[source.path]) if source.path in errors else result
            for result in self.results
            for source in (result[0],)
        ]
        self.index = _assemble(self.index.root, self.index.tree, results)
        return self.index


def build_index(
    root: Path,
    source_roots: tuple[str, ...] = (".",),
    exclude: tuple[str, ...] = (),
    jobs: int = 1,
    progress: Progress | None = None,
    overlay: Mapping[str, bytes | None] | None = None,
    reuse: Index | None = None,
) -> Index:
    """`start_index`, waited for: the index with every file's grammar checked."""
    return start_index(root, source_roots, exclude, jobs, progress, overlay, reuse).result()


def start_index(
    root: Path,
    source_roots: tuple[str, ...] = (".",),
    exclude: tuple[str, ...] = (),
    jobs: int = 1,
    progress: Progress | None = None,
    overlay: Mapping[str, bytes | None] | None = None,
    reuse: Index | None = None,
) -> PendingIndex:
    """Index the tree at root. `overlay` maps paths to contents that stand in for the files on
    disk (None: the file is gone), so a planned change can be analyzed before it is written.
    `reuse`: an index of the same tree whose readings still hold for every file not in the
    overlay (the files on disk have not changed since), so only the overlay is read again."""
    tree = discover(root, source_roots, exclude)
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
    sources = list(tree.sources)
    results: list[tuple[SourceFile, Facts | None, str, str]] = []
    if reuse is not None:
        known = {i.path: i for t in (reuse.modules, reuse.stubs) for i in t.values()}
        failed = {p.path: p.reason for p in reuse.not_analyzed}
        fresh = []
        for source in sources:
            if source.path in contents:
                fresh.append(source)
            elif source.path in known:
                info = known[source.path]
                results.append((source, info.facts, info.text, ""))
            elif source.path in failed:
                results.append((source, None, "", failed[source.path]))
            else:
                fresh.append(source)
        sources = fresh
    checks: list[tuple[SourceFile, str]] | None = None
    if jobs > 1 and len(sources) > 200 and not contents:
        if _scanner is not None and _scanner.FAST:
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
    pending = PendingIndex(_assemble(root, tree, results), results)
    if checks:
        pending.pool = ProcessPoolExecutor(max_workers=jobs)
        batches = [
            [(source.path, text) for source, text in checks[i :: jobs * 4]] for i in range(jobs * 4)
        ]
        pending.checks = [pending.pool.submit(_compile_errors, batch) for batch in batches]
    return pending


def _assemble(root: Path, tree: Tree, results: list[Result]) -> Index:
    modules: dict[str, ModuleInfo] = {}
    stubs: dict[str, ModuleInfo] = {}
    problems = [NotAnalyzed(path, reason) for path, reason in tree.skipped]
    for source, facts, text, reason in sorted(results, key=lambda r: r[0].path):
        if facts is None:
            problems.append(NotAnalyzed(source.path, reason))
            continue
        info = ModuleInfo(source, facts, text.count("\n") + (not text.endswith("\n")), text)
        (stubs if source.is_stub else modules)[source.module] = info
    packages = set()
    for name, info in [*modules.items(), *stubs.items()]:
        parts = name.split(".")
        # Every parent directory of a module is a package, namespace packages included.
        for depth in range(1, len(parts)):
            packages.add(".".join(parts[:depth]))
        if info.source.is_package:
            packages.add(name)
    return Index(
        root,
        modules,
        stubs,
        frozenset(packages),
        tuple(sorted(problems, key=lambda p: p.path)),
        tree,
    )


def ast_facts(text: str, path: str = "<unknown>") -> Facts:
    """The reference reading, for tests: `ast` over the whole file."""
    return file_facts(ast.parse(text, filename=path))
