"""A large tree to benchmark on: the SymPy sources with a layer of shims to find and remove.

`build_tree()` copies the installed `sympy` package (from PyPI, see the `test` extra) into
`benchmarks/.work/sympy-tree/sympy/`, adds the package `sympy/compat_shims/` whose modules only
re-export names of real SymPy modules (plainly, under other names, with `*`, and through
another shim), and rewrites the imports of about a hundred test modules to go through those
shims, so that `analyze` has shims and users to report and `apply` has imports to rewrite.
The rewritten modules still import: the shims bind the very objects they replace.

The tree is a git repository of its own (one commit), rebuilt only when missing or made by
another SymPy or another version of this file (a stamp records both). Shared by `analyze.py`
and `apply.py`.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
TREE = WORK / "sympy-tree"
STAMP = WORK / "sympy-tree.stamp.json"  # beside the tree: it stays a clean work tree
SHIMS = "sympy.compat_shims"
REWRITTEN_FILES = 100  # about this many modules are made to import through the shims


@dataclass(frozen=True)
class Shim:
    """One shim module: `kind` is plain, aliased, star or chain."""

    name: str  # module name under sympy/compat_shims/
    kind: str
    source: str  # the module it re-exports from (another shim for a chain)
    names: tuple[tuple[str, str], ...] = ()  # (name in source, name exported); empty for star


# Real modules and names of SymPy 1.12+; a name missing from the installed SymPy is dropped
# (the builder checks each one) rather than making the tree fail to import.
SHIM_MODULES = (
    Shim("core_symbol", "plain", "sympy.core.symbol",
         (("Symbol", "Symbol"), ("Dummy", "Dummy"), ("Wild", "Wild"), ("symbols", "symbols"))),
    Shim("core_numbers", "plain", "sympy.core.numbers",
         (("Rational", "Rational"), ("Integer", "Integer"), ("Float", "Float"), ("oo", "oo"),
          ("pi", "pi"), ("I", "I"), ("E", "E"), ("nan", "nan"), ("zoo", "zoo"))),
    Shim("core_singleton", "plain", "sympy.core.singleton", (("S", "S"),)),
    Shim("core_arith", "plain", "sympy.core.add", (("Add", "Add"),)),
    Shim("core_function", "aliased", "sympy.core.function",
         (("Function", "FunctionClass"), ("Derivative", "Diff"), ("Lambda", "LambdaExpr"),
          ("diff", "differentiate"), ("expand", "expand_expr"))),
    Shim("trigonometric", "star", "sympy.functions.elementary.trigonometric"),
    Shim("exponential", "star", "sympy.functions.elementary.exponential"),
    Shim("simplify", "plain", "sympy.simplify.simplify",
         (("simplify", "simplify"), ("nsimplify", "nsimplify"), ("signsimp", "signsimp"))),
    Shim("matrices", "aliased", "sympy.matrices.dense",
         (("Matrix", "DenseMatrix"), ("eye", "identity"), ("zeros", "zeros"),
          ("ones", "ones"))),
    Shim("sets", "plain", "sympy.sets.sets",
         (("Interval", "Interval"), ("FiniteSet", "FiniteSet"), ("Union", "Union"))),
    Shim("testing", "plain", "sympy.testing.pytest",
         (("raises", "raises"), ("XFAIL", "XFAIL"), ("skip", "skip"), ("slow", "slow"))),
    Shim("symbols_chain", "chain", f"{SHIMS}.core_symbol",
         (("Symbol", "Symbol"), ("symbols", "symbols"))),
    Shim("testing_chain", "chain", f"{SHIMS}.testing", (("raises", "raises"),)),
)  # fmt: skip


@dataclass(frozen=True)
class TreeStats:
    root: str
    sympy_version: str
    files: int  # Python files in the tree
    bytes: int  # their total size
    lines: int
    shim_modules: int
    rewritten_files: int
    rewritten_imports: int


def _fingerprint(version: str) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return f"{version}-{digest}"


def _shim_source(shim: Shim, exported: list[tuple[str, str]]) -> str:
    """The text of one shim module: imports, `__all__`, nothing else."""
    header = f'"""Compatibility shim ({shim.kind}): the real code lives in `{shim.source}`."""\n\n'
    if shim.kind == "star":
        names = sorted(new for _, new in exported)
        return f"{header}from {shim.source} import *  # noqa: F403\n\n__all__ = {names!r}\n"
    parts = [f"{old} as {new}" if old != new else old for old, new in exported]
    body = f"from {shim.source} import (\n" + "".join(f"    {p},\n" for p in parts) + ")\n"
    return f"{header}{body}\n__all__ = {sorted(new for _, new in exported)!r}\n"


def _exports(shim: Shim, resolved: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """(name in the real module, name the shim exports) for the names SymPy really has."""
    if shim.kind == "chain":
        offered = {new for _, new in resolved[shim.source.rsplit(".", 1)[1]]}
        return [(old, new) for old, new in shim.names if old in offered]
    module = importlib.import_module(shim.source)
    if shim.kind == "star":
        public = getattr(module, "__all__", None)
        if public is None:
            # What `*` takes from a module without `__all__`, less what it imported itself.
            public = [
                name
                for name, value in vars(module).items()
                if not name.startswith("_") and getattr(value, "__module__", None) == shim.source
            ]
        return [(name, name) for name in public]
    return [(old, new) for old, new in shim.names if hasattr(module, old)]


# `from sympy.x.y import a, b as c` on one line, nothing else on it.
_FROM_LINE = re.compile(r"^from (sympy(?:\.\w+)+) import ([\w ,]+?)[ \t]*$", re.MULTILINE)


def _rewrite(text: str, routes: dict[tuple[str, str], tuple[str, str]]) -> tuple[str, int]:
    """The text with the imports that shims can serve going through them, and their count.

    A line is rewritten only when every name it imports has a route, so each rewritten import
    binds exactly the objects it bound before.
    """
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        module, listed = match.group(1), match.group(2)
        items = [item.strip() for item in listed.split(",")]
        if not all(items):
            return match.group(0)
        targets: dict[str, list[str]] = {}
        for item in items:
            name, _, alias = item.partition(" as ")
            route = routes.get((module, name.strip()))
            if route is None:
                return match.group(0)
            shim, exported = route
            bound = alias.strip() or name.strip()
            targets.setdefault(shim, []).append(
                exported if exported == bound else f"{exported} as {bound}"
            )
        count += 1
        return "\n".join(
            f"from {shim} import {', '.join(names)}" for shim, names in targets.items()
        )

    return _FROM_LINE.sub(replace, text), count


def build_tree(force: bool = False, verify: bool = True) -> TreeStats:
    """Build (or reuse) the tree and return what is in it."""
    spec = importlib.util.find_spec("sympy")
    if spec is None or spec.origin is None:
        raise SystemExit("sympy is not installed: pip install sympy (it is in the `test` extra)")
    version = importlib.metadata.version("sympy")
    if not force and STAMP.is_file():
        stamp = json.loads(STAMP.read_text(encoding="utf-8"))
        if stamp.get("fingerprint") == _fingerprint(version):
            return TreeStats(**stamp["stats"])
    if TREE.exists():
        shutil.rmtree(TREE)
    package = TREE / "sympy"
    shutil.copytree(
        Path(spec.origin).parent,
        package,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo"),
    )

    # The shim layer.
    resolved: dict[str, list[tuple[str, str]]] = {}
    shim_dir = package / "compat_shims"
    shim_dir.mkdir()
    (shim_dir / "__init__.py").write_text(
        '"""Old import paths kept working during the great reorganisation."""\n', encoding="utf-8"
    )
    for shim in SHIM_MODULES:
        resolved[shim.name] = _exports(shim, resolved)
        (shim_dir / f"{shim.name}.py").write_text(
            _shim_source(shim, resolved[shim.name]), encoding="utf-8"
        )

    # Which shim serves each (real module, name): chains first, so some users go through two
    # shims; a star shim serves only the names its module exports.
    routes: dict[tuple[str, str], tuple[str, str]] = {}
    real_of = {shim.name: shim.source for shim in SHIM_MODULES if shim.kind != "chain"}
    for shim in sorted(SHIM_MODULES, key=lambda s: s.kind != "chain"):
        source = real_of.get(shim.source.rsplit(".", 1)[1], shim.source)
        for old, new in resolved[shim.name]:
            if shim.kind == "chain":
                # The chain re-exports a shim's name: find the real name behind it.
                base = shim.source.rsplit(".", 1)[1]
                old = next(o for o, n in resolved[base] if n == old)
            routes.setdefault((source, old), (f"{SHIMS}.{shim.name}", new))

    # The users: test modules (nothing imports them while `import sympy` runs, so the shims
    # cannot disturb SymPy's own import order), in a fixed order.
    rewritten: list[str] = []
    imports = 0
    for path in sorted(package.rglob("tests/test_*.py")):
        if len(rewritten) >= REWRITTEN_FILES:
            break
        text = path.read_text(encoding="utf-8")
        new, count = _rewrite(text, routes)
        if count:
            path.write_text(new, encoding="utf-8")
            rewritten.append(path.relative_to(TREE).with_suffix("").as_posix().replace("/", "."))
            imports += count

    if verify:
        _check_imports(rewritten)
    _commit(TREE)
    sources = list(package.rglob("*.py"))
    stats = TreeStats(
        root=str(TREE),
        sympy_version=version,
        files=len(sources),
        bytes=sum(p.stat().st_size for p in sources),
        lines=sum(p.read_bytes().count(b"\n") for p in sources),
        shim_modules=len(SHIM_MODULES),
        rewritten_files=len(rewritten),
        rewritten_imports=imports,
    )
    STAMP.write_text(
        json.dumps({"fingerprint": _fingerprint(version), "stats": asdict(stats)}, indent=2),
        encoding="utf-8",
    )
    return stats


def _commit(root: Path) -> None:
    """Make the tree a git repository of its own, everything committed.

    Inside this repository the tree is git-ignored, so a tool listing files with git would see
    none; `apply` also wants a clean work tree to change.
    """
    identity = ["-c", "user.name=benchmark", "-c", "user.email=benchmark@localhost"]
    for command in (
        ["init", "-q"],
        ["add", "-A"],
        [*identity, "commit", "-q", "--no-verify", "-m", "SymPy with a shim layer"],
    ):
        subprocess.run(["git", "-C", str(root), *command], check=True, capture_output=True)


def _check_imports(modules: list[str]) -> None:
    """Import SymPy and every rewritten module from the tree, in a fresh interpreter."""
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    shims = [f"{SHIMS}.{shim.name}" for shim in SHIM_MODULES]
    done = subprocess.run(
        [sys.executable, "-c", code, "sympy", *shims, *modules],
        cwd=TREE,
        env={"PYTHONPATH": str(TREE), "PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"the rewritten tree does not import:\n{done.stderr[-3000:]}")


if __name__ == "__main__":
    print(json.dumps(asdict(build_tree(force="--force" in sys.argv)), indent=2))
