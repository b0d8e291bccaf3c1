"""How long `unshim analyze` takes on a large tree, next to what reading that tree costs.

Run on demand (`make bench`), never by the test suite. On the SymPy tree of `sympy_tree.py`
(about 1,550 files, 26 MB, a shim layer and a hundred modules using it) it times whole
processes, each the median of several runs after one warm-up:

1. `grep -rl import` over the tree: the floor, reading every byte once;
2. one Python process that `ast.parse`s every file;
3. grimp building the import graph of `sympy` (Rust; the yardstick);
4. `unshim analyze <tree> --format json --quiet`, cold (an empty cache folder each run: the
   goal is within 2x grimp) and warm (the cache filled by a run before: within 0.5x grimp),
   each also as a ratio to grimp measured in the same run; and warm with one file changed
   before each run (a scheduled run: the kept inventory does not apply, the per-file cache
   answers for every other file), on a copy of the tree, with no goal of its own;
5. `unshim analyze` cold with the fast scanner off (`ast` reads every file in the worker pool,
   as on Pythons before 3.11): what the scanner buys, one timed run.

Then, in this process, the scanner alone against `ast.parse` + `file_facts` over every file.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from checkout import environment
from sympy_tree import TREE, TreeStats, build_tree

REPO = Path(__file__).resolve().parents[1]
GOALS = {"cold": 2.0, "warm": 0.5}  # unshim analyze may take at most this many times grimp's

AST_PARSE_ALL = """
import ast, pathlib, sys
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.py")):
    ast.parse(path.read_bytes())
