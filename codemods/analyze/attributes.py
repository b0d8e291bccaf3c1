"""Modules reached as attributes of their package: `import pkg` and then `pkg.shim.X`.

No import statement names `pkg.shim` there: the attribute exists because something imported
the submodule (the package's `__init__`, another module). Deleting the submodule breaks that
line all the same, so such a use is a reference that blocks the deletion. Uses through an
import of the module itself (`import pkg.shim`, then `pkg.shim.X`) are the rewrite's business,
not this module's.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Sequence

from unshim.codemods.names import from_base, within
from unshim.codemods.outcome import Location
from unshim.codemods.scan.collector import parse
from unshim.codemods.scan.index import Index, ModuleInfo


def _imports(tree: ast.Module, info: ModuleInfo) -> tuple[dict[str, set[str]], list[str]]:
    """Every name an import in the file binds (to a module or a name), anywhere in it, and the
    modules `import a.b.c` (no `as`) names."""
    bound: dict[str, set[str]] = {}
    dotted: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                bound.setdefault(local, set()).add(alias.name if alias.asname else local)
                if alias.asname is None:
                    dotted.append(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = from_base(info.name, info.source.is_package, node.module, node.level)
            for alias in node.names:
                if base is not None and alias.name != "*":
                    local = alias.asname or alias.name
                    bound.setdefault(local, set()).add(f"{base}.{alias.name}")
    return bound, dotted


def _reached(
    module: str, attrs: list[str], targets: Sequence[str], index: Index
) -> tuple[str, int] | None:
    """The deepest module under a target that `module.attrs...` reaches, and how many of the
    attributes that takes; None when it reaches none, or when `module` is a target itself
    (an import of the target: the rewrite follows those)."""
    for depth in range(1, len(attrs) + 1):
        reached = ".".join([module, *attrs[:depth]])
        if not any(within(reached, t) for t in targets):
            continue
        if any(within(module, t) for t in targets):
            return None
        while depth < len(attrs) and index.is_module(f"{reached}.{attrs[depth]}"):
            reached = f"{reached}.{attrs[depth]}"
            depth += 1
        return reached, depth
    return None


def _chains(tree: ast.Module) -> Iterator[tuple[int, str, list[str]]]:
    """(line, head name, attributes) of every `name.a.b` chain, the longest of each only."""
    inner: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or id(node) in inner:
            continue
        attrs: list[str] = []
        current: ast.expr = node
        while isinstance(current, ast.Attribute):
            attrs.append(current.attr)
            inner.add(id(current))
            current = current.value
        if isinstance(current, ast.Name):
            yield node.lineno, current.id, attrs[::-1]


def _spelled(lasts: Iterable[str]) -> re.Pattern[str]:
    """`.shim` for each of the last names (one group: which), whole words only. At most one
    matches at a place: each match is a dot and one whole word."""
    return re.compile(r"\.\s*(" + "|".join(map(re.escape, sorted(set(lasts)))) + r")\b")


def _outside_words(info: ModuleInfo, spelled: re.Pattern[str]) -> set[str]:
    """The last names `spelled` finds on lines that are no import statement's (the cheap test
    that spares parsing the files that only import them)."""
    spans = [(stmt.line, stmt.end_line) for stmt in info.facts.imports]
    words: set[str] = set()
    for match in spelled.finditer(info.text):
        if match.group(1) in words:
            continue
        line = info.text.count("\n", 0, match.start()) + 1
        if not any(first <= line <= last for first, last in spans):
            words.add(match.group(1))
    return words


def _imports_above(info: ModuleInfo, targets: Sequence[str]) -> bool:
    """Whether an import of the file binds a name to a module some target lies strictly
    under: only a chain from such a name reaches a target (`_reached`). Read from the scan's
    imports, the same bindings `_imports` finds in the tree, so most files with `.shim` in
    them (`self.core`, `x.utils`) need not be parsed at all."""
    for statement in info.facts.imports:
        if statement.is_from:
            base = from_base(info.name, info.source.is_package, statement.module, statement.level)
            values = [f"{base}.{a.name}" for a in statement.names if base and a.name != "*"]
        else:
            values = [a.name if a.asname else a.name.split(".")[0] for a in statement.names]
        if any(t.startswith(value + ".") for value in values for t in targets):
            return True
    return False


# What a file's reading gives whatever the targets: the names its imports bind, the modules
# `import a.b.c` names, and its attribute chains; None for a file that does not parse.
FileUses = tuple[dict[str, set[str]], list[str], list[tuple[int, str, list[str]]]]


def file_uses(info: ModuleInfo) -> FileUses | None:
    try:
        tree = parse(info.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # unparsable files are the deletion proof's own business
    bound, dotted = _imports(tree, info)
    return bound, dotted, list(_chains(tree))


def attribute_uses(
    index: Index, targets: Sequence[str], read: dict[str, FileUses | None] | None = None
) -> list[tuple[Location, str, str]]:
    """(where, the module reached, the chain as written) for each use of a target module (or
    a module under it) as an attribute of a package the file imported. `read`: the files
    read by earlier calls over the same index, by path, filled in here (`analyze` asks the
    deletion proof about every package nothing imports)."""
    if not targets:
        return []
    spelled = _spelled(target.rpartition(".")[2] for target in targets)
    found: list[tuple[Location, str, str]] = []
    for info in (*index.modules.values(), *index.stubs.values()):
        if not _outside_words(info, spelled) or not _imports_above(info, targets):
            continue
        uses = _uses(info, read)
        if uses is not None:
            found.extend(_hits(info, uses, targets, index))
    return found


def attribute_uses_each(
    index: Index, targets: Sequence[str], read: dict[str, FileUses | None] | None = None
) -> dict[str, list[tuple[Location, str, str]]]:
    """`attribute_uses(index, [target], read)` for each target, from one pass over the files:
    each file's text is searched once for every target's last name."""
    found: dict[str, list[tuple[Location, str, str]]] = {t: [] for t in targets}
    last_of = {target: target.rpartition(".")[2] for target in targets}
    if not last_of:
        return found
    spelled = _spelled(last_of.values())
    for info in (*index.modules.values(), *index.stubs.values()):
        outside = _outside_words(info, spelled)
        wanted = [t for t in targets if last_of[t] in outside and _imports_above(info, [t])]
        if not wanted:
            continue
        uses = _uses(info, read)
        if uses is None:
            continue
        for target in wanted:
            found[target].extend(_hits(info, uses, [target], index))
    return found


def _uses(info: ModuleInfo, read: dict[str, FileUses | None] | None) -> FileUses | None:
    if read is not None and info.path in read:
        return read[info.path]
    uses = file_uses(info)
    if read is not None:
        read[info.path] = uses
    return uses


def _hits(
    info: ModuleInfo, uses: FileUses, targets: Sequence[str], index: Index
) -> list[tuple[Location, str, str]]:
    """The file's uses of the targets as attributes of a package it imported."""
    bound, dotted, chains = uses
    # `import a.shim.x` then `a.shim.x.f()`: the rewrite follows those chains itself.
    imported = [name for name in dotted if any(within(name, t) for t in targets)]
    seen: set[tuple[int, str]] = set()
    found: list[tuple[Location, str, str]] = []
    for line, head, attrs in chains:
        if any(within(".".join([head, *attrs]), name) for name in imported):
            continue
        for module in bound.get(head, ()):
            hit = _reached(module, attrs, targets, index)
            if hit is not None and (line, hit[0]) not in seen:
                seen.add((line, hit[0]))
                text = ".".join([head, *attrs[: hit[1]]])
                found.append((Location(info.path, line), hit[0], text))
    return found
