"""A package's modules (`Index.under`, `Index.below`, `Index.files_under`) come from the sorted
names, in the order a walk of every module would give them: names that only start alike are not
below it."""

from __future__ import annotations

from pathlib import Path

from tests.treemaker import make_tree
from unshim.codemods.scan.build import build_index

FILES = [
    "a/__init__.py",
    "a/b.py",
    "a/b_c.py",
    "a/b/__init__.py",
    "a/b/x.py",
    "a/b/x.pyi",
    "a/bb.py",
    "a_b/__init__.py",
    "ab/__init__.py",
    "ab/m.py",
    "a/b/y/__init__.pyi",
]


def test_under_is_the_walk_of_every_module(tmp_path: Path) -> None:
    index = build_index(make_tree(tmp_path, dict.fromkeys(FILES, "")))
    for package in ("a", "a.b", "a.b.x", "a.b.y", "a_b", "ab", "a.bb", "missing", "a.b_c"):
        walked = [
            info
            for name, info in index.modules.items()
            if name == package or name.startswith(package + ".")
        ]
        assert list(index.under(package)) == walked, package
        paths = sorted(
            info.path
            for table in (index.modules, index.stubs)
            for name, info in table.items()
            if name == package or name.startswith(package + ".")
        )
        assert index.files_under(package) == paths, package
        both = [
            info
            for table in (index.modules, index.stubs)
            for name, info in table.items()
            if name == package or name.startswith(package + ".")
        ]
        assert list(index.below(package)) == both, package
    assert [i.name for i in index.under("a.b")] == ["a.b", "a.b.x"]
