"""References that are not import statements: dotted strings in code, module paths in build
configuration, and mentions in prose and comments.

Code strings and configuration block a deletion; prose and comments never do, but are listed so
a reviewer can update the docs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from codemods.index import Index
from codemods.outcome import Location

DOTTED_IN_TEXT = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
BLOCKING = frozenset({"import_module", "__import__", "mock.patch", "string", "config", "manifest"})


@dataclass(frozen=True)
class Reference:
    location: Location
    target: str  # the repository module the text names
    text: str  # the string or line as found
    kind: str  # import_module|__import__|mock.patch|string|config|manifest|prose|comment

    @property
    def blocks_deletion(self) -> bool:
        return self.kind in BLOCKING


def named_module(index: Index, dotted: str) -> str | None:
    """The repository module a dotted string names (`a.b.c:attr` or `a.b.Class` -> `a.b`), if
    any. Whole components only: `app.compatibility` does not name `app.compat`."""
    head = dotted.split(":")[0]
    parts = head.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if index.is_module(candidate):
            # A single top-level word ("os", "json") is too common to count as a reference.
            return candidate if end > 1 or ":" in dotted else None
    return None


def code_references(index: Index) -> list[Reference]:
    """Dotted strings in Python code that name a repository module."""
    found: list[Reference] = []
    for info in (*index.modules.values(), *index.stubs.values()):
        for ref in info.facts.strings:
            target = named_module(index, ref.value)
            if target is not None:
                found.append(Reference(Location(info.path, ref.line), target, ref.value, ref.kind))
    return found


def _module_path(index: Index, module: str) -> str | None:
    info = index.modules.get(module) or index.stubs.get(module)
    if info is not None:
        path = PurePosixPath(info.path)
        return str(path.parent) if info.source.is_package else str(path.with_suffix(""))
    for name, other in index.modules.items():
        if name.startswith(module + "."):
            depth = len(name.split(".")) - len(module.split("."))
            parent = PurePosixPath(other.path).parent
            for _ in range(depth - (0 if other.source.is_package else 1)):
                parent = parent.parent
            return str(parent)
    return None


def text_references(index: Index, targets: list[str]) -> list[Reference]:
    """Configuration, manifests, prose and comments that name one of `targets` (dotted names of
    packages or modules), by dotted name or by file path."""
    if not targets:
        return []
    paths = {t: _module_path(index, t) for t in targets}
    found: list[Reference] = []

    def matches(line: str) -> str | None:
        for target in targets:
            for match in DOTTED_IN_TEXT.finditer(line):
                word = match.group(0)
                if word == target or word.startswith(target + "."):
                    return target
            path = paths[target]
            if (
                path
                and path != "."
                and re.search(rf"(?<![\w/]){re.escape(path)}(?![\w])(?!\.\w)", line)
            ):
                return target
        return None

    for relpath in (*index.tree.configs, *index.tree.prose):
        kind = "prose" if relpath.endswith((".md", ".rst", ".txt")) else "config"
        if relpath.endswith(("MANIFEST.in", "meson.build")):
            kind = "manifest"
        if relpath.endswith("setup.py"):
            continue  # Python: its strings are code references already
        try:
            text = (index.root / relpath).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        table = ""
        for number, line in enumerate(text.splitlines(), 1):
            if relpath.endswith(".toml") and line.lstrip().startswith("["):
                table = line.strip().strip("[]").strip()
            if table == "tool.unshim" or table.startswith("tool.unshim."):
                continue  # unshim's own configuration names the shims it is told to remove
            target = matches(line)
            if target:
                found.append(Reference(Location(relpath, number), target, line.strip(), kind))
    for info in (*index.modules.values(), *index.stubs.values()):
        if not any(t.split(".")[-1] in info.text for t in targets):
            continue
        for number, line in enumerate(info.text.splitlines(), 1):
            hash_at = line.find("#")
            if hash_at < 0:
                continue
            target = matches(line[hash_at:])
            if target:
                comment = line[hash_at:].strip()
                found.append(Reference(Location(info.path, number), target, comment, "comment"))
    return found
