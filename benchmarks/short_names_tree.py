"""A generated tree whose shims have the short, common last names real projects give modules.

`build_tree()` writes `benchmarks/.work/short-names-tree/`: a package `proj` of about 1,500
modules in 30 areas, each area with real modules named `core`, `utils`, `types`, `compat`,
`base`, `common`, `helpers`, `models`, `errors` and `config`; a layer `proj/legacy/` of 40 shim
modules with those same last names (`proj.legacy.billing.core` re-exports
`proj.billing.core`); and about 300 consumers importing through the shims in the usual shapes:
`from shim import A, B as C`, `from legacy.area import core` used as `core.A`, `import
legacy.area.core as core`, `import legacy.area.core` used by its dotted name, a relative
`from ...legacy.area.core import A`, an import inside a function, and a parameter that shadows a
module binding. Every other module spells those words too (`import types`, `from . import
utils`, `self.config`), so a focus on the shims' last names reads nearly every file: the shape
of a real tree where 43 shims named `python`, `rust` or `Logger` made `apply` slow.

Deterministic (a fixed seed); a git repository of its own, rebuilt only when missing or made by
another version of this file. Every module imports: the build checks the consumers do.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
TREE = WORK / "short-names-tree"
STAMP = WORK / "short-names-tree.stamp.json"
WORDS = (
    "core",
    "utils",
    "types",
    "compat",
    "base",
    "common",
    "helpers",
    "models",
    "errors",
    "config",
)
AREAS = (
    "billing", "search", "accounts", "orders", "catalog", "payments", "shipping", "reports",
    "auth", "media", "messaging", "pricing", "inventory", "analytics", "scheduling",
    "profiles", "reviews", "storage", "export", "imports", "tagging", "audit", "alerts",
    "sessions", "rates", "quotas", "ledger", "sync", "webhooks", "themes",
)  # fmt: skip
SHIM_COUNT = 40
CONSUMERS = 300
OTHERS_PER_AREA = 25  # plain modules in each area's `impl/`, besides the ten real ones
SEED = 12


@dataclass(frozen=True)
class TreeStats:
    root: str
    files: int
    bytes: int
    lines: int
    shims: tuple[str, ...]  # the shim modules, dotted
    consumers: tuple[str, ...]  # paths of the files importing through a shim


def _fingerprint() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def names_of(area: str, word: str) -> list[str]:
    """The public names the real module `proj.<area>.<word>` defines."""
    stem = f"{area.capitalize()}{word.capitalize()}"
    return [f"{stem}Model", f"{stem}Error", f"make_{area}_{word}", f"{area.upper()}_{word.upper()}"]


def _body(rng: random.Random, functions: int) -> str:
    """Plausible code: functions with loops, comprehensions and branches, and a class."""
    out: list[str] = []
    for number in range(functions):
        out.append(
            f"def step_{number}(values, limit={rng.randint(2, 90)}):\n"
            f'    """Step {number}: filter, scale and total the values."""\n'
            f"    kept = [v * {rng.randint(2, 9)} for v in values if v < limit]\n"
            f"    total = 0\n"
            f"    for index, value in enumerate(kept):\n"
            f"        if index % {rng.randint(2, 5)} == 0:\n"
            f"            total += value\n"
            f"        else:\n"
            f"            total -= value // 2\n"
            f"    return {{'total': total, 'count': len(kept), 'config': limit}}\n\n\n"
        )
    out.append(
        "class Worker:\n"
        "    def __init__(self, config=None):\n"
        "        self.config = config or {}\n"
        "        self.types = sorted(self.config)\n\n"
        "    def run(self, values):\n"
        "        return [step_0(values, limit) for limit in range(3)]\n"
    )
    return "".join(out)


def _real_module(area: str, word: str, rng: random.Random) -> str:
    model, error, make, constant = names_of(area, word)
    return (
        f'"""The {word} of {area}."""\n\n'
        f"import types\n\n"
        f"{constant} = {rng.randint(1, 1000)}\n\n\n"
        f"class {model}:\n"
        f"    kind = types.SimpleNamespace(name={word!r})\n\n"
        f"    def __init__(self, value=0):\n"
        f"        self.value = value\n\n\n"
        f"class {error}(Exception):\n"
        f"    pass\n\n\n"
        f"def {make}(value=0):\n"
        f"    return {model}(value)\n\n\n" + _body(rng, 6)
    )


def _other_module(area: str, number: int, rng: random.Random) -> str:
    """A module that spells the shims' last names without importing any shim."""
    word, other = rng.sample(WORDS, 2)
    model = names_of(area, word)[0]
    return (
        f'"""Part {number} of {area}: uses its own {word} and {other}."""\n\n'
        f"import types\n"
        f"from typing import Any\n\n"
        f"from proj.{area} import {word}\n"
        f"from proj.{area}.{other} import {names_of(area, other)[2]}\n\n\n"
        f"def build(config: Any = None) -> Any:\n"
        f'    """Make a {word} model; the `{other}` and `utils` words are only words here."""\n'
        f"    core = {word}.{model}(len(config or ()))\n"
        f"    return types.SimpleNamespace(core=core, utils={names_of(area, other)[2]}())\n\n\n"
        + _body(rng, 9)
    )


