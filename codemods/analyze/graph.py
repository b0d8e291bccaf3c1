"""The import graph: every import statement resolved to the modules and names it reaches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from unshim.codemods.names import from_base
from unshim.codemods.scan.facts import ImportStmt
from unshim.codemods.scan.index import Index, ModuleInfo


@dataclass(frozen=True)
class ImportRef:
    """One module (or one name of a module) that one import statement reaches."""

    importer: str
    path: str
    line: int
    target: str  # absolute dotted module
    name: str | None  # the name imported from target; None when the module itself is imported
    asname: str | None
    stmt: ImportStmt

    @property
    def dynamic(self) -> bool:
        return False


def absolute_base(info_module: str, is_package: bool, stmt: ImportStmt) -> str | None:
    """The absolute module a `from` import names; None when the dots climb above the top."""
    return from_base(info_module, is_package, stmt.module, stmt.level)


def refs_of(index: Index, info: ModuleInfo) -> Iterator[ImportRef]:
    for stmt in info.facts.imports:
        yield from stmt_refs(index, info.name, info.source.is_package, info.path, stmt)


def stmt_refs(
    index: Index, module: str, is_package: bool, path: str, stmt: ImportStmt
) -> Iterator[ImportRef]:
    if not stmt.is_from:
        for alias in stmt.names:
            yield ImportRef(module, path, stmt.line, alias.name, None, alias.asname, stmt)
        return
    base = absolute_base(module, is_package, stmt)
    if base is None:
        return
    for alias in stmt.names:
        submodule = f"{base}.{alias.name}"
        if alias.name != "*" and index.is_module(submodule):
            yield ImportRef(module, path, stmt.line, submodule, None, alias.asname, stmt)
        else:
            yield ImportRef(module, path, stmt.line, base, alias.name, alias.asname, stmt)


def all_refs(index: Index) -> Iterator[ImportRef]:
    for info in (*index.modules.values(), *index.stubs.values()):
        yield from refs_of(index, info)
