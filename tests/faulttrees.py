"""A generated tree big enough to interrupt `apply` in the middle, and the processes it runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.apply_support import CANONICAL, write_tree
from tests.installed_names import PYTHONPATH

REPO = Path(__file__).resolve().parent.parent


def shim_tree(root: Path, consumers: int, whole: bool = True) -> Path:
    """The shim package `old` and `consumers` files importing through it; with `whole`, half
    of them in a way that needs the whole module rewritten (in a worker, with LibCST)."""
    files: dict[str, str | bytes] = dict(CANONICAL)
    for n in range(consumers):
        if n % 2 or not whole:
            files[f"app/use{n}.py"] = f"from old.one import Real\n\nVALUE_{n} = Real()\n"
        else:
            body = f"import old.shim as m\n\n\ndef f{n}():\n    return m.Real()\n"
            files[f"app/use{n}.py"] = body
    return write_tree(root, files)


def start_unshim(*arguments: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    environ = {**os.environ, "PYTHONPATH": PYTHONPATH, **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "unshim.bot", *arguments],
        cwd=REPO,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its ')'.
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie waiting for its (new) parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


HOLD = """
import sys, time
from pathlib import Path
from unshim.codemods.worktree.lock import held
with held(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


def hold_lock(root: Path) -> subprocess.Popen[bytes]:
    """Another process holding root's lock, once it has printed "held"."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": PYTHONPATH},
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stdout.readline() == b"held\n"
    return process


def in_group(group: int) -> list[int]:
    """Living processes of the process group `group`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(entry.name))
    return found
