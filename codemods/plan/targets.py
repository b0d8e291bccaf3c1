"""Where a consumer should import each name of a shim from now: the module that defines it,
or the public module nearest to it that re-exports it, and why a name has no such module.

Pure functions of the analysis; `codemods.plan.build` calls `shim_module` for every module of
the shim layer.
"""

from __future__ import annotations

from collections.abc import Mapping

from unshim.codemods.analyze.analysis import Analysis
from unshim.codemods.analyze.graph import absolute_base
from unshim.codemods.analyze.resolve import Origin, Resolver
from unshim.codemods.analyze.shims import IMPURE, PURE, Verdict
from unshim.codemods.names import within_any
from unshim.codemods.plan.stars import star_binds, star_split
from unshim.codemods.plan.values import ShimModule, Target
from unshim.codemods.scan.index import ModuleInfo


def _private(module: str) -> bool:
    return any(p.startswith("_") and not p.endswith("__") for p in module.split("."))


def public_target(
    origin: Origin,
    layer: frozenset[str],
    verdicts: Mapping[str, Verdict],
    resolver: Resolver | None = None,
) -> Target:
    """The definer, or, when the definer is private, the public module nearest to it on the way
    that re-exports the name, else the nearest public package above it that does (`facades`
    for `facades._base`), as a human would write the import."""
    if not _private(origin.module):
        return Target(origin.module, origin.name)
    for module, name in reversed(origin.chain[:-1]):
        verdict = verdicts.get(module)
        if (
            name is not None
            and module != origin.module
            and not _private(module)
            and not within_any(module, layer)
            and (verdict is None or verdict.kind != PURE)
        ):
            return Target(module, name, Target(origin.module, origin.name))
    if resolver is not None and origin.name is not None:
        parts = origin.module.split(".")
        for end in range(len(parts) - 1, 0, -1):
            package = ".".join(parts[:end])
            verdict = verdicts.get(package)
            if _private(package) or within_any(package, layer):
                continue
            if verdict is not None and verdict.kind == PURE:
                continue
            found = resolver.resolve(package, origin.name)
            if (found.module, found.name) == (origin.module, origin.name):
                return Target(package, origin.name, Target(origin.module, origin.name))
    return Target(origin.module, origin.name)


def _why_unresolved(origin: Origin) -> str | None:
    if origin.cycle:
        return "import cycle: " + " -> ".join(f"{m}.{n}" if n else m for m, n in origin.chain)
    if origin.conditional:
        where = f" ({origin.note})" if origin.note else ""
        return (
            f"{origin.module} binds {origin.name} only conditionally{where}, to one of "
            f"{', '.join(origin.conditional)}: no single module to import it from"
        )
    if not origin.found:
        return f"not found in {origin.module}" + (f": {origin.note}" if origin.note else "")
    if origin.name is not None and "." in origin.name:
        return f"an attribute ({origin.dotted}), not an importable name"
    return None


def _star_module(analysis: Analysis, info: ModuleInfo, layer: frozenset[str]) -> str | None:
    """The one module a star-only shim re-exports, when it re-exports exactly its names."""
    stars = [
        s
        for s in info.facts.imports
        if s.is_from and not s.in_function and any(a.name == "*" for a in s.names)
    ]
    if len(stars) != 1:
        return None
    base = absolute_base(info.name, info.source.is_package, stars[0])
    resolver = analysis.resolver
    if base is None or resolver.exports(info.name) != resolver.exports(base):
        return None
    if within_any(base, layer):
        inner = analysis.index.load(base, stubs=False)
        return _star_module(analysis, inner, layer) if inner and inner is not info else None
    return base


def _stub_disagrees(analysis: Analysis, verdict: Verdict, name: str, origin: Origin) -> str | None:
    """Why a name stays when the shim's `.pyi` binds it otherwise than its `.py`: type
    checkers read the stub, so its name is the truth for them."""
    stub = analysis.resolver.resolve_stub(verdict.module, name)
    if stub is None or not stub.found or (stub.module, stub.name) == (origin.module, origin.name):
        return None  # no stub, or one silent about the name: nothing of the stub's to keep
    path = analysis.index.stubs[verdict.module].path
    return (
        f"its stub {path} binds {name} to {stub.dotted}, and the module to {origin.dotted}: "
        "type checkers read the stub, so the name stays where the stub defines it"
    )


def _private_through_star(analysis: Analysis, verdict: Verdict, name: str) -> str | None:
    space = analysis.resolver.namespace(verdict.module)
    if space is None or not space.stars or name in space.bindings:
        return None
    sources = ", ".join(s.source for s in space.stars)
    return (
        f"already broken: {verdict.module} gets names only by `from {sources} import *`, "
        f"which skips names that start with an underscore, so importing {name} from it "
        "fails today; unshim leaves that import as it is"
    )


def _target(
    analysis: Analysis, verdict: Verdict, layer: frozenset[str], name: str
) -> Target | str | None:
    """Where consumers import `name` of the shim from now; why not (str); None: defined here."""
    origin = analysis.resolver.resolve(verdict.module, name)
    if origin.module == verdict.module and origin.name == name and origin.found:
        return None  # defined here (an impure shim's own name)
    why = _why_unresolved(origin) or _stub_disagrees(analysis, verdict, name, origin)
    if why is not None and not origin.found and name.startswith("_"):
        why = _private_through_star(analysis, verdict, name) or why
    if (
        why is None
        and origin.name is not None
        and not origin.external
        and not analysis.resolver.binds(origin.module, origin.name)
    ):
        why = f"not found in {origin.module}"
    if why is None and within_any(origin.module, layer):
        why = f"defined inside the shim layer, in {origin.module}"
    if why is not None:
        return why
    return public_target(origin, layer, analysis.verdicts, analysis.resolver)


def shim_module(
    analysis: Analysis, verdict: Verdict, layer: frozenset[str], wanted: set[str]
) -> ShimModule:
    names: dict[str, Target] = {}
    unresolved: dict[str, str] = {}
    for name in sorted({r.name for r in verdict.reexports} | wanted):
        found = _target(analysis, verdict, layer, name)
        if isinstance(found, str):
            unresolved[name] = found
        elif found is not None:
            names[name] = found
    sources: tuple[str, ...] = ()
    refusal = ""
    if any(r.target == verdict.module and r.name == "*" for r in analysis.refs):
        # A star of it may have to keep binding every name: those names need a home too (only
        # for that star: a name nothing uses does not keep the shim).
        star_names = dict(names)
        star_unresolved = dict(unresolved)
        for name in sorted(star_binds(analysis, verdict.module) or ()):
            if name not in names and name not in unresolved:
                found = _target(analysis, verdict, layer, name)
                if isinstance(found, str):
                    star_unresolved[name] = found
                elif found is None:
                    star_unresolved[name] = f"defined in {verdict.module} itself"
                else:
                    star_names[name] = found
        sources, refusal = star_split(analysis, verdict.module, star_names, star_unresolved)
    modules = {t.module for t in names.values()}
    same_names = all(t.name == n for n, t in names.items())
    exported = {r.name for r in verdict.reexports}
    module_target = (
        next(iter(modules))
        if len(modules) == 1 and same_names and exported <= set(names) and not unresolved
        else None
    )
    info = analysis.index.modules[verdict.module]
    return ShimModule(
        module=verdict.module,
        path=verdict.path,
        names=names,
        module_target=module_target,
        star_module=_star_module(analysis, info, layer),
        impure=verdict.kind == IMPURE,
        unresolved=unresolved,
        star_sources=sources,
        star_refusal=refusal,
    )
