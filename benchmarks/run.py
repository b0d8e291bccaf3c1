"""How long `unshim run --dry-run` takes next to `unshim apply` on the same tree.

Run on demand (`make bench`), never by the test suite. `run --dry-run` is `apply` plus the
verification (import and grep counts, compileall and the configured commands on the tree before
and after) and the report, on a throwaway branch; the goal is that it costs at most 2.5 times
`apply` alone. On the SymPy tree of `sympy_tree.py` (about 1,550 files, a shim layer
`sympy/compat_shims/` of 13 modules and a hundred modules importing through it; no commands
configured, so the checks are the counts and compileall) it times whole processes on a scratch
copy of the tree (the shared tree is never changed), reset with git outside the timing:

1. `unshim apply <tree> --shim sympy.compat_shims -q`;
2. `unshim run <tree> --shim sympy.compat_shims --dry-run -q --python <this interpreter>`.

The two alternate (apply, run, apply, run, ...) after one warm-up of each, so that a machine
whose load changes during the benchmark slows both alike; each figure is the median. The
warm-up fills compileall's cache in the tree's git folder and the cache of per-file facts (a
folder of the benchmark's own, never the user's), as an earlier run on the same base does; after
the timed runs, one more run with both emptied shows what a first run costs (every file of the
base read and compiled, in `-j` processes).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from analyze import _ratio, describe
from apply import reset, run
from checkout import environment
from sympy_tree import SHIMS, TREE, build_tree

REPO = Path(__file__).resolve().parents[1]
GOAL = 2.5  # unshim run --dry-run may take at most this many times unshim apply


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (median)")
    parser.add_argument("--rebuild", action="store_true", help="build the tree again")
    args = parser.parse_args()
    started = time.perf_counter()
    print(describe(build_tree(force=args.rebuild)), flush=True)
    env = environment()
    with tempfile.TemporaryDirectory(prefix="unshim-run-bench-") as scratch:
        facts = Path(scratch) / "cache"
        env["UNSHIM_CACHE_DIR"] = str(facts)
        work = Path(scratch) / "sympy-tree"
        shutil.copytree(TREE, work, symlinks=True)
        unshim = [sys.executable, "-m", "unshim.bot"]
        commands = {
            "apply": [*unshim, "apply", str(work), "--shim", SHIMS, "-q"],
            "run --dry-run": [
                *unshim, "run", str(work), "--shim", SHIMS, "--dry-run", "-q",
                "--python", sys.executable,
            ],
        }  # fmt: skip
        times: dict[str, list[float]] = {name: [] for name in commands}
        for attempt in range(args.runs + 1):  # the first round warms up
            for name, command in commands.items():
                reset(work)
                elapsed = run(command, REPO, env)
                if attempt:
                    times[name].append(elapsed)
                    print(f"  {name}: {elapsed:6.2f} s", flush=True)
        reset(work)
        shutil.rmtree(work / ".git" / "unshim-cache", ignore_errors=True)
        shutil.rmtree(facts, ignore_errors=True)
        cold = run(commands["run --dry-run"], REPO, env)
        reset(work)
    apply_time = statistics.median(times["apply"])
    run_time = statistics.median(times["run --dry-run"])
    ratio = run_time / apply_time
    print(
        f"unshim run --dry-run: {run_time:.1f} s | unshim apply: {apply_time:.1f} s -> "
        f"x{_ratio(ratio)} (goal <= {GOAL}x: {'met' if ratio <= GOAL else 'MISSED'})"
    )
    print(f"without either cache (a first run): {cold:.1f} s -> x{_ratio(cold / apply_time)}")
    print(
        f"({args.runs} runs each, alternating, medians; whole benchmark "
        f"{time.perf_counter() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
