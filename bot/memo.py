"""The inventory `unshim analyze` printed, kept for the very inputs it was worked out from.

An inventory is a function of its inputs: the bytes of the files of the tree, the
configuration, the folder it was asked about, the output format, unshim's own code and the
interpreter (whose grammar decides what parses). The key is a digest of all of them; the files
are those the analysis can read at all (`codemods.scan.sources.list_files`, the listing it
starts from), each by the digest of its bytes, so a byte changed, a file added, removed or
renamed anywhere in the tree is another key. A second `analyze` of a tree in which nothing
changed prints what the first one printed without analyzing it again; any change, and it
analyzes as before. A run whose files changed while it was analyzing keeps nothing.

The entries live beside the per-file facts (`codemods.scan.cache`), in the same folder and
under the same switch (`--no-cache`, `cache = false`): JSON, written whole (a temporary file,
then a rename), a few of the newest kept.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from unshim import codemods

from unshim.bot.config import Config
from unshim.codemods.scan.sources import list_files

FOLDER = "inventories"
KEPT = 16  # the newest entries kept: one per tree and format a user analyzes in turn
# unshim's code: the two packages, wherever they are installed (a checkout links them).
_CODE = (Path(__file__).resolve().parent, Path(codemods.__file__).resolve().parent)


@dataclass(frozen=True)
class Inventory:
    """What `analyze` prints: the rendered inventory, how many files it analyzed, and the
    files it could not analyze (path, why), shown with --verbose."""

    text: str
    files: int
    not_analyzed: tuple[tuple[str, str], ...]


@functools.cache  # the code does not change while the process runs
def _code_digest() -> bytes:
    """unshim's own code and the interpreter: an entry made by other code is another key."""
    digest = hashlib.sha256(f"{sys.implementation.cache_tag} {sys.version}".encode())
    for package in _CODE:
        for path in sorted(package.rglob("*.py")):
            with contextlib.suppress(OSError):
                name = f"{package.name}/{path.relative_to(package)}"
                digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def key_of(root: Path, config: Config, output_format: str) -> str | None:
    """The digest of every input of the inventory; None when a file cannot be read (then
    nothing is kept or looked up)."""
    digest = hashlib.sha256(_code_digest())
    settings = [os.fspath(root), output_format, repr(config)]
    digest.update(json.dumps(settings).encode() + b"\0")
    paths, _ = list_files(root)
    for path in paths:
        try:
            with open(os.path.join(root, path), "rb") as stream:
                data = stream.read()
        except OSError:
            return None
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha1(data, usedforsecurity=False).digest())
    return digest.hexdigest()


def _path(folder: Path, key: str) -> Path:
    return folder / FOLDER / f"{key}.json"


def get(folder: Path, key: str) -> Inventory | None:
    """The inventory kept under `key`, or None (none kept, or unreadable: a miss)."""
    try:
        with open(_path(folder, key), "rb") as stream:
            value = json.loads(stream.read())
        text, files, problems = value["text"], value["files"], value["not_analyzed"]
        if not (isinstance(text, str) and isinstance(files, int)):
            return None
        return Inventory(text, files, tuple((str(p), str(r)) for p, r in problems))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def put(folder: Path, key: str, inventory: Inventory) -> None:
    """Keep the inventory under `key`; a folder that cannot be written keeps nothing."""
    target = _path(folder, key)
    value = {
        "text": inventory.text,
        "files": inventory.files,
        "not_analyzed": [list(p) for p in inventory.not_analyzed],
    }
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(value, stream)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return
    _prune(target.parent)


def _prune(folder: Path) -> None:
    """The newest `KEPT` entries stay."""
    try:
        entries = sorted(
            (entry.stat().st_mtime, entry.path)
            for entry in os.scandir(folder)
            if entry.name.endswith(".json")
        )
    except OSError:
        return
    for _, path in entries[:-KEPT]:
        with contextlib.suppress(OSError):
            os.unlink(path)
