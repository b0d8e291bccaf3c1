"""Paths a module builds from its own file to a sibling: `Path(__file__).with_name("_hooks")`,
`Path(__file__).parent / "_hooks"`, `.joinpath("_hooks")`,
`os.path.join(os.path.dirname(__file__), "_hooks")`.

NumPy names its PyInstaller hooks so (`numpy._pyinstaller`, handed to PyInstaller by an entry
point as a folder, never imported): no import or dotted string reaches the folder, yet deleting
it breaks the code that builds its path. unshim does not evaluate the expression, so a module
that uses `__file__` and spells the sibling's name as a whole string literal (`"_hooks"`,
`"_hooks/"`, `"_hooks.py"`) keeps it. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

FILE = "__file__"


def sibling_lines(name: str, text: str) -> Iterator[tuple[int, str]]:
    """(line, text) of each string literal in `text` that is the sibling `name`, when the
    module builds paths from `__file__` at all."""
    if FILE not in text or name not in text:
        return
    literal = re.compile(rf"""(['"])(?:\./)?{re.escape(name)}(?:\.pyi?)?/?\1""")
    for number, line in enumerate(text.splitlines(), 1):
        if name in line and literal.search(line):
            yield number, line.strip()
