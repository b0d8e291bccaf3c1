"""Which packages a verification counts: the shims being removed, and the canonical packages
their names really live in. Pure functions of the analyzed trees."""

from __future__ import annotations

from dataclasses import dataclass

from unshim.bot.errors import UsageError
from unshim.codemods.analyze.analysis import Analysis
from unshim.codemods.analyze.inventory import SHIM_LAYER, shim_layer
from unshim.codemods.names import within


@dataclass(frozen=True)
class Trees:
    """The two trees a verification compares, analyzed."""

    before: Analysis | None
    after: Analysis


def default_shims(trees: Trees) -> tuple[str, ...]:
    """The outermost shim layers `analyze` finds in the tree before the change."""
    analysis = trees.before or trees.after
    layers = [p.name for p in analysis.packages if p.status == SHIM_LAYER]
    return tuple(n for n in layers if not any(within(n, o) and n != o for o in layers))


def canonical_of(trees: Trees, shims: tuple[str, ...]) -> tuple[str, ...]:
    """Where the shims' names really live: the shim layers' `points_to` (a single module's
    verdict when the shim is a module), from the tree before the change. Only the verdicts of
    the shims' own modules are worked out, not the whole inventory."""
    found: set[str] = set()
    for analysis in (trees.before, trees.after):
        if analysis is None:
            continue
        for shim in shims:
            if shim in analysis.index.packages:
                # What the inventory reports as the layer's `points_to` (empty unless it is
                # a SHIM LAYER), from the same function.
                found.update(shim_layer(analysis.index, analysis.verdicts, shim)[1])
                continue
            verdict = analysis.verdicts.get(shim)
            if verdict is not None and verdict.is_shim:
                found.update(verdict.points_to)
        if found:
            break
    return tuple(sorted(c for c in found if not any(within(c, s) for s in shims)))


def check_shims(trees: Trees, shims: tuple[str, ...], where: str) -> None:
    """Every shim named must exist in one of the trees; `where` says who named it."""
    analyses = [a for a in (trees.before, trees.after) if a is not None]
    unknown = [s for s in shims if not any(a.index.is_module(s) for a in analyses)]
    if unknown:
        raise UsageError(
            "\n".join(
                f"{where}: '{s}' is not a module or package of the tree, nor of the tree before "
                "the change (names are dotted, like app.legacy)"
                for s in unknown
            )
        )
