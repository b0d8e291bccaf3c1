"""The uses of modules as attributes of their package (`pkg.shim.X` after `import pkg`) found for
many targets in one pass over the files are exactly those a pass per target finds: the deletion
proof asks about every package it proves in one call."""

from __future__ import annotations

from pathlib import Path

from tests.treemaker import make_tree
from unshim.codemods.analyze.attributes import FileUses, attribute_uses, attribute_uses_each
from unshim.codemods.scan.build import build_index

TREE = {
    "proj/__init__.py": "",
    "proj/pkg/__init__.py": "",
    "proj/pkg/core.py": "X = 1\n",
    "proj/pkg/core_utils.py": "Y = 1\n",
    "proj/pkg/sub/__init__.py": "",
    "proj/pkg/sub/core.py": "Z = 1\n",
    "proj/other/__init__.py": "",
    "proj/other/core.py": "W = 1\n",
    # A chain through a package and its module, both targets; a word that starts another.
    "app/one.py": "import proj\nproj.pkg.sub.core.Z\nproj.pkg.core_utils.Y\n",
    "app/two.py": "from proj import pkg\npkg.core.X, pkg.sub.core.Z\n",
    "app/three.py": "import proj.other\nproj.other.core.W  # import of the parent\n",
    "app/four.py": "import proj.pkg.core\nproj.pkg.core.X\nself.core = 1\n",
    "app/five.py": "from proj.pkg import core\ncore.X\nimport proj\nproj.pkg.sub.core\n",
}
TARGETS = [
    "proj.pkg.core",
    "proj.pkg.core_utils",
    "proj.pkg.sub",
    "proj.pkg.sub.core",
    "proj.other.core",
    "proj.missing.core",
]


def test_one_pass_finds_what_a_pass_per_target_finds(tmp_path: Path) -> None:
    index = build_index(make_tree(tmp_path, TREE))
    read: dict[str, FileUses | None] = {}
    together = attribute_uses_each(index, TARGETS, read)
    alone = {target: attribute_uses(index, [target]) for target in TARGETS}
    assert together == alone
    assert all(together[t] for t in TARGETS[:5])  # each target is used somewhere
    assert together["proj.missing.core"] == []
