"""Requested modules whose names come from a module `__getattr__` the static model cannot follow
(SciPy's `_sub_module_deprecation`, a module name computed at run time): with `--resolve import`
they are planned as shims whose every name is still unplaced, for the import to place.

The static plan calls such a module "not a shim" and stops; here it becomes a ShimModule with no
static answer, which stays (it is never deleted), and whose importers are the files to rewrite.
A module that runs code with effects on import, or whose names tests patch, is left to the static
plan, which says why. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from unshim.codemods.analyze.analysis import Analysis, consumed_names
from unshim.codemods.analyze.effects import side_effect_lines
from unshim.codemods.analyze.references import PATCHES
from unshim.codemods.outcome import Kept, Location
from unshim.codemods.plan.build import file_tasks
from unshim.codemods.plan.deprecation_tests import own_tests
from unshim.codemods.plan.values import FileTask, PlanRequest, RewritePlan, ShimModule


@dataclass(frozen=True)
class Forwarder:
    module: str
    path: str
    line: int  # of its `def __getattr__`
    names: tuple[str, ...]  # what other modules import from it (all of __all__ for a star)


def _getattr_line(analysis: Analysis, module: str) -> int | None:
    body = analysis.index.body(module)
    if body is None:
        return None
    return next((s.line for s in body.statements if "__getattr__" in s.names), None)


def _forwarder(analysis: Analysis, module: str, consumed: frozenset[str]) -> Forwarder | None:
    verdict = analysis.verdicts.get(module)
    line = _getattr_line(analysis, module)
    if verdict is None or verdict.is_shim or line is None:
        return None
    info = analysis.index.modules[module]
    patched = any(r.kind in PATCHES and r.target == module for r in analysis.code_references)
    if patched or side_effect_lines(info.text):
        return None
    body = analysis.index.body(module)
    # Only the names something imports need a place: the literal __all__ when a star import
    # takes them all, else the names other modules import.
    starred = any(r.target == module and r.name == "*" for r in analysis.refs)
    listed = set(body.all_names or ()) if body is not None and starred else set()
    own = set(verdict.defined)
    names = sorted(
        n
        for n in listed | consumed
        if n not in own and not analysis.index.is_module(f"{module}.{n}")
    )
    return Forwarder(module, info.path, line, tuple(names)) if names else None


def split_request(
    analysis: Analysis, request: PlanRequest
) -> tuple[PlanRequest, tuple[Forwarder, ...]]:
    """The request for the static plan, and the requested modules left to the import."""
    index = analysis.index
    consumed = consumed_names(list(analysis.refs))
    found: list[Forwarder] = []
    for name in request.shims:
        if not index.is_module(name) or any(
            analysis.verdicts[i.name].is_shim for i in index.under(name)
        ):
            continue
        for info in index.under(name):
            forwarder = _forwarder(analysis, info.name, consumed.get(info.name, frozenset()))
            if forwarder is not None:
                found.append(forwarder)
    left = {f.module for f in found}
    shims = tuple(n for n in request.shims if not any(i.name in left for i in index.under(n)))
    return replace(request, shims=shims), tuple(found)


def _files(analysis: Analysis, forwarders: tuple[Forwarder, ...]) -> list[FileTask]:
    """Files that import names from a forwarder. A file that imports the module object itself
    (`from . import codata`, `import pkg.old`) is left alone: the module stays, and its object
    is not the module its names come from."""
    modules = {f.module for f in forwarders}
    refs = [r for r in analysis.refs if r.importer not in modules]
    whole = {
        r.path
        for r in refs
        if (r.target in modules and not r.name) or f"{r.target}.{r.name}" in modules
    }
    paths = {r.path for r in refs if r.target in modules and r.name} - whole
    return list(file_tasks(analysis.index, paths))


def with_forwarders(
    analysis: Analysis, plan: RewritePlan, forwarders: tuple[Forwarder, ...]
) -> RewritePlan:
    """The static plan with each forwarder as a shim whose names are all still to place."""
    if not forwarders:
        return plan
    shims = dict(plan.shims)
    kept = list(plan.kept)
    for f in forwarders:
        why = (
            f"{f.module} hands it out from its __getattr__ (line {f.line}), which the static "
            "model cannot follow"
        )
        shims[f.module] = ShimModule(f.module, f.path, {}, unresolved=dict.fromkeys(f.names, why))
        where = Location(f.path, f.line)
        kept.append(
            Kept(
                f.module,
                "stays: its names come from its __getattr__, which the static model cannot "
                "follow; only the names an import placed are rewritten",
                where,
            )
        )
        kept.extend(Kept(f.module, f"{n} stays: {why}", where) for n in f.names)
    # Its own deprecation tests stay as they are, as the static plan leaves a shim's.
    tests = own_tests(analysis, [f.module for f in forwarders], [f.module for f in forwarders])
    kept.extend(tests)
    untouched = {t.location.path for t in tests if t.location is not None}
    planned = [t for t in _files(analysis, forwarders) if t.path not in untouched]
    files = {t.path: t for t in (*plan.files, *planned)}
    return replace(
        plan,
        shims=shims,
        files=tuple(files[p] for p in sorted(files)),
        kept=tuple(kept),
        requested=(*plan.requested, *(f.module for f in forwarders)),
    )


def empty_plan(analysis: Analysis, request: PlanRequest) -> RewritePlan:
    """The static plan of a request that names only forwarders: nothing yet."""
    return RewritePlan(
        shims={},
        moves=request.moves,
        files=(),
        consumed=consumed_names(list(analysis.refs)),
        kept=(),
        delete=(),
        requested=(),
    )
