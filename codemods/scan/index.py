"""The scan stage's result: every module of the tree with what it imports (`Index`,
`ModuleInfo`), and the files that could not be read (`NotAnalyzed`).

A focused index (`build.start_index(focus=)`) holds only the files that may name its focus;
`Index.load` reads any other module when something asks for it.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from unshim.codemods.scan.body import module_body
from unshim.codemods.scan.cache import Cache
from unshim.codemods.scan.collector import parse
from unshim.codemods.scan.facts import Body, Facts
from unshim.codemods.scan.focus import Focus
from unshim.codemods.scan.reading import read_unchecked
from unshim.codemods.scan.sources import SourceFile, Tree

# A `del` statement of the module's own body starts a line or follows a `;` (perhaps across a
# backslash): one there could unbind a name its def bound. The body's evaluation
# (`codemods.analyze.evaluation`) unbinds for no other `del` (one under an `if` or a `try`
# leaves the name bound); `tests/test_namespace_shapes.py` holds the two to the same answers.
# Inside a string such a line only means the module's body is read instead.
_LINE_DELETE = re.compile(r"^del\b", re.MULTILINE)
_AFTER_DELETE = re.compile(r";[\s\\]*del\b")  # searched apart: an alternation is 3x slower


def _deletes(text: str) -> bool:
    if "del" not in text:
        return False
    return _LINE_DELETE.search(text) is not None or (
        ";" in text and _AFTER_DELETE.search(text) is not None
    )


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
    # What earlier runs read of the same bytes, for `load` (`codemods.scan.cache`), and the
    # folder where what modules bind is kept (`codemods.analyze.namespace_cache`).
    cache: Cache | None = field(default=None, repr=False, compare=False)
    # The blob id of the bytes each unchecked file was read from: the cache keeps the grammar
    # verdict `check_grammar` finds for them.
    blobs: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
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
                source, facts, text, reason = read_unchecked(
                    self.root, source, self.overlay, self.cache
                )
                if facts is None:
                    self._late.append(NotAnalyzed(source.path, reason))
                self._loaded[source.path] = module_info(source, facts, text) if facts else None
            if self._loaded[source.path] is not None:
                return self._loaded[source.path]
        return None

    def defines(self, module: str, name: str) -> bool:
        """True when the module surely has a top-level `def` or `class` of that name, still bound
        once the module has run (False: not sure; its body says). Read without parsing it, by
        the scanner's lexer when this run has loaded it: compiling its patterns (0.15 to 0.3 s,
        see `reading.read_facts`) costs more than the few parses of a run the cache answers
        for."""
        scanner = sys.modules.get("unshim.codemods.scan.scanner")
        if scanner is None:
            return False
        info = self.load(module, stubs=False)
        if info is None:
            return False
        if module not in self._definitions:
            text = info.text
            self._definitions[module] = (
                None if _deletes(text) else scanner.top_level_definitions(text)
            )
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

    @cached_property
    def _by_name(self) -> tuple[tuple[list[str], list[tuple[int, ModuleInfo]]], ...]:
        """For `modules` and `stubs`: their names sorted, and each one's (position in the
        table, info) in that order. Every name below a package is in one run of the sorted
        names: the inventory asks for each package's modules without reading them all."""
        found = []
        for table in (self.modules, self.stubs):
            entries = sorted((name, at, info) for at, (name, info) in enumerate(table.items()))
            found.append(([n for n, _, _ in entries], [(at, i) for _, at, i in entries]))
        return tuple(found)

    def _within(self, table: int, package: str) -> list[tuple[int, ModuleInfo]]:
        """(position, info) of the package and every module below it in one table."""
        names, entries = self._by_name[table]
        found = []
        at = bisect_left(names, package)
        if at < len(names) and names[at] == package:
            found.append(entries[at])
        prefix = package + "."
        start = bisect_left(names, prefix)
        end = start
        while end < len(names) and names[end].startswith(prefix):
            end += 1
        found.extend(entries[start:end])
        return found

    def _in_order(self, table: int, package: str) -> Iterator[ModuleInfo]:
        for _, info in sorted(self._within(table, package), key=lambda entry: entry[0]):
            yield info

    def under(self, package: str) -> Iterator[ModuleInfo]:
        """The package's modules and every module below it, in the order of `modules`."""
        return self._in_order(0, package)

    def below(self, package: str) -> Iterator[ModuleInfo]:
        """`under` for the modules and then the stubs, each in its table's order."""
        yield from self._in_order(0, package)
        yield from self._in_order(1, package)

    def files_under(self, package: str) -> list[str]:
        return sorted(info.path for table in (0, 1) for _, info in self._within(table, package))


def module_info(source: SourceFile, facts: Facts, text: str) -> ModuleInfo:
    return ModuleInfo(source, facts, text.count("\n") + (not text.endswith("\n")), text)
