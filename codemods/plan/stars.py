"""What a star import of a shim can become in a module that re-exports what the star binds.

`from shim import *` in a package `__init__` (or a module whose `__all__` or consumers take those
names) hands every name the star binds on to that module's own importers, inside the tree and
outside it. Narrowing it to the names the tree uses would drop the rest, so it may only become
star imports of the modules the names live in, and only when each of those stars binds exactly
the names the shim's star took from it. Pure functions of the analysis.
"""

from __future__ import annotations

from collections.abc import Mapping

from unshim.codemods.analyze.analysis import Analysis
from unshim.codemods.analyze.graph import absolute_base
from unshim.codemods.plan.values import Target


def star_binds(
    analysis: Analysis, module: str, seen: frozenset[str] = frozenset()
) -> frozenset[str] | None:
    """The names `from module import *` binds, or None when the index cannot tell (no body, or
    an `__all__` that is not built from literals, here or in a module it star-imports)."""
    if module in seen:
        return frozenset()
    info = analysis.index.load(module, stubs=False)
    body = analysis.index.body(module) if info is not None else None
    if info is None or body is None:
        return None
    if body.all_names is None and any(s.kind == "all" for s in body.statements):
        return None
    for stmt in info.facts.imports:
        if stmt.in_function or stmt.in_class or not any(a.name == "*" for a in stmt.names):
            continue
        base = absolute_base(info.name, info.source.is_package, stmt)
        if base is None or star_binds(analysis, base, seen | {module}) is None:
            return None
    return analysis.resolver.exports(module)


def star_split(
    analysis: Analysis, module: str, names: Mapping[str, Target], unresolved: Mapping[str, str]
) -> tuple[tuple[str, ...], str]:
    """(the modules whose star imports together bind exactly what `from module import *`
    binds, in order; why not when empty)."""
    bound = star_binds(analysis, module)
    if bound is None:
        return (
            (),
            f"cannot tell which names `from {module} import *` binds (its `__all__` is computed)",
        )
    if not bound:
        return (), f"`from {module} import *` binds no name unshim can see"
    stuck = sorted(n for n in bound if n not in names)
    if stuck:
        why = unresolved.get(stuck[0], "no module defines it")
        more = f" (and {len(stuck) - 1} more)" if len(stuck) > 1 else ""
        return (), f"it binds {stuck[0]}{more}, which has no module to star-import: {why}"
    renamed = sorted(n for n in bound if names[n].name != n)
    if renamed:
        return (), f"{', '.join(renamed[:5])} live elsewhere under another name"
    groups: dict[str, set[str]] = {}
    for name in sorted(bound):
        groups.setdefault(names[name].module, set()).add(name)
    for source, group in groups.items():
        binds = star_binds(analysis, source)
        if binds is None:
            return (), f"cannot tell which names `from {source} import *` binds"
        if binds != group:
            extra = sorted(binds - group)
            lacking = sorted(group - binds)
            what = (
                f"would also bind {', '.join(extra[:5])}"
                if extra
                else f"would not bind {', '.join(lacking[:5])}"
            )
            return (), f"`from {source} import *` {what}"
    return tuple(groups), ""
