"""Small source trees for tests, written from a dict of path -> contents."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path


def make_tree(
    root: Path, files: Mapping[str, str | bytes], *, strip_first_newline: bool = True
) -> Path:
    """Write each file under root (text is dedented, so tests can indent it, and written as
    UTF-8; bytes as they are) and return root."""
    for name, contents in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(contents, bytes):
            path.write_bytes(contents)
        else:
            text = textwrap.dedent(contents)
            path.write_text(text.lstrip("\n") if strip_first_newline else text, encoding="utf-8")
    return root
