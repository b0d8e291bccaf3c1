"""The rewrite plan: which shim modules go, and where each of their names really lives.

`build_plan` is a pure function of an `Analysis` and the user's request. It decides, for every
shim module, the table `name -> Target` the rewrite follows, which modules must not be bypassed
(tests patch names there, importing them runs code), which files need rewriting, and what is
kept and why. It reads nothing from disk: everything comes from the index. Where each name
of a shim is imported from now is decided in `codemods.plan.targets`; the values it returns
are in `codemods.plan.values`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from unshim.codemods.analyze.analysis import Analysis, consumed_names
from unshim.codemods.analyze.effects import side_effect_lines
from unshim.codemods.analyze.references import Reference, blocking_reason
from unshim.codemods.analyze.shims import FACADE, IMPURE, NOT_A_SHIM, PURE, Verdict
from unshim.codemods.names import within_any
from unshim.codemods.outcome import Kept, Location, Note
from unshim.codemods.plan.deprecation_tests import own_tests
from unshim.codemods.plan.patches import patch_references, retarget
from unshim.codemods.plan.published import published
from unshim.codemods.plan.refusals import looks_like_a_shim, not_a_shim
from unshim.codemods.plan.schedule import keep_for_users
from unshim.codemods.plan.targets import shim_module
from unshim.codemods.plan.values import (
    DOTTED_NAME,
    FileTask,
    PatchTarget,
    PlanError,
    PlanRequest,
    RewritePlan,
    ShimModule,
)
from unshim.codemods.scan.index import Index


def _forwarding(analysis: Analysis, verdict: Verdict) -> bool:
    """Only forwards names: a pure shim, a facade, or a module with no code at all."""
    if verdict.kind in (PURE, FACADE):
        return True
    space = analysis.resolver.namespace(verdict.module)
    return verdict.kind == NOT_A_SHIM and space is not None and not space.code


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
            if verdict.kind == PURE and wanted and not within_any(module, layers):
                layers[module] = (module,)
    return layers


def _frozen(analysis: Analysis, verdict: Verdict) -> list[Kept]:
    """Reasons to leave every import of this module alone (tests patching names through it
    are `codemods.plan.patches`')."""
    reasons: list[Kept] = []
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


def _taken(verdict: Verdict) -> str:
    """A facade is taken only when --shim names it (--auto takes pure shims alone)."""
    over = ", ".join(sorted({r.origin.module for r in verdict.reexports})) or "its package"
    return (
        f"taken: {verdict.module} is a public facade over {over}; rewritten because --shim names it"
    )


def _side_effect_notes(analysis: Analysis, shims: Mapping[str, ShimModule]) -> tuple[Note, ...]:
    """A shim that hands itself over to another module (`sys.modules[__name__] = M`) after
    setting attributes of `M`: its consumers are rewritten to `M`, which no longer runs those
    assignments. Nothing breaks at import, but `M.logger` keeps its own name, say."""
    notes: list[Note] = []
    for module, shim in shims.items():
        space = analysis.resolver.namespace(module)
        if space is None or space.module_alias is None or not space.effects:
            continue
        target = analysis.resolver.resolve(module, None).module
        lines = analysis.index.modules[module].text.splitlines()
        for line, attribute in space.effects:
            statement = lines[line - 1].strip() if 0 < line <= len(lines) else attribute
            member = attribute.rpartition(".")[2]
            notes.append(
                Note(
                    module,
                    f"importing {module} sets {member} on {target}, the module it replaces "
                    f"itself with in sys.modules (`{statement}`); an import rewritten to "
                    f"{target} instead of through {module} no longer runs it, so "
                    f"{target}.{member} keeps its own value "
                    "(a test that asserts on it, such as a logger's name, will notice)",
                    Location(shim.path, line),
                )
            )
    return tuple(notes)


def _describe_impure(verdict: Verdict, analysis: Analysis) -> Kept:
    space = analysis.resolver.namespace(verdict.module)
    first = space.code[0][0] if space is not None and space.code else 0
    names = verdict.defined
    defined = ", ".join(names[:8]) or "top-level code"
    more = f" and {len(names) - 8} more" if len(names) > 8 else ""
    return Kept(
        verdict.module,
        f"impure shim: defines {defined}{more}; only its re-exports were rewritten, the module "
        "stays",
        Location(verdict.path, first),
    )


Blocked = dict[str, list[tuple[Reference, Kept]]]


def _blocked(analysis: Analysis, layer: frozenset[str]) -> Blocked:
    """Modules a string, configuration or patch outside the layer names (and their packages,
    which importing them runs), each with the reference and why it stays."""
    module_of = {
        i.path: n for t in (analysis.index.modules, analysis.index.stubs) for n, i in t.items()
    }
    named: Blocked = {}
    for ref in analysis.references_to(sorted(layer)):
        importer = module_of.get(ref.location.path, "")
        if ref.blocks_deletion and not within_any(importer, layer):
            parts = ref.target.split(".")
            for depth in range(1, len(parts) + 1):
                module = ".".join(parts[:depth])
                why = blocking_reason(ref, importer or ref.location.path)
                kept = Kept(module, f"stays: {why}", ref.location)
                named.setdefault(module, []).append((ref, kept))
    return named


def _refused(
    analysis: Analysis, request: PlanRequest, layers: Mapping[str, tuple[str, ...]]
) -> list[str]:
    """The --shim names with no shim under them. Each is reported and the rest of the request
    goes on; PlanError (exit 2, nothing changed) when that leaves nothing to do and nothing
    under them even re-exports a name, with every module's verdict."""
    verdicts = analysis.verdicts
    # A public facade is no shim, but one --shim names is taken: the user asked for it.
    refused = [
        name
        for name, modules in layers.items()
        if name in request.shims
        and not any(verdicts[m].is_shim or verdicts[m].kind == FACADE for m in modules)
    ]
    others = len(layers) > len(refused) or request.moves or request.auto or request.delete
    suspects = any(looks_like_a_shim(analysis, verdicts[m]) for n in refused for m in layers[n])
    if refused and not others and not suspects:
        lines = [
            f"--shim {', '.join(refused)}: not a shim: no module under it re-exports a name "
            "that lives elsewhere; nothing changed"
        ]
        for name in refused:
            for module in layers[name]:
                kept = not_a_shim(analysis, verdicts[module])
                lines.append(f"  {kept.location}: {module}: {kept.reason}")
        raise PlanError("\n".join(lines))
    return refused


def check_asked(request: PlanRequest) -> None:
    """PlanError when the request asks for nothing: said before the tree is read."""
    if not (request.shims or request.moves or request.auto or request.delete):
        raise PlanError(
            "nothing to do: give --shim, --move, --auto or --delete (or shims/moves/auto/delete "
            "in [tool.unshim])"
        )


def build_plan(analysis: Analysis, request: PlanRequest) -> RewritePlan:
    """The plan for `request` over the analyzed tree. PlanError: nothing was asked, or a named
    module is missing or not a shim."""
    check_asked(request)
    index = analysis.index
    for name in request.delete:
        if not index.is_module(name):
            raise PlanError(f"--delete {name}: no such module or package under {index.root}")
    for old, new in request.moves:
        if not request.allow_missing_target and not index.is_module(new):
            raise PlanError(
                f"--move {old}={new}: {new} is not a module or package under {index.root}, so "
                "every rewritten import would fail; nothing changed (move the files first, or "
                "give --allow-missing-target)"
            )
    layers = _layer_modules(analysis, request)
    kept: list[Kept] = []
    refused = _refused(analysis, request, layers)
    for requested in refused:
        kept.extend(not_a_shim(analysis, analysis.verdicts[m]) for m in layers.pop(requested))
    layer = frozenset(layers)
    automatic = {m for m in layers if not within_any(m, request.shims)}  # found by --auto
    consumed = consumed_names(list(analysis.refs))
    blocked = _blocked(analysis, layer)
    shims: dict[str, ShimModule] = {}
    patches: list[PatchTarget] = []
    patch_notes: list[Note] = []
    retargeted: set[Reference] = set()  # patch strings the rewrite changes: they block nothing
    going: list[tuple[Verdict, bool, ShimModule]] = []
    patch_refs = patch_references(analysis)
    notes: list[str] = []
    skipped: set[str] = set()  # forwarding modules of the layer: deleted, never rewritten
    for modules in layers.values():
        for module in modules:
            verdict = analysis.verdicts[module]
            forwarding = _forwarding(analysis, verdict)
            if forwarding:
                skipped.add(module)
            if verdict.kind == FACADE:
                notes.append(_taken(verdict))
            if not forwarding and verdict.kind != IMPURE:
                kept.append(not_a_shim(analysis, verdict))
                continue
            frozen = _frozen(analysis, verdict)
            if frozen:
                kept.extend(frozen)
                continue
            shim = shim_module(analysis, verdict, layer, set(consumed.get(module, ())))
            patched = retarget(analysis, shim, patch_refs.get(module, []), request.patch_conflicts)
            if patched.kept:
                kept.extend(patched.kept)
                continue
            patches.extend(patched.targets)
            patch_notes.extend(patched.notes)
            retargeted.update(patched.references)
            going.append((verdict, forwarding, shim))
    # Then what goes: a patch string that follows the rewrite no longer names the layer.
    for verdict, forwarding, shim in going:
        module = verdict.module
        if verdict.kind == IMPURE:
            kept.append(_describe_impure(verdict, analysis))
        for name, why in shim.unresolved.items():
            line = next((r.line for r in verdict.reexports if r.name == name), 0)
            kept.append(Kept(module, f"{name} stays: {why}", Location(verdict.path, line)))
        blocking = [k for ref, k in blocked.get(module, []) if ref not in retargeted]
        deleting = forwarding and not shim.unresolved and not blocking
        if forwarding and not shim.unresolved and blocking:
            kept.extend(blocking)
        public = published(index, verdict) if deleting and module in automatic else None
        if public is None and deleting and (request.configured or module in automatic):
            # Library mode: what the configuration or --auto names; --shim decides alone.
            public = keep_for_users(
                index, module, verdict.path, verdict.deprecated, request.schedule
            )
        if public is not None:
            kept.append(public)
            deleting = False
        shims[module] = replace(shim, deleting=deleting)
    # A shim's own deprecation tests import it on purpose: they and the shim stay as they are.
    tests = own_tests(analysis, shims, skipped)
    for test in tests:
        shims[test.subject] = replace(shims[test.subject], deleting=False)
    kept.extend(tests)
    untouched = {test.location.path for test in tests if test.location is not None}
    inside = [p for p in patches if p.location.path in untouched]
    if inside:  # a shim's own test patches it: that file stays as it is, so must the patch
        why = "the file is the shim's own deprecation test, left as it is"
        return build_plan(
            analysis,
            replace(
                request,
                patch_conflicts=(
                    *request.patch_conflicts,
                    *(Kept(p.shim, why, p.location) for p in inside),
                ),
            ),
        )
    files = _files(analysis, shims, request.moves, skipped, untouched, patches)
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
        taken=tuple(notes),
        notes=(*_side_effect_notes(analysis, shims), *patch_notes),
        patches=tuple(patches),
    )


