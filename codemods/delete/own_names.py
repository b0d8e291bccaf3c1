"""Imports that may reach a package by a shorter name than its dotted path.

A folder added to `sys.path` makes the packages inside it importable by their own names:
setuptools runs `sys.path.extend(... "setuptools", "_vendor" ...)` at import time, and from then
on `import tomli` loads `setuptools/_vendor/tomli`, and deleting `setuptools._vendor` (or
`setuptools`) deletes it too. unshim does not evaluate `sys.path` (it is
computed at run time, often from `__file__`), so it cannot prove such an import reaches
something else. When a file of the tree touches `sys.path` and names a folder above the package
(or lives in it and builds the path from `__file__`), and an import names a module the tree does
not have by that name but that folder would find, the import may be a use of the package: the
deletion is refused and the import is given as the reason. Pure.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import PurePosixPath

from unshim.codemods.analyze.graph import ImportRef
from unshim.codemods.names import within
from unshim.codemods.scan.index import Index


def shorter_names(package: str, folders: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(name, folder): each name `package` would have if a folder above it were on `sys.path`.
    `setuptools._vendor.tomli` in `setuptools/_vendor/tomli` is `tomli` from `setuptools/_vendor`
    and `_vendor.tomli` from `setuptools`."""
    parts = package.split(".")
    for folder in folders:
        path = PurePosixPath(folder)
        # The folder is the package's own: climbing one level per dotted part from its end.
        for depth in range(1, min(len(parts), len(path.parts))):
            above = path
            for _ in range(depth):
                above = above.parent
            yield ".".join(parts[len(parts) - depth :]), str(above)


def adds_folder(folder: str, path: str, text: str) -> bool:
    """Whether the file at `path`, which touches `sys.path`, may add `folder` to it: it spells
    the folder's name as a string, or it lives in the folder and builds a path from `__file__`."""
    if "sys.path" not in text:
        return False
    last = PurePosixPath(folder).name
    if last and re.search(rf"""(['"])(?:[^'"\n]*/)?{re.escape(last)}/?\1""", text):
        return True
    return str(PurePosixPath(path).parent) == folder and "__file__" in text


def pth_adds(folder: str, path: str, text: str) -> bool:
    """Whether the `.pth` file at `path` adds `folder` to `sys.path`: a line that is not a
    comment or an `import` names a folder relative to the one the file is in (site's rule);
    an `import` line is code, read as any file that touches `sys.path` is."""
    here = PurePosixPath(path).parent
    for line in text.splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if entry.startswith(("import ", "import\t")):
            if adds_folder(folder, path, entry):
                return True
            continue
        if posixpath.normpath(str(here / entry.rstrip("/"))) == folder:
            return True
    return False


def own_name_imports(
    index: Index,
    places: Iterable[tuple[str, str]],
    imports: Mapping[str, Sequence[ImportRef]],
    position: Callable[[ImportRef], int],
    added_by: Callable[[str], str | None],
) -> Iterator[tuple[ImportRef, str, str, str, str]]:
    """(import, name, folder, adder, module): imports of a name the tree does not have as a
    module, which load `module`, one of `places` ((dotted name, where it lives): the package
    and every module below it), once `folder` is on `sys.path`, as the file `adder` may make
    it. A folder inside the package counts too: with `tool/_vendor` on `sys.path`,
    `import tomli` needs `tool._vendor`. `imports`: the tree's imports, in their order, by
    each module their target is or lies below; `position` orders imports of several names."""
    adders: dict[str, str | None] = {}
    by_first: dict[str, list[tuple[str, str, str, str]]] = {}
    for module, place in places:
        for name, folder in shorter_names(module, [place]):
            first = name.split(".")[0]
            if index.is_module(first):
                continue
            if folder not in adders:
                adders[folder] = added_by(folder)
            adder = adders[folder]
            if adder is not None:
                by_first.setdefault(first, []).append((name, folder, adder, module))
    # Only the imports whose first name is one of these: walking every import of the tree for
    # each package cost SymPy's analyze 0.17 s.
    found: list[tuple[ImportRef, str, str, str, str]] = []
    for first, candidates in by_first.items():
        for ref in imports.get(first, ()):
            for name, folder, adder, module in candidates:
                if names_reaching(name, ref.target):
                    found.append((ref, name, folder, adder, module))
                    break
    if len(by_first) > 1:
        found.sort(key=lambda hit: position(hit[0]))
    yield from found


MAIN_GUARD = re.compile(r"""^if\s+__name__\s*==\s*(['"])__main__\1""", re.M)


def script_folders(index: Index) -> frozenset[str]:
    """The packages whose folder holds a module run as a script (`#!`, or a `__main__` guard)
    or a pytest `conftest.py`: run from there, the folder is the first entry of `sys.path`."""
    found = set()
    for name, info in index.modules.items():
        parent, _, last = name.rpartition(".")
        if not parent or info.source.is_package:
            continue
        if last == "conftest" or info.text.startswith("#!") or MAIN_GUARD.search(info.text):
            found.add(parent)
    return frozenset(found)


def namespace_names(
    index: Index, package: str, scripts: Collection[str]
) -> Iterator[tuple[str, str]]:
    """(name, namespace): each name `package` has when the folder of a namespace package above
    it (no `__init__.py`) that holds a script (`scripts`, `script_folders`) is on `sys.path`,
    as running that script puts it without any code saying so: Django's `tests/runtests.py`
    loads `tests/auth_tests/backend_alias.py` as `auth_tests.backend_alias`. A name whose
    first part is a module of the tree by its own right is left out (it is that module)."""
    parts = package.split(".")
    for depth in range(1, len(parts)):
        above = ".".join(parts[:depth])
        if above not in scripts or above in index.modules or above in index.stubs:
            continue  # no script there, or a regular package: its folder is no root of names
        if not index.is_module(parts[depth]):
            yield ".".join(parts[depth:]), above


def names_reaching(name: str, value: str) -> bool:
    """Whether `value`, an import's module or a dotted string, reaches the module `name`:
    names it, something below it, or (an import) a package it is in."""
    return within(value, name) or within(name, value)
