"""This checkout's code under the names it installs as, ahead of any installed copy.

The code imports itself as `unshim.bot` and `unshim.codemods`, and no folder of the checkout is
called `unshim`: an editable install maps the names to its folders, but the environment running
the tests may hold the editable install of another checkout (a virtual environment shared by
several worktrees), whose code the tests would then run. So the folders are linked as
build/links/unshim/{bot,codemods} (the links `make lint` makes for mypy) and that folder goes
first on sys.path; `PYTHONPATH` carries it, and the checkout's root, to the processes that run
unshim. Importing this module (tests/conftest.py does, before anything of unshim) does both;
tests/test_packaging.py checks that the modules loaded are this checkout's files.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINKS = ROOT / "build" / "links"
FOLDERS = ("bot", "codemods")
PYTHONPATH = os.pathsep.join([str(LINKS), str(ROOT)])


def _link(folder: str) -> None:
    link = LINKS / "unshim" / folder
    target = Path("..", "..", "..", folder)
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return
    # Another test session may be linking at the same time: a link made aside, then renamed.
    aside = link.with_name(f".{folder}.{os.getpid()}")
    aside.unlink(missing_ok=True)
    aside.symlink_to(target, target_is_directory=True)
    os.replace(aside, link)


(LINKS / "unshim").mkdir(parents=True, exist_ok=True)
for _folder in FOLDERS:
    _link(_folder)
if str(LINKS) not in sys.path:
    sys.path.insert(0, str(LINKS))