def _files(
    analysis: Analysis,
    shims: Mapping[str, ShimModule],
    moves: tuple[tuple[str, str], ...],
    skipped: set[str],
    untouched: set[str],
    patches: Iterable[PatchTarget] = (),
) -> tuple[FileTask, ...]:
    """Files with an import that reaches a shim or a moved module, but `untouched`, and those
    with a patch string to rewrite. Only these are parsed."""
    moved = [old for old, _ in moves]
    found: set[str] = {p.location.path for p in patches}
    for ref in analysis.refs:
        if ref.importer in skipped or ref.path in found or ref.path in untouched:
            continue
        named = f"{ref.target}.{ref.name}" if ref.name and ref.name != "*" else ref.target
        if ref.target in shims or named in shims or within_any(named, moved):
            found.add(ref.path)
    return file_tasks(analysis.index, found)


def file_tasks(index: Index, paths: Iterable[str]) -> tuple[FileTask, ...]:
    """The rewrite's task for each of `paths`, in path order: the module and its import lines."""
    infos = {i.path: i for t in (index.modules, index.stubs) for i in t.values()}
    return tuple(
        FileTask(
            path,
            infos[path].name,
            infos[path].source.is_package,
            tuple(sorted(stmt.line for stmt in infos[path].facts.imports)),
        )
        for path in sorted(paths)
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
