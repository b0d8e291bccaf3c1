"""How long `unshim apply` takes on a tree whose shims have short, common last names.

Run on demand (`make bench`), never by the test suite. On the generated tree of
`short_names_tree.py` (about 1,500 files; 40 shim modules named `core`, `utils`, `types`,
`compat`, `base`, ... and 300 consumers importing through them in the usual shapes, module
bindings among them) it times whole processes, side by side in one run, each the median of
several runs on a scratch copy of the tree reset with git outside the timing:

1. `unshim apply <tree> --shim S1 ... --shim S40 -q`: rewrites every consumer and deletes the
   shims (one warm-up run first);
2. the floor: one Python process that `ast.parse`s the files that import a shim (the 300
   consumers, the shims left out).

Then it checks the result: files still importing a shim, shims still there, consumers that no
longer import. The goal: apply within 3x of the floor.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analyze import _ratio
from apply import AST_PARSE_FILES, IMPORT_MODULES, median_time, reset, run
from checkout import environment
from short_names_tree import TREE, build_tree, module_of

REPO = Path(__file__).resolve().parents[1]
GOAL = 3.0  # unshim apply may take at most this many times the floor


def check(
    work: Path, env: dict[str, str], shims: tuple[str, ...], consumers: tuple[str, ...]
) -> str:
    """What is left of the shims in `work`, and how many consumers fail to import."""
    left = [path for path in consumers if b"legacy" in (work / path).read_bytes()]
    remaining = [s for s in shims if (work / (s.replace(".", "/") + ".py")).exists()]
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_MODULES, *map(module_of, consumers)],
        cwd=work,
        env={**env, "PYTHONPATH": str(work)},
        capture_output=True,
        text=True,
        check=False,
    )
    failed = done.stdout.strip() if done.returncode == 0 else f"? ({done.stderr[-300:]})"
    return (
        f"{len(left)} consumers still import a shim, {len(remaining)} of {len(shims)} shims "
        f"still there, {failed} of {len(consumers)} consumers fail to import"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (median)")
    parser.add_argument("--rebuild", action="store_true", help="build the tree again")
    parser.add_argument("-j", "--jobs", type=int, help="apply's -j (default: its own)")
    args = parser.parse_args()
    started = time.perf_counter()
    stats = build_tree(force=args.rebuild)
    print(
        f"tree: {stats.root}\n  {stats.files:,} Python files, {stats.bytes / 1e6:.1f} MB, "
        f"{stats.lines:,} lines; {len(stats.shims)} shim modules, {len(stats.consumers)} "
        f"consumers",
        flush=True,
    )
    env = environment()
    with tempfile.TemporaryDirectory(prefix="unshim-short-names-") as scratch:
        work = Path(scratch) / "short-names-tree"
        shutil.copytree(TREE, work, symlinks=True)
        reset(work)
        command = [sys.executable, "-m", "unshim.bot", "apply", str(work), "-q"]
        command += [part for shim in stats.shims for part in ("--shim", shim)]
        if args.jobs:
            command += ["-j", str(args.jobs)]
        unshim = median_time(lambda: run(command, REPO, env), args.runs, lambda: reset(work), True)
        print(f"unshim apply:  {unshim:7.2f} s", flush=True)
        print(f"  result: {check(work, env, stats.shims, stats.consumers)}", flush=True)
        parse = [sys.executable, "-c", AST_PARSE_FILES, *stats.consumers]
        floor = median_time(lambda: run(parse, work, env), args.runs, lambda: reset(work), True)
        print(f"floor:         {floor:7.2f} s (ast.parse of the {len(stats.consumers)} consumers)")
    ratio = unshim / floor
    print(
        f"unshim apply, {len(stats.shims)} short-named shims: {unshim:.2f} s | floor "
        f"{floor:.2f} s -> x{_ratio(ratio)} (goal <= {GOAL:.0f}x: "
        f"{'met' if ratio <= GOAL else 'MISSED'})"
    )
    print(f"({args.runs} runs; whole benchmark {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
