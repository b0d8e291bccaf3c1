"""How long `unshim apply` takes to remove the shim layer of a large tree, next to the alternatives.

Run on demand, never by the test suite. On the SymPy tree of `sympy_tree.py` (about 1,550
files, a shim layer `sympy/compat_shims/` of 13 modules and a hundred modules importing through
it) it times whole processes, each the median of several runs, every run on a fresh copy of the
tree (a scratch copy in a temporary directory, reset with git outside the timing; the shared tree
is never changed):

1. `unshim apply <tree> --shim sympy.compat_shims -q`: rewrites every consumer and deletes the
   layer (one warm-up run first);
(a) LibCST's own tool as a careful user would run it: `python -m libcst.tool codemod --no-format
   --jobs=2 rename.RenameCommand --old_name=sympy.compat_shims.<shim> --new_name=<real module>`,
   once per shim module (RenameCommand takes one rename per run), each over only the files that
   mention that shim module; the 13 runs' times are summed into one measurement. A module-level
   rename keeps the imported names as they are, so the imports of the aliased shims come out
   wrong; the numbers after the run say how many modules no longer import;
(b) one Python process that `ast.parse`s the files importing a shim (the consumers found by
   `grep -rl compat_shims`, the shim layer itself left out; the grep is outside the timing).

After the last run of unshim and of (a), it checks the result: files still mentioning
`sympy.compat_shims`, whether the layer is still there, and how many of the rewritten modules
fail to import.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from analyze import _ratio, describe
from checkout import environment
from routes import names_right
from sympy_tree import SHIM_MODULES, SHIMS, TREE, build_tree

REPO = Path(__file__).resolve().parents[1]
FASTER_GOAL = 30.0  # unshim apply should be at least this many times faster than (a)
PARSE_GOAL = 2.0  # and take at most this many times (b)

AST_PARSE_FILES = """
import ast, sys
for name in sys.argv[1:]:
    with open(name, "rb") as file:
        ast.parse(file.read())
"""
IMPORT_MODULES = """
import importlib, sys
failed = 0
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception:
        failed += 1
