"""What unshim keeps it never edits: a kept shim's registration in its parent, and a package
that holds a kept module."""

from __future__ import annotations

from pathlib import Path

from tests.apply_support import write_tree
from unshim.codemods.apply import ApplyOptions, apply
from unshim.codemods.delete.removal import prove_and_delete
from unshim.codemods.plan.values import PlanRequest
from unshim.codemods.rewrite.results import Rewritten

NUM = {
    "num/__init__.py": "",
    "num/_core/__init__.py": "",
    "num/_core/numeric.py": "def zeros(): return 0\n",
    "num/_core/fromnumeric.py": "def take(): return 0\n",
    "num/core/__init__.py": (
        "from . import fromnumeric, numeric\n__all__ = ['fromnumeric', 'numeric']\n"
    ),
    "num/core/__init__.pyi": (
        "from . import fromnumeric as fromnumeric\nfrom . import numeric as numeric\n"
    ),
    "num/core/numeric.py": "from num._core.numeric import zeros\n",
    "num/core/fromnumeric.py": "from num._core.fromnumeric import take\n",
    "app.py": "from num.core.numeric import zeros\n",
    "keep.py": "LOADED = 'num.core.numeric'\n",
}


def test_registrations_of_a_kept_shim_are_left_alone_in_py_and_pyi(tmp_path: Path) -> None:
    root = write_tree(tmp_path, NUM)
    applied = apply(
        root,
        PlanRequest(shims=("num.core.numeric",)),
        ApplyOptions(dry_run=True),
        delete=lambda index, packages, dry: prove_and_delete(index, packages, dry_run=dry),
    )
    changed = {r.path for r in applied.files if isinstance(r, Rewritten)}
    assert changed == {"app.py"}
    assert applied.outcome.deleted_files == ()
    assert any(k.subject == "num.core.numeric" for k in applied.outcome.kept)


def test_a_package_holding_a_kept_module_stays_with_its_registration(tmp_path: Path) -> None:
    files = {
        **NUM,
        "num/core/__init__.py": "from num._core.numeric import zeros\n",
        "num/core/__init__.pyi": "",
        "num/__init__.py": "from . import core\n",
        "app.py": "from num.core import zeros\nfrom num.core.numeric import zeros as z\n",
    }
    root = write_tree(tmp_path, files)
    applied = apply(
        root,
        PlanRequest(shims=("num.core",)),
        ApplyOptions(dry_run=True),
        delete=lambda index, packages, dry: prove_and_delete(index, packages, dry_run=dry),
    )
    deleted = set(applied.outcome.deleted_files)
    kept = {k.subject for k in applied.outcome.kept}
    assert "num/core/numeric.py" not in deleted
    assert "num/core/__init__.py" not in deleted
    assert {"num.core", "num.core.numeric"} <= kept
    assert not any(
        path.startswith("num/core/")
        and path.rpartition("/")[2].removesuffix(".py") in {s.rpartition(".")[2] for s in kept}
        for path in deleted
    )


def test_a_shim_the_proof_keeps_for_a_computed_name_keeps_its_registration(
    tmp_path: Path,
) -> None:
    # The plan cannot see that `num.core.<name>` may be loaded by a computed name; only the
    # deletion proof does. The parent's `from . import ...` must then come back as it was.
    loader = "import importlib\n\ndef load(name):\n"
    loader += "    return importlib.import_module(f'num.core.{name}')\n"
    root = write_tree(tmp_path, {**NUM, "keep.py": loader})
    applied = apply(
        root,
        PlanRequest(shims=("num.core.numeric",)),
        ApplyOptions(),
        delete=lambda index, packages, dry: prove_and_delete(index, packages, dry_run=dry),
    )
    changed = {r.path for r in applied.files if isinstance(r, Rewritten)}
    assert changed == {"app.py"}
    assert applied.outcome.deleted_files == ()
    assert [str(k.location) for k in applied.outcome.kept if k.subject == "num.core.numeric"] == [
        "keep.py:4"
    ]
    assert (root / "num/core/__init__.py").read_text() == NUM["num/core/__init__.py"]
    assert (root / "num/core/__init__.pyi").read_text() == NUM["num/core/__init__.pyi"]
    assert (root / "app.py").read_text() == "from num._core.numeric import zeros\n"
