"""The import graph: every import statement resolved to the modules and names it reaches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from codemods.scan.facts import ImportStmt
from codemods.scan.index import Index, ModuleInfo


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


def package_of(module: str, is_package: bool) -> str:
    """The package a module's relative imports start from."""
    return module if is_package else module.rpartition(".")[0]


def absolute_base(info_module: str, is_package: bool, stmt: ImportStmt) -> str | None:
    """The absolute module a `from` import names; None when the dots climb above the top."""
    return from_base(info_module, is_package, stmt.module, stmt.level)


def from_base(importer: str, is_package: bool, module: str | None, level: int) -> str | None:
    """The absolute module `from <level dots><module> import ...` in `importer` names; None
    when the dots climb above the top."""
    if not level:
        return module
    parts = package_of(importer, is_package).split(".") if importer else []
    climb = level - 1
    if climb > len(parts) or (climb == len(parts) and not module):
        return None
    base = parts[: len(parts) - climb] if climb else parts
    if module:
        base = [*base, *module.split(".")]
    return ".".join(p for p in base if p) or None


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


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def common_package(modules: Sequence[str]) -> str:
    """The longest dotted prefix all `modules` share (`a.b` for `a.b.c` and `a.b.d.e`; a
    single module is its own); '' when they share nothing."""
    common: list[str] = []
    for column in zip(*(m.split(".") for m in modules), strict=False):
        if len(set(column)) != 1:
            break
        common.append(column[0])
    return ".".join(common)
