"""The rewrite plan: which shim modules go, and where each of their names really lives.

`build_plan` is a pure function of an `Analysis` and the user's request. It decides, for every
shim module, the table `name -> Target` the rewrite follows, which modules must not be bypassed
(tests patch names there, importing them runs code), which files need rewriting, and what is
kept and why. It reads nothing from disk: everything comes from the index.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from codemods.analyze.analysis import Analysis, consumed_names
from codemods.analyze.effects import side_effect_lines
from codemods.analyze.graph import absolute_base
from codemods.analyze.references import blocking_reason
from codemods.analyze.resolve import Origin, Resolver
from codemods.analyze.shims import FACADE, IMPURE, NOT_A_SHIM, PURE, Verdict
from codemods.names import within
from codemods.outcome import Kept, Location
from codemods.scan.index import ModuleInfo

DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


class PlanError(ValueError):
    """The request cannot be planned: nothing was changed (the CLI exits 2)."""


@dataclass(frozen=True)
class PlanRequest:
    shims: tuple[str, ...] = ()  # dotted modules or packages whose imports are rewritten
    moves: tuple[tuple[str, str], ...] = ()  # (old, new) module prefixes
    auto: bool = False  # every pure shim module of the tree
    delete: tuple[str, ...] = ()  # packages handed to the deletion proof as well
    configured: bool = False  # the shims come from the configuration: one that is gone is done


@dataclass(frozen=True)
class FileTask:
    """A file to rewrite, with the module name its relative imports start from."""

    path: str
    module: str
    is_package: bool
    import_lines: tuple[int, ...] = ()  # lines of its import statements, in source order


@dataclass(frozen=True)
class Target:
    """Where a consumer should import a name from now."""

    module: str
    name: str | None  # None: the module object itself


@dataclass(frozen=True)
class ShimModule:
    module: str
    path: str
    names: Mapping[str, Target]  # what the rewrite follows, by the name the shim exports
    module_target: str | None = None  # every name comes from this one module, under its name
    star_module: str | None = None  # `from shim import *` can become `from star_module import *`
    impure: bool = False  # defines names of its own: kept, only its re-exports are rewritten
    deleting: bool = False  # expected to be deleted, so a parent's registration of it goes too
    unresolved: Mapping[str, str] = field(default_factory=dict)  # name -> why it stays


@dataclass(frozen=True)
class RewritePlan:
    shims: Mapping[str, ShimModule]  # by dotted module name
    moves: tuple[tuple[str, str], ...]
    files: tuple[FileTask, ...]  # the files that reference a shim or a moved module
    consumed: Mapping[str, frozenset[str]]  # module -> names other modules import from it
    kept: tuple[Kept, ...]  # decided at plan time: impure, patched, side effects, unresolved
    delete: tuple[str, ...]  # packages/modules to hand to the deletion proof
    requested: tuple[str, ...]  # what the user named, for messages
    gone: tuple[str, ...] = ()  # configured shims that no longer exist (removed by a past run)

    @property
    def empty(self) -> bool:
        return not self.files and not self.delete

    def moved(self, module: str) -> str | None:
        """The new name of `module` under a --move, or None when no move applies."""
        for old, new in self.moves:
            if module == old or module.startswith(old + "."):
                return new + module[len(old) :]
        return None


def parse_move(text: str) -> tuple[str, str]:
    """`OLD.DOTTED=NEW.DOTTED` -> (old, new); PlanError with the reason when malformed."""
    old, sep, new = text.partition("=")
    old, new = old.strip(), new.strip()
    if not sep or not DOTTED_NAME.fullmatch(old) or not DOTTED_NAME.fullmatch(new):
        raise PlanError(f"--move {text!r}: expected OLD.DOTTED=NEW.DOTTED (two module names)")
    if old == new:
        raise PlanError(f"--move {text!r}: the old and the new name are the same")
    return old, new


def _private(module: str) -> bool:
    return any(p.startswith("_") and not p.endswith("__") for p in module.split("."))


def _in_any(module: str, roots: Iterable[str]) -> bool:
    return any(within(module, root) for root in roots)


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
            and not _in_any(module, layer)
            and (verdict is None or verdict.kind != PURE)
        ):
            return Target(module, name)
    if resolver is not None and origin.name is not None:
        parts = origin.module.split(".")
        for end in range(len(parts) - 1, 0, -1):
            package = ".".join(parts[:end])
            verdict = verdicts.get(package)
            if _private(package) or _in_any(package, layer):
                continue
            if verdict is not None and verdict.kind == PURE:
                continue
            found = resolver.resolve(package, origin.name)
            if (found.module, found.name) == (origin.module, origin.name):
                return Target(package, origin.name)
    return Target(origin.module, origin.name)


def _why_unresolved(origin: Origin) -> str | None:
    if origin.cycle:
        return "import cycle: " + " -> ".join(f"{m}.{n}" if n else m for m, n in origin.chain)
    if origin.conditional:
        return (
            f"{origin.module} binds {origin.name} only conditionally (try/except or if/else), "
            f"to one of {', '.join(origin.conditional)}: no single module to import it from"
        )
    if not origin.found:
        return f"not found in {origin.module}"
    if origin.name is not None and "." in origin.name:
        return f"an attribute ({origin.dotted}), not an importable name"
    return None


def _forwarding(analysis: Analysis, verdict: Verdict) -> bool:
    """Only forwards names: a pure shim, a facade, or a module with no code at all."""
    if verdict.kind in (PURE, FACADE):
        return True
    body = analysis.index.body(verdict.module)
    return (
        verdict.kind == NOT_A_SHIM
        and body is not None
        and not any(s.kind == "code" for s in body.statements)
    )


def _layer_modules(analysis: Analysis, request: PlanRequest) -> dict[str, tuple[str, ...]]:
    """Requested name -> the modules it covers. PlanError for a name that is no module."""
    index = analysis.index
    layers: dict[str, tuple[str, ...]] = {}
    for name in request.shims:
        if not DOTTED_NAME.fullmatch(name):
            raise PlanError(f"--shim {name!r}: not a dotted module name")
        if not index.is_module(name):
            if request.configured:
                continue  # removed by an earlier run: nothing left to do for it
            raise PlanError(f"--shim {name}: no such module or package under {index.root}")
        layers[name] = tuple(sorted(info.name for info in index.under(name)))
    if request.auto:
        imported = {ref.target for ref in analysis.refs if ref.importer != ref.target}
        imported |= {f"{r.target}.{r.name}" for r in analysis.refs if r.name}
        for module, verdict in analysis.verdicts.items():
            # A top-level module is an entry point (`from main import app`), a package's
            # __init__ that re-exports is its public API unless it warns that it is deprecated,
            # and a module nothing imports is no detour: --auto leaves them to --shim.
            info = analysis.index.modules[module]
            facade = info.source.is_package and not verdict.deprecated
            wanted = "." in module and not facade and (module in imported or verdict.deprecated)
            if verdict.kind == PURE and wanted and not _in_any(module, layers):
                layers[module] = (module,)
    return layers


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
    if _in_any(base, layer):
        inner = analysis.index.load(base, stubs=False)
        return _star_module(analysis, inner, layer) if inner and inner is not info else None
    return base


def _shim_module(
    analysis: Analysis, verdict: Verdict, layer: frozenset[str], wanted: set[str]
) -> ShimModule:
    names: dict[str, Target] = {}
    unresolved: dict[str, str] = {}
    for name in sorted({r.name for r in verdict.reexports} | wanted):
        origin = analysis.resolver.resolve(verdict.module, name)
        if origin.module == verdict.module and origin.name == name and origin.found:
            continue  # defined here (an impure shim's own name)
        why = _why_unresolved(origin)
        if (
            why is None
            and origin.name is not None
            and not origin.external
            and not analysis.resolver.binds(origin.module, origin.name)
        ):
            why = f"not found in {origin.module}"
        if why is None and _in_any(origin.module, layer):
            why = f"defined inside the shim layer, in {origin.module}"
        if why is not None:
            unresolved[name] = why
            continue
        names[name] = public_target(origin, layer, analysis.verdicts, analysis.resolver)
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
    )


def _frozen(analysis: Analysis, verdict: Verdict) -> list[Kept]:
    """Reasons to leave every import of this module alone."""
    reasons = [
        Kept(
            verdict.module,
            f"tests patch names looked up in {verdict.module} ({ref.text!r}); its imports are "
            "left alone so the patch still applies",
            ref.location,
        )
        for ref in analysis.code_references
        if ref.kind == "mock.patch" and ref.target == verdict.module
    ]
    if verdict.kind == IMPURE:
        info = analysis.index.modules[verdict.module]
        for line in side_effect_lines(info.text):
            reasons.append(
                Kept(
                    verdict.module,
                    "importing it runs top-level code (registration or patching); its imports "
                    "are left alone so that code still runs",
                    Location(verdict.path, line),
                )
            )
    return reasons


def _describe_impure(verdict: Verdict, analysis: Analysis) -> Kept:
    # The scan may skip bodies of modules with code; the index reads them when asked.
    body = analysis.index.body(verdict.module)
    first = next((s.line for s in body.statements if s.kind == "code"), 0) if body else 0
    names = verdict.defined or (body.defined if body else ())
    defined = ", ".join(names[:8]) or "top-level code"
    more = f" and {len(names) - 8} more" if len(names) > 8 else ""
    return Kept(
        verdict.module,
        f"impure shim: defines {defined}{more}; only its re-exports were rewritten, the module "
        "stays",
        Location(verdict.path, first),
    )


def _blocked(analysis: Analysis, layer: frozenset[str]) -> dict[str, list[Kept]]:
    """Modules a string, configuration or patch outside the layer names (and their packages,
    which importing them runs), each with why it stays."""
    module_of = {
        i.path: n for t in (analysis.index.modules, analysis.index.stubs) for n, i in t.items()
    }
    named: dict[str, list[Kept]] = {}
    for ref in analysis.references_to(sorted(layer)):
        importer = module_of.get(ref.location.path, "")
        if ref.blocks_deletion and not _in_any(importer, layer):
            parts = ref.target.split(".")
            for depth in range(1, len(parts) + 1):
                module = ".".join(parts[:depth])
                why = blocking_reason(ref, importer or ref.location.path)
                named.setdefault(module, []).append(Kept(module, f"stays: {why}", ref.location))
    return named


def build_plan(analysis: Analysis, request: PlanRequest) -> RewritePlan:
    """The plan for `request` over the analyzed tree. PlanError: nothing was asked, or a named
    module is missing or not a shim."""
    if not (request.shims or request.moves or request.auto or request.delete):
        raise PlanError(
            "nothing to do: give --shim, --move, --auto or --delete (or shims/moves/auto/delete "
            "in [tool.unshim])"
        )
    index = analysis.index
    for name in request.delete:
        if not index.is_module(name):
            raise PlanError(f"--delete {name}: no such module or package under {index.root}")
    layers = _layer_modules(analysis, request)
    layer = frozenset(layers)
    consumed = consumed_names(list(analysis.refs))
    blocked = _blocked(analysis, layer)
    shims: dict[str, ShimModule] = {}
    kept: list[Kept] = []
    skipped: set[str] = set()  # forwarding modules of the layer: deleted, never rewritten
    for requested, modules in layers.items():
        for module in modules:
            verdict = analysis.verdicts[module]
            forwarding = _forwarding(analysis, verdict)
            if forwarding:
                skipped.add(module)
            if not forwarding and verdict.kind != IMPURE:
                kept.append(
                    Kept(
                        module,
                        "has code of its own and re-exports nothing from "
                        "elsewhere: not a shim, it stays",
                        Location(verdict.path, 0),
                    )
                )
                continue
            frozen = _frozen(analysis, verdict)
            if frozen:
                kept.extend(frozen)
                continue
            shim = _shim_module(analysis, verdict, layer, set(consumed.get(module, ())))
            if verdict.kind == IMPURE:
                kept.append(_describe_impure(verdict, analysis))
            for name, why in shim.unresolved.items():
                line = next((r.line for r in verdict.reexports if r.name == name), 0)
                kept.append(Kept(module, f"{name} stays: {why}", Location(verdict.path, line)))
            deleting = forwarding and not shim.unresolved and module not in blocked
            if forwarding and not shim.unresolved and module in blocked:
                kept.extend(blocked[module])
            shims[module] = replace(shim, deleting=deleting)
        if requested in request.shims and not any(analysis.verdicts[m].is_shim for m in modules):
            raise PlanError(
                f"--shim {requested}: not a shim (no module under it only re-exports names "
                "that live elsewhere); nothing changed"
            )
    files = _files(analysis, shims, request.moves, skipped)
    delete = _deletable(layers, shims, request)
    return RewritePlan(
        shims=shims,
        moves=request.moves,
        files=files,
        consumed=consumed,
        kept=tuple(kept),
        delete=delete,
        requested=tuple(layers) + tuple(old for old, _ in request.moves),
        gone=tuple(name for name in request.shims if not index.is_module(name)),
    )


def _files(
    analysis: Analysis,
    shims: Mapping[str, ShimModule],
    moves: tuple[tuple[str, str], ...],
    skipped: set[str],
) -> tuple[FileTask, ...]:
    """Files with an import that reaches a shim or a moved module. Only these are parsed."""
    moved = [old for old, _ in moves]
    found: set[str] = set()
    for ref in analysis.refs:
        if ref.importer in skipped or ref.path in found:
            continue
        named = f"{ref.target}.{ref.name}" if ref.name and ref.name != "*" else ref.target
        if ref.target in shims or named in shims or _in_any(named, moved):
            found.add(ref.path)
    index = analysis.index
    infos = {i.path: i for t in (index.modules, index.stubs) for i in t.values()}
    return tuple(
        FileTask(
            path,
            infos[path].name,
            infos[path].source.is_package,
            tuple(sorted(stmt.line for stmt in infos[path].facts.imports)),
        )
        for path in sorted(found)
    )


def _deletable(
    layers: Mapping[str, tuple[str, ...]], shims: Mapping[str, ShimModule], request: PlanRequest
) -> tuple[str, ...]:
    """What to hand to the deletion proof: a whole requested package when every module in it
    is expected to go, else the modules that are."""
    names: list[str] = []
    for requested, modules in layers.items():
        going = [m for m in modules if m in shims and shims[m].deleting]
        names.extend([requested] if modules and len(going) == len(modules) else going)
    names.extend(request.delete)
    return tuple(dict.fromkeys(names))
