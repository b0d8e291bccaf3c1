"""An `Index` from the readings of its files (`assemble`), and the same index again once some
of them are found not to parse (`without`, `check_grammar`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from unshim.codemods.scan.cache import Cache, Entry
from unshim.codemods.scan.facts import Facts
from unshim.codemods.scan.focus import Focus
from unshim.codemods.scan.index import Index, ModuleInfo, NotAnalyzed, module_info
from unshim.codemods.scan.reading import Result, compile_errors
from unshim.codemods.scan.sources import SourceFile, Tree


def check_grammar(index: Index, skip: Collection[str] = ()) -> Index:
    """The index once the files it read without a grammar check are compiled, but for those in
    `skip` (their rewrite parses them anyway): the same object when they all compile, else an
    index that lists the ones that do not under `not_analyzed`. The index's cache keeps each
    verdict, so the next run over the same bytes compiles none of them again."""
    infos = [i for t in (index.modules, index.stubs) for i in t.values()]
    todo = [(i.path, i.text) for i in infos if i.path in index.unchecked and i.path not in skip]
    errors = dict(compile_errors(todo))
    if index.cache is not None:
        facts = {i.path: i.facts for i in infos}
        for path, _ in todo:
            blob = index.blobs.get(path)
            if blob is not None:
                verdict = (
                    Entry(None, errors[path]) if path in errors else Entry(facts[path], "", True)
                )
                index.cache.put(blob, verdict)
    if not errors:
        return index
    return without(index, errors, index.unchecked - {path for path, _ in todo})


Reading = tuple[Facts | None, str, str]  # a file's facts (None: not analyzed), text, why not


def readings_of(index: Index) -> dict[str, Reading]:
    """What the index read of each file, by path."""
    found: dict[str, Reading] = {
        i.path: (i.facts, i.text, "") for t in (index.modules, index.stubs) for i in t.values()
    }
    found.update({p.path: (None, "", p.reason) for p in index.not_analyzed})
    return found


def without(index: Index, errors: Mapping[str, str], unchecked: frozenset[str]) -> Index:
    """The index again, with the files in `errors` (path -> why) as not analyzed."""
    readings = readings_of(index)
    results: list[Result] = [
        (source, None, "", errors[source.path])
        if source.path in errors
        else (source, *readings[source.path])
        for source in index.tree.sources
        if source.path in readings
    ]
    return assemble(
        index.root,
        index.tree,
        results,
        index.focus,
        index.unread,
        unchecked,
        index.cache,
        index.blobs,
    )


def assemble(
    root: Path,
    tree: Tree,
    results: list[Result],
    focus: Focus | None = None,
    unread: tuple[SourceFile, ...] = (),
    unchecked: frozenset[str] = frozenset(),
    cache: Cache | None = None,
    blobs: Mapping[str, str] | None = None,
) -> Index:
    modules: dict[str, ModuleInfo] = {}
    stubs: dict[str, ModuleInfo] = {}
    problems = [NotAnalyzed(path, reason) for path, reason in tree.skipped]
    for source, facts, text, reason in sorted(results, key=lambda r: r[0].path):
        if facts is None:
            problems.append(NotAnalyzed(source.path, reason))
            continue
        (stubs if source.is_stub else modules)[source.module] = module_info(source, facts, text)
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
        cache=cache,
        blobs={p: b for p, b in (blobs or {}).items() if p in unchecked},
    )
