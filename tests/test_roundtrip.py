"""Round trip over a real codebase (the installed sympy): its files go through the whole
rewrite. A plan whose targets are the modules themselves changes nothing, and a move changes
only the lines that name the moved module: outside them every byte stays.

To stay near half a minute, the files under 24 KB (four in five of them) are used; the rest
are large generated tables. Deselect with `-m "not roundtrip"`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from unshim.codemods.plan.values import FileTask, RewritePlan, ShimModule, Target
from unshim.codemods.rewrite import engine
from unshim.codemods.rewrite.results import Failed, Rewritten

pytestmark = pytest.mark.roundtrip

# Modules most of the package imports, each "re-exporting" a few names from itself.
IDENTITY = {
    "sympy.core.symbol": ("Symbol", "Dummy", "symbols"),
    "sympy.core.numbers": ("Integer", "Rational", "pi"),
    "sympy.core.basic": ("Basic",),
    "sympy.core": ("Add", "Mul", "Expr", "S"),
    "sympy.core.add": ("Add",),
}
MOVE = ("sympy.core.singleton", "sympy.core.singleton_moved")
LARGEST = 24 * 1024


def _package_root() -> Path:
    spec = importlib.util.find_spec("sympy")
    if spec is None or spec.origin is None:
        pytest.skip("sympy is not installed")
    return Path(spec.origin).parent.parent


def _task(root: Path, path: Path) -> FileTask:
    relative = path.relative_to(root).with_suffix("")
    parts = list(relative.parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return FileTask(path.relative_to(root).as_posix(), ".".join(parts), is_package)


def _changed_lines(before: bytes, after: bytes) -> list[tuple[str, str]]:
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old) == len(new)
    return [(a.decode(), b.decode()) for a, b in zip(old, new, strict=True) if a != b]


def test_only_lines_naming_the_moved_module_change_in_sympy() -> None:
    root = _package_root()
    files = sorted(p for p in (root / "sympy").rglob("*.py") if p.stat().st_size < LARGEST)
    shims = {
        module: ShimModule(module, "", {n: Target(module, n) for n in names}, module)
        for module, names in IDENTITY.items()
    }
    tasks = tuple(_task(root, p) for p in files)
    plan = RewritePlan(shims, (MOVE,), tasks, {}, (), (), ())
    results = engine.rewrite_files(root, plan, jobs=2)
    assert len(results) == len(files) > 1000
    assert [(r.path, r.reason) for r in results if isinstance(r, Failed)] == []
    changed = [r for r in results if isinstance(r, Rewritten)]
    assert len(changed) > 100
    for result in changed:
        for old, new in _changed_lines(result.before, result.after):
            assert "singleton" in old and "singleton_moved" in new, (result.path, old, new)
