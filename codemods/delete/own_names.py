"""Imports that may reach a package by a shorter name than its dotted path.

A folder added to `sys.path` makes the packages inside it importable by their own names:
setuptools runs `sys.path.extend(... "setuptools", "_vendor" ...)` at import time, and from then
on `import tomli` loads `setuptools/_vendor/tomli`. unshim does not evaluate `sys.path` (it is
computed at run time, often from `__file__`), so it cannot prove such an import reaches
something else. When an import names a module that is not in the tree by that name, and the
package to delete sits in a folder where that name would find it, the import may be a use of
the package: the deletion is refused and the import is given as the reason. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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


def own_name_imports(
    index: Index, package: str, folders: Iterable[str], imports: Iterable[ImportRef]
) -> Iterator[tuple[ImportRef, str, str]]:
    """(import, name, folder): imports of a name the tree does not have as a module, which would
    load `package` if `folder` were on `sys.path`."""
    names = [
        (name, folder)
        for name, folder in shorter_names(package, folders)
        if not index.is_module(name.split(".")[0])
    ]
    if not names:
        return
    for ref in imports:
        for name, folder in names:
            if within(ref.target, name) or within(name, ref.target):
                yield ref, name, folder
                break
