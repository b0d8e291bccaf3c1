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

PYTHONPATH = os.pathsep.join(filter(None, [_CHECKOUT, os.environ.get("PYTHONPATH")]))
