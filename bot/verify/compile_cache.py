"""What compileall said about each file in earlier runs, kept in the work tree's git folder so
that a file whose bytes did not change is not compiled again.

An entry is keyed by everything compileall's output about one file depends on: the
interpreter (its real path, size and modification time), the environment variables that change
how it compiles or prints (`PYTHON*`, the locale), the path handed to it (compileall prints it)
and the file's bytes. Its value is the file's warning lines and error block, exactly as the run
that compiled it printed them. Outside a git work tree nothing is kept: unshim writes nothing
into a tree it was not asked to change.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from unshim.codemods.worktree.place import git_dir

FORMAT = 1
# Where compileall writes bytecode differs per run and is not in its output.
_UNKEYED = frozenset({"PYTHONPYCACHEPREFIX", "PYTHONPATH"})

Unit = tuple[tuple[str, ...], tuple[str, ...]]  # (warning lines, error block) of one file


def cache_file(root: Path) -> Path | None:
    folder = git_dir(root)
    return folder / "unshim-cache" / "compileall.json" if folder is not None else None


def interpreter_key(python: str, env: Mapping[str, str]) -> str | None:
    """The identity of `python` as compileall runs it with `env`; None when it is not found."""
    found = shutil.which(python)
    if found is None:
        return None
    real = os.path.realpath(found)
    try:
        stat = os.stat(real)
    except OSError:
        return None
    relevant = sorted(
        (name, value)
        for name, value in env.items()
        if (name.startswith("PYTHON") and name not in _UNKEYED)
        or name == "LANG"
        or name.startswith("LC_")
    )
    described = json.dumps([real, stat.st_size, stat.st_mtime_ns, relevant])
    return hashlib.sha256(described.encode()).hexdigest()


def file_key(interpreter: str, path: str, data: bytes) -> str:
    digest = hashlib.sha256(interpreter.encode())
    digest.update(b"\0" + path.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(data)
    return digest.hexdigest()


@dataclass
class Memo:
    """The entries of one run: those read from the cache file, and those this run adds. Saved,
    only the entries this run used are kept, so the file never outgrows the trees it serves."""

    interpreter: str
    path: Path | None
    known: dict[str, Unit] = field(default_factory=dict)
    used: dict[str, Unit] = field(default_factory=dict)

    def keys(self, root: Path, files: Iterable[str]) -> dict[str, str]:
        """Each file's key, from its bytes; a file that cannot be read has none."""
        keys = {}
        for path in files:
            try:
                data = (root / path).read_bytes()
            except OSError:
                continue
            keys[path] = file_key(self.interpreter, path, data)
        return keys

    def get(self, key: str) -> Unit | None:
        unit = self.known.get(key)
        if unit is not None:
            self.used[key] = unit
        return unit

    def put(self, key: str, unit: Unit) -> None:
        self.known[key] = unit
        self.used[key] = unit


def load(root: Path, python: str, env: Mapping[str, str]) -> Memo | None:
    """The cache of the work tree at root for `python`; None when there is no interpreter to
    key it by. A cache file that cannot be read is an empty cache."""
    interpreter = interpreter_key(python, env)
    if interpreter is None:
        return None
    path = cache_file(root)
    memo = Memo(interpreter, path)
    if path is None:
        return memo
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return memo
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return memo
    entries = document.get("entries")
    if isinstance(entries, dict):
        for key, value in entries.items():
            if _is_unit(value):
                memo.known[key] = (tuple(value[0]), tuple(value[1]))
    return memo


def _is_unit(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(part, list) and all(isinstance(x, str) for x in part) for part in value)
    )


def save(memo: Memo) -> None:
    """Write the entries this run used, atomically (a temporary renamed over the file). A
    cache that cannot be written is no cache: the next run compiles again."""
    if memo.path is None or not memo.used:
        return
    document = {
        "format": FORMAT,
        "entries": {key: [list(w), list(e)] for key, (w, e) in sorted(memo.used.items())},
    }
    try:
        memo.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".compileall-", dir=memo.path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, separators=(",", ":"))
        os.replace(temporary, memo.path)
    except OSError:
        return
