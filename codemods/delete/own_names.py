"""Imports that may reach a package by a shorter name than its dotted path.

A folder added to `sys.path` makes the packages inside it importable by their own names:
setuptools runs `sys.path.extend(... "setuptools", "_vendor" ...)` at import time, and from then
on `import tomli` loads `setuptools/_vendor/tomli`. unshim does not evaluate `sys.path` (it is
computed at run time, often from `__file__`), so it cannot prove such an import reaches
something else. When a file of the tree touches `sys.path` and names a folder above the package
(or lives in it and builds the path from `__file__`), and an import names a module the tree does
not have by that name but that folder would find, the import may be a use of the package: the
deletion is refused and the import is given as the reason. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import PurePosixPath

from codemods.analyze.graph import ImportRef
from codemods.names import within
from codemods.scan.index import Index


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


def own_name_imports(
    index: Index,
    package: str,
    folders: Iterable[str],
    imports: Iterable[ImportRef],
    added_by: Callable[[str], str | None],
) -> Iterator[tuple[ImportRef, str, str, str]]:
    """(import, name, folder, adder): imports of a name the tree does not have as a module, which
    load `package` once `folder` is on `sys.path`, as the file `adder` may make it."""
    names = [
        (name, folder, adder)
        for name, folder in shorter_names(package, folders)
        if not index.is_module(name.split(".")[0]) and (adder := added_by(folder)) is not None
    ]
    if not names:
        return
    for ref in imports:
        for name, folder, adder in names:
            if within(ref.target, name) or within(name, ref.target):
                yield ref, name, folder, adder
                break