"""
GRIMP_GRAPH = "import grimp; grimp.build_graph('sympy', cache_dir=None)"
# `unshim analyze` with the fast scanner off: every file read with `ast` in the worker pool, as
# on Pythons before 3.11. What the scanner is for, measured.
SCANNER_OFF = """
import sys
import unshim.codemods.scan.facts as facts
facts.FAST = False
from unshim.bot.cli import main
sys.exit(main(sys.argv[1:]))
"""


def median_time(
    command: list[str],
    runs: int,
    env: dict[str, str] | None = None,
    before: Callable[[], None] | None = None,
) -> float:
    """Median wall time of a command (after one warm-up run that also checks it works);
    `before` runs ahead of each run, untimed."""
    for attempt in range(runs + 1):
        if before is not None:
            before()
        started = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode not in (0, 1) or b"Traceback" in done.stderr:
            raise RuntimeError(done.stderr.decode(errors="replace")[-2000:])
        if attempt == 0:
            times: list[float] = []
        else:
            times.append(elapsed)
    return statistics.median(times)


def _ratio(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 1000 else f"{value:.0f}"


def describe(stats: TreeStats) -> str:
    return (
        f"tree: {stats.root}\n"
        f"  {stats.files:,} Python files, {stats.bytes / 1e6:.1f} MB, {stats.lines:,} lines "
        f"(sympy {stats.sympy_version}); {stats.shim_modules} shim modules in "
        f"sympy/compat_shims/, {stats.rewritten_files} modules with {stats.rewritten_imports} "
        "imports going through them"
    )


def whole_processes(runs: int, unshim_args: list[str], scanner_off: bool) -> None:
    tree = str(TREE)
    env = {**os.environ, "PYTHONPATH": tree, "PYTHONDONTWRITEBYTECODE": "1"}
    baselines: dict[str, float] = {}
    baselines["grep"] = median_time(["grep", "-rl", "import", "--include=*.py", tree], runs)
    print(f"grep -rl import:           {baselines['grep']:6.2f} s", flush=True)
    baselines["ast.parse"] = median_time([sys.executable, "-c", AST_PARSE_ALL, tree], runs)
    print(f"ast.parse, one process:    {baselines['ast.parse']:6.2f} s", flush=True)
    if importlib.util.find_spec("grimp") is None:
        print("grimp: not installed (pip install grimp), left out")
    else:
        baselines["grimp"] = median_time([sys.executable, "-c", GRIMP_GRAPH], runs, env)
        print(f"grimp build_graph:         {baselines['grimp']:6.2f} s", flush=True)

    if not (REPO / "bot" / "cli.py").is_file():
        print("unshim analyze: this checkout has no command line yet (bot/cli.py), left out")
        return
    command = [sys.executable, "-m", "unshim.bot", "analyze", tree, "--format", "json", "--quiet"]
    code = environment()
    with tempfile.TemporaryDirectory(prefix="unshim-bench-cache-") as folder:
        cold_dir, warm_dir = Path(folder) / "cold", Path(folder) / "warm"

        def empty() -> None:
            shutil.rmtree(cold_dir, ignore_errors=True)

        timed = {}
        try:
            timed["cold"] = median_time(
                [*command, "--cache-dir", str(cold_dir), *unshim_args], runs, code, empty
            )
            # The warm-up run of median_time fills the cache the timed runs read.
            timed["warm"] = median_time(
                [*command, "--cache-dir", str(warm_dir), *unshim_args], runs, code
            )
            # A scheduled run: one file changed since the last, so the kept inventory does
            # not apply and the per-file cache answers for every other file.
            copy = Path(folder) / "sympy-tree"
            shutil.copytree(TREE, copy, symlinks=True)
            edited = copy / "sympy" / "core" / "basic.py"
            original = edited.read_bytes()
            runs_made = iter(range(1, 1000))

            def touch() -> None:
                edited.write_bytes(original + b"# run %d\n" % next(runs_made))

            changed = [c if c != tree else str(copy) for c in command]
            timed["one file changed"] = median_time(
                [*changed, "--cache-dir", str(warm_dir), *unshim_args], runs, code, touch
            )
            if scanner_off:
                # One timed run: it takes three times as long as the others.
                off = [sys.executable, "-c", SCANNER_OFF, *command[3:]]
                timed["cold, scanner off (ast in the worker pool)"] = median_time(
                    [*off, "--cache-dir", str(cold_dir), *unshim_args], 1, code, empty
                )
        except RuntimeError as error:
            if "invalid choice" in str(error) or "unrecognized arguments" in str(error):
                print("unshim analyze: this checkout has no `analyze --cache-dir` yet, left out")
            else:
                print(f"unshim analyze failed:\n{error}")
            return
    for kind, unshim in timed.items():
        ratios = " | ".join(
            f"x{_ratio(unshim / seconds)} {name}" for name, seconds in baselines.items()
        )
        verdict = ""
        if "grimp" in baselines and kind in GOALS:
            goal = GOALS[kind]
            met = "met" if unshim <= goal * baselines["grimp"] else "MISSED"
            verdict = f" (goal <= {goal}x grimp: {met})"
        print(f"unshim analyze, {kind}: {unshim:6.2f} s | {ratios}{verdict}")


def in_process() -> None:
    """The scanner against the ast reading it replaces, over every file, in this process."""
    from unshim.codemods.scan.collector import file_facts, parse
    from unshim.codemods.scan.scanner import scan_file_bytes

    files = [path.read_bytes() for path in sorted(TREE.rglob("*.py"))]
    scans = []
    for _ in range(3):
        started = time.perf_counter()
        declined = sum(scan_file_bytes(data) is None for data in files)
        scans.append(time.perf_counter() - started)
    started = time.perf_counter()
    for data in files:
        with contextlib.suppress(SyntaxError, ValueError, RecursionError):
            file_facts(parse(data), with_body=False)  # some files are beyond the reference
    reference = time.perf_counter() - started
    scan = statistics.median(scans)
    print(
        f"in one process, every file: scan {scan:.2f} s, ast.parse + file_facts "
        f"{reference:.2f} s (x{reference / scan:.1f}); {declined} of {len(files)} files "
        "left to ast by the scanner"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (median)")
    parser.add_argument("--rebuild", action="store_true", help="build the tree again")
    parser.add_argument(
        "--no-scan",
        action="store_true",
        help="skip what measures the scanner: the in-process part and analyze with it off",
    )
    parser.add_argument("unshim_args", nargs="*", help="more arguments for unshim analyze")
    args = parser.parse_args()
    print(describe(build_tree(force=args.rebuild)), flush=True)
    whole_processes(args.runs, args.unshim_args, scanner_off=not args.no_scan)
    if not args.no_scan:
        in_process()


if __name__ == "__main__":
    main()
