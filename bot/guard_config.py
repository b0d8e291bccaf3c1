"""The one edit the bot makes to a repository's configuration: the shims it deleted join
`[tool.unshim] removed`, so that `unshim check` guards them from the moment its pull request
merges.

The file is edited in place with tomlkit, which keeps every comment, blank line, quote and key
order of a file a person wrote; only the `removed` array changes (or is added). A file that is
not valid TOML is left alone: the configuration loader has already said so.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Array, Table

from unshim.codemods.analyze.removed import parse_removal


def _unshim_table(document: tomlkit.TOMLDocument, path: Path) -> Table | tomlkit.TOMLDocument:
    """Where unshim's keys live in this file: `[tool.unshim]`, or the whole `.unshim.toml`."""
    tool = document.get("tool")
    if isinstance(tool, Table):
        existing = tool.get("unshim")
        if isinstance(existing, Table):
            return existing
    if path.name == ".unshim.toml":
        return document
    if not isinstance(tool, Table):
        tool = tomlkit.table(is_super_table=True)
        document["tool"] = tool
    table = tomlkit.table()
    tool["unshim"] = table
    return table


def add_removed(path: Path, entries: Sequence[str]) -> tuple[str, ...]:
    """Add each `old[=new]` entry whose module is not listed yet to the `removed` array of the
    configuration at `path` (created as `.unshim.toml` content when missing). Returns the
    entries added; writes nothing when there are none."""
    try:
        # Bytes, not read_text: universal newlines would hide the file's CRLF.
        text = path.read_bytes().decode("utf-8") if path.exists() else ""
        document = tomlkit.parse(text)
    except (OSError, UnicodeDecodeError, TOMLKitError):
        return ()
    table = _unshim_table(document, path)
    current = table.get("removed")
    if current is not None and not isinstance(current, Array):
        return ()
    listed = {parse_removal(str(e)).module for e in (current or [])}
    added = tuple(e for e in dict.fromkeys(entries) if parse_removal(e).module not in listed)
    if not added:
        return ()
    if current is None:
        current = tomlkit.array()
        table["removed"] = current
    for entry in added:
        current.append(entry)
    if len(current) > 1:
        current.multiline(True)
    updated = tomlkit.dumps(document)
    newline = "\r\n" if "\r\n" in text else "\n"
    if newline != "\n":
        updated = updated.replace("\r\n", "\n").replace("\n", newline)
    # Whole or not at all: a temporary file beside it, then a rename.
    temporary = path.with_name(f".{path.name}.unshim-tmp")
    try:
        temporary.write_bytes(updated.encode("utf-8"))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        return ()
    return added
