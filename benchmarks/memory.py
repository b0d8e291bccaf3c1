"""How much memory and time each command takes on the SymPy tree, and how both grow with it.

Run on demand (`make bench`), never by the test suite. On the SymPy tree of `sympy_tree.py`
(copied into a scratch folder, never changed in place) and on trees two and four times its size
(the same tree with one and three more copies of the `sympy` package under other top-level
names, `sympy_copy1`, ...; their modules still import `sympy`, so every stage has two and four
times the files to read and the imports to rewrite), it runs each command once:

- `unshim analyze <tree> -q`
- `unshim apply <tree> --shim sympy.compat_shims -q` (the tree reset with git afterwards)
- `unshim run <tree> --shim sympy.compat_shims --dry-run -q --python <this interpreter>`,
  after one untimed run that fills compileall's cache (`.git/unshim-cache/`)
- `unshim check <tree> --removed sympy.compat_shims -q`
- `unshim mapping <tree> --shim sympy.compat_shims -q`

and prints, for each, the wall time and the maximum resident set size of its largest process
(`ru_maxrss` of the waited-for children of a wrapper process that runs only that command: the
unshim process or one of its workers or commands, whichever was largest), the growth of both
from 1x to 2x and 4x (linear growth is 2.00 and 4.00 for time; memory also holds the
interpreter and the libraries, so it grows less), and the goal: at most 250 MB for every
command on the 1x tree.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analyze import _ratio, describe
from apply import reset
from checkout import environment
from sympy_tree import SHIMS, TREE, build_tree

GOAL_MB = 250.0
SCALES = (1, 2, 4)
OK_EXITS = (0, 1)  # 1: `check` found the imports it guards against; `run` refused a part

# Runs one command and reports its wall time and the largest resident set of its processes.
_WRAPPER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"code": done.returncode, "seconds": seconds, "kib": peak,
                  "stderr": done.stderr.decode(errors="replace")[-2000:]}))
"""


def _git(work: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(work), *args], check=True, capture_output=True)


def scaled(scratch: Path, scale: int) -> Path:
    """A git copy of the tree with `scale - 1` more copies of the sympy package."""
    work = scratch / f"sympy-{scale}x"
    shutil.copytree(TREE, work, symlinks=True)
    for copy in range(1, scale):
        shutil.copytree(work / "sympy", work / f"sympy_copy{copy}", symlinks=True)
    if scale > 1:
        _git(work, "add", "-A")
        _git(
            work,
            *("-c", "user.name=bench", "-c", "user.email=bench@example.com"),
            *("commit", "-qm", f"{scale} copies of sympy"),
        )
    return work


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one command, which must end with an exit code it
    may end with and without a traceback."""
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    if report["code"] not in OK_EXITS or "Traceback" in report["stderr"]:
        raise RuntimeError(
            f"{' '.join(command[:6])} ... exited {report['code']}:\n{report['stderr']}"
        )
    return float(report["seconds"]), float(report["kib"]) / 1024


def commands(work: Path) -> dict[str, list[str]]:
    unshim = [sys.executable, "-m", "unshim.bot"]
    tree = str(work)
    return {
        "analyze": [*unshim, "analyze", tree, "-q"],
        "apply": [*unshim, "apply", tree, "--shim", SHIMS, "-q"],
        "run --dry-run": [
            *unshim, "run", tree, "--shim", SHIMS, "--dry-run", "-q", "--python", sys.executable,
        ],
        "check": [*unshim, "check", tree, "--removed", SHIMS, "-q"],
        "mapping": [*unshim, "mapping", tree, "--shim", SHIMS, "-q"],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="build the tree again")
    parser.add_argument(
        "--scales", default=",".join(map(str, SCALES)), help="tree sizes to measure (1,2,4)"
    )
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    started = time.perf_counter()
    print(describe(build_tree(force=args.rebuild)), flush=True)
    env = environment()
    results: dict[str, dict[int, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="unshim-memory-bench-") as scratch:
        for scale in scales:
            work = scaled(Path(scratch), scale)
            for name, command in commands(work).items():
                if name == "run --dry-run":
                    measure(command, env)  # fills compileall's cache; not counted
                results.setdefault(name, {})[scale] = measure(command, env)
                reset(work)
                seconds, mb = results[name][scale]
                print(f"  {scale}x {name:<14} {seconds:7.2f} s {mb:7.1f} MB", flush=True)
            shutil.rmtree(work)
    base = scales[0]
    print(f"\n{'command':<14} " + " ".join(f"{f'{s}x s':>8} {f'{s}x MB':>8}" for s in scales))
    for name, by_scale in results.items():
        cells = " ".join(f"{by_scale[s][0]:8.2f} {by_scale[s][1]:8.1f}" for s in scales)
        growth = ", ".join(
            f"{s}x/{base}x time x{_ratio(by_scale[s][0] / by_scale[base][0])} "
            f"RSS x{_ratio(by_scale[s][1] / by_scale[base][1])}"
            for s in scales
            if s != base
        )
        print(f"{name:<14} {cells}   {growth}")
    if 1 in scales:
        worst = max(results, key=lambda n: results[n][1][1])
        peak = results[worst][1][1]
        print(
            f"largest RSS on the 1x tree: {peak:.1f} MB ({worst}); goal <= {GOAL_MB:.0f} MB: "
            f"{'met' if peak <= GOAL_MB else 'MISSED'}"
        )
    print(f"(one run per command and size; whole benchmark {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