def _shim(area: str, word: str, aliased: bool) -> str:
    names = names_of(area, word)
    parts = [f"{n} as Old{n}" if aliased and n[0].isupper() else n for n in names]
    exported = sorted(p.split(" as ")[-1] for p in parts)
    return (
        f'"""Deprecated: moved to proj.{area}.{word}."""\n\n'
        f"from proj.{area}.{word} import (\n"
        + "".join(f"    {p},\n" for p in parts)
        + f")\n\n__all__ = {exported!r}\n"
    )


def _exported(area: str, word: str, aliased: bool) -> list[str]:
    return [f"Old{n}" if aliased and n[0].isupper() else n for n in names_of(area, word)]


def _consumer(shape: int, shim: tuple[str, str, bool], rng: random.Random) -> str:
    area, word, aliased = shim
    dotted = f"proj.legacy.{area}.{word}"
    first, second, make, _ = _exported(area, word, aliased)
    head = f'"""A user of the {word} of {area} (shape {shape})."""\n\n'
    tail = "\n\n" + _body(rng, 5)
    if shape == 0:
        return head + f"from {dotted} import {first}, {make}\n\n\nVALUE = {make}()\n" + tail
    if shape == 1:
        uses = f"from {dotted} import {first} as Thing, {second}\n\n\nK = (Thing, {second})\n"
        return head + uses + tail
    if shape == 2:
        return (
            head
            + f"from proj.legacy.{area} import {word}\n\n\n"
            + f"def made():\n    return {word}.{make}(), {word}.{first}\n\n\n"
            + f"ERRORS = ({word}.{second},)\n"
            + tail
        )
    if shape == 3:
        return (
            head
            + f"import {dotted} as {word}\n\n\n"
            + f"def made(value):\n    return {word}.{first}(value)\n"
            + tail
        )
    if shape == 4:
        return (
            head + f"import {dotted}\n\n\n" + f"def made():\n    return {dotted}.{make}()\n" + tail
        )
    if shape == 5:
        return head + f"from ...legacy.{area}.{word} import {first}\n\n\nK = {first}\n" + tail
    if shape == 6:
        return (
            head
            + "import types\n\n\n"
            + f"def late():\n    from {dotted} import {make}\n\n"
            + f"    return types.SimpleNamespace(value={make}())\n"
            + tail
        )
    # A module binding, and a parameter of the same name that is something else.
    return (
        head
        + f"from proj.legacy.{area} import {word}\n\n\n"
        + f"def made():\n    return {word}.{make}()\n\n\n"
        + f"def other({word}=None):\n    return {word}\n"
        + tail
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build_tree(force: bool = False) -> TreeStats:
    """Build (or reuse) the tree and return what is in it."""
    if not force and STAMP.is_file() and TREE.is_dir():
        stamp = json.loads(STAMP.read_text(encoding="utf-8"))
        if stamp.get("fingerprint") == _fingerprint():
            stats = stamp["stats"]
            return TreeStats(**{**stats, "shims": tuple(stats["shims"]),
                                "consumers": tuple(stats["consumers"])})  # fmt: skip
    if TREE.exists():
        shutil.rmtree(TREE)
    rng = random.Random(SEED)
    package = TREE / "proj"
    _write(package / "__init__.py", '"""A generated project."""\n')
    for area in AREAS:
        _write(package / area / "__init__.py", f'"""The {area} area."""\n')
        for word in WORDS:
            _write(package / area / f"{word}.py", _real_module(area, word, rng))
        _write(package / area / "impl" / "__init__.py", "")
        for number in range(OTHERS_PER_AREA):
            _write(package / area / "impl" / f"part_{number}.py", _other_module(area, number, rng))

    pairs = [(area, word) for area in AREAS for word in WORDS]
    chosen = sorted(rng.sample(pairs, SHIM_COUNT))
    shims = [(area, word, index % 4 == 3) for index, (area, word) in enumerate(chosen)]
    _write(package / "legacy" / "__init__.py", '"""Old import paths, kept for a while."""\n')
    for area in sorted({area for area, _, _ in shims}):
        _write(package / "legacy" / area / "__init__.py", "")
    for area, word, aliased in shims:
        _write(package / "legacy" / area / f"{word}.py", _shim(area, word, aliased))

    consumers: list[str] = []
    _write(package / "app" / "__init__.py", "")
    for number in range(CONSUMERS):
        shim = shims[number % len(shims)]
        area = AREAS[number % len(AREAS)]
        relative = Path("proj") / "app" / area / f"use_{number}.py"
        if not (TREE / relative.parent / "__init__.py").exists():
            _write(TREE / relative.parent / "__init__.py", "")
        _write(TREE / relative, _consumer(number % 8, shim, rng))
        consumers.append(relative.as_posix())

    _check_imports(consumers)
    _commit(TREE)
    sources = sorted(TREE.rglob("*.py"))
    stats = TreeStats(
        root=str(TREE),
        files=len(sources),
        bytes=sum(p.stat().st_size for p in sources),
        lines=sum(p.read_bytes().count(b"\n") for p in sources),
        shims=tuple(f"proj.legacy.{area}.{word}" for area, word, _ in shims),
        consumers=tuple(consumers),
    )
    STAMP.write_text(
        json.dumps({"fingerprint": _fingerprint(), "stats": asdict(stats)}, indent=2),
        encoding="utf-8",
    )
    return stats


def module_of(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def _check_imports(consumers: list[str]) -> None:
    """Import every consumer from the tree, in a fresh interpreter."""
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    done = subprocess.run(
        [sys.executable, "-c", code, *map(module_of, consumers)],
        cwd=TREE,
        env={"PYTHONPATH": str(TREE), "PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"the generated tree does not import:\n{done.stderr[-3000:]}")


def _commit(root: Path) -> None:
    """A git repository of its own, everything committed (`apply` wants a clean tree)."""
    identity = ["-c", "user.name=benchmark", "-c", "user.email=benchmark@localhost"]
    for command in (
        ["init", "-q"],
        ["add", "-A"],
        [*identity, "commit", "-q", "--no-verify", "-m", "A project with short-named shims"],
    ):
        subprocess.run(["git", "-C", str(root), *command], check=True, capture_output=True)


if __name__ == "__main__":
    stats = build_tree(force="--force" in sys.argv)
    print(f"{stats.root}: {stats.files} files, {len(stats.shims)} shims, "
          f"{len(stats.consumers)} consumers")  # fmt: skip