print(failed)
"""


def _git(work: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(work), *args], check=True, capture_output=True, text=True
    )
    return done.stdout


def reset(work: Path) -> None:
    """Back to the tree as built: every change undone, every new file removed."""
    _git(work, "reset", "--hard", "-q")
    _git(work, "clean", "-fdxq")


def mentioning(work: Path, word: str) -> list[str]:
    """The Python files of the tree (relative, sorted) mentioning `word`, outside the layer."""
    done = subprocess.run(
        ["grep", "-rlwF", word, "--include=*.py", "sympy"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode > 1:
        raise RuntimeError(done.stderr)
    layer = SHIMS.replace(".", "/") + "/"
    return sorted(line for line in done.stdout.splitlines() if not line.startswith(layer))


def real_modules() -> dict[str, str]:
    """The module each shim module really re-exports from (a chain followed to its end)."""
    source = {f"{SHIMS}.{shim.name}": shim.source for shim in SHIM_MODULES}
    real = {}
    for shim, target in source.items():
        while target in source:
            target = source[target]
        real[shim] = target
    return real


def run(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Wall time of one command, which must succeed."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or b"Traceback" in done.stderr:
        raise RuntimeError(
            f"{' '.join(command[:6])} ... exited {done.returncode}:\n"
            + done.stderr.decode(errors="replace")[-2000:]
        )
    return elapsed


def median_time(
    measure: Callable[[], float], runs: int, prepare: Callable[[], None], warm_up: bool
) -> float:
    """Median of `runs` measurements, each after `prepare()` (not timed)."""
    times = []
    for attempt in range(runs + warm_up):
        prepare()
        elapsed = measure()
        if attempt >= warm_up:
            times.append(elapsed)
    return statistics.median(times)


def check(work: Path, env: dict[str, str], modules: list[str]) -> str:
    """What is left of the layer in `work`, and how many of `modules` fail to import."""
    left = mentioning(work, SHIMS)
    layer = (work / SHIMS.replace(".", "/")).exists()
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_MODULES, "sympy", *modules],
        cwd=work,
        env={**env, "PYTHONPATH": str(work)},
        capture_output=True,
        text=True,
        check=False,
    )
    failed = done.stdout.strip() if done.returncode == 0 else f"? ({done.stderr[-300:]})"
    return (
        f"{len(left)} files mention {SHIMS}, layer {'still there' if layer else 'deleted'}, "
        f"{failed} of {len(modules) + 1} modules (sympy and the consumers) fail to import"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (median)")
    parser.add_argument(
        "--libcst-runs", type=int, help="timed runs of (a), which is slow (default: --runs)"
    )
    parser.add_argument("--rebuild", action="store_true", help="build the tree again")
    args = parser.parse_args()
    libcst_runs = args.libcst_runs or args.runs
    started = time.perf_counter()
    print(describe(build_tree(force=args.rebuild)), flush=True)

    env = environment()
    with tempfile.TemporaryDirectory(prefix="unshim-apply-bench-") as scratch:
        work = Path(scratch) / "sympy-tree"
        shutil.copytree(TREE, work, symlinks=True)
        reset(work)
        consumers = mentioning(work, SHIMS)
        modules = [name.removesuffix(".py").replace("/", ".") for name in consumers]
        real = real_modules()
        renames = [(shim, target, mentioning(work, shim)) for shim, target in real.items()]
        print(
            f"{len(consumers)} files import a shim (the layer left out); the 13 renames of (a) "
            f"cover {sum(len(files) for _, _, files in renames)} file-runs",
            flush=True,
        )

        before = {path: (work / path).read_text(encoding="utf-8") for path in consumers}
        command = [sys.executable, "-m", "unshim.bot", "apply", str(work), "--shim", SHIMS, "-q"]
        unshim = median_time(lambda: run(command, REPO, env), args.runs, lambda: reset(work), True)
        print(f"unshim apply:  {unshim:7.2f} s", flush=True)
        print(f"  result: {check(work, env, modules)}", flush=True)
        right, total, wrong = names_right(before, work)
        print(f"  names right: {right}/{total} (imported from where SymPy imports them)")
        for line in wrong:
            print(f"    {line}", flush=True)
        diff = _git(work, "diff")
        digest = hashlib.sha256(diff.encode()).hexdigest()
        changed = _git(work, "diff", "--name-only").split()
        print(f"  git diff: sha256 {digest}, {len(changed)} files changed", flush=True)

        parse = [sys.executable, "-c", AST_PARSE_FILES, *consumers]
        ast_time = median_time(lambda: run(parse, work, env), args.runs, lambda: None, True)
        print(f"(b) ast.parse: {ast_time:7.2f} s", flush=True)

        def prepare_libcst() -> None:
            reset(work)
            initialize = [sys.executable, "-m", "libcst.tool", "initialize", "."]
            subprocess.run(initialize, cwd=work, check=True, capture_output=True)

        def renames_time() -> float:
            codemod = [sys.executable, "-m", "libcst.tool", "codemod", "--no-format", "--jobs=2"]
            codemod += ["--hide-progress", "rename.RenameCommand"]
            return sum(
                run([*codemod, f"--old_name={old}", f"--new_name={new}", *files], work, env)
                for old, new, files in renames
                if files
            )

        libcst = median_time(renames_time, libcst_runs, prepare_libcst, False)
        print(f"(a) LibCST:    {libcst:7.2f} s", flush=True)
        print(f"  result: {check(work, env, modules)}", flush=True)

    faster = libcst / unshim
    slower = unshim / ast_time
    print(
        f"unshim apply: {unshim:.1f} s | (a) LibCST RenameCommand x{len(renames)}: "
        f"{libcst:.1f} s -> {_ratio(faster)}x faster (goal >= {FASTER_GOAL:.0f}x: "
        f"{'met' if faster >= FASTER_GOAL else 'MISSED'}) | (b) ast.parse of the "
        f"{len(consumers)} files: {ast_time:.1f} s -> x{_ratio(slower)} (goal <= "
        f"{PARSE_GOAL:.0f}x: {'met' if slower <= PARSE_GOAL else 'MISSED'})"
    )
    print(
        f"({args.runs} runs, {libcst_runs} of (a); whole benchmark "
        f"{time.perf_counter() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
