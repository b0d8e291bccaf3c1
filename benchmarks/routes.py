"""Whether `apply` sent each name back where SymPy itself imports it from ("names right").

The tree of `sympy_tree.py` made some SymPy test modules import through the shim layer; the
installed SymPy still holds each of those files as it was. For every name a rewritten file
imported through a shim, the name is right when the file now imports it from the module the
original SymPy file imported it from, under the same local name.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from sympy_tree import SHIMS


def _from_imports(text: str) -> dict[str, tuple[str, str]]:
    """local name -> (module, name) of the file's absolute `from` imports."""
    found: dict[str, tuple[str, str]] = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                found[alias.asname or alias.name] = (node.module, alias.name)
    return found


def _original_root() -> Path:
    spec = importlib.util.find_spec("sympy")
    if spec is None or spec.origin is None:
        raise SystemExit("sympy is not installed")
    return Path(spec.origin).parent


def names_right(before: dict[str, str], work: Path) -> tuple[int, int, list[str]]:
    """(right, total, what is wrong) over the names `before` (path -> text of the tree as
    built) imported through the shim layer, as the files in `work` import them now."""
    original = _original_root()
    right, total, wrong = 0, 0, []
    for path, text in sorted(before.items()):
        through = {
            local: bound
            for local, bound in _from_imports(text).items()
            if bound[0].startswith(SHIMS + ".")
        }
        if not through:
            continue
        source = (original / Path(path).relative_to("sympy")).read_text(encoding="utf-8")
        expected = _from_imports(source)
        now = _from_imports((work / path).read_text(encoding="utf-8"))
        for local in sorted(through):
            total += 1
            if now.get(local) == expected.get(local):
                right += 1
            else:
                wrong.append(f"{path}: {local}: {now.get(local)} (SymPy: {expected.get(local)})")
    return right, total, wrong
