"""This checkout's code for the processes a benchmark times, whatever else the interpreter has
installed: its folders linked as unshim.bot and unshim.codemods (tests/installed_names.py makes
the links, and puts them first on this process's sys.path too)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.installed_names import PYTHONPATH as _CHECKOUT  # noqa: E402

# Bytecode of the processes a benchmark times, kept out of the trees they work on. An installed
# unshim runs from bytecode pip compiled at install time; without a place to keep it, every timed
# process compiled unshim's own modules from source again (0.1 to 0.2 s each on SymPy's apply).
PYCACHE = REPO / "benchmarks" / ".work" / "pycache"


def environment() -> dict[str, str]:
    """The environment of a timed unshim process: this checkout's code, its bytecode kept."""
    path = os.pathsep.join(filter(None, [_CHECKOUT, os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "PYTHONPYCACHEPREFIX": str(PYCACHE)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env
