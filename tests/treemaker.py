"""Small source trees for tests, written from a dict of path -> contents."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path


def make_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write each file under root (text is dedented, so tests can indent it) and return root."""
    for name, contents in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(contents, bytes):
            path.write_bytes(contents)
        else:
            path.write_text(textwrap.dedent(contents).lstrip("\n"), encoding="utf-8")
    return root
