"""Tests that patch names through a shim: the patch follows the rewrite, or everything stays.

`mock.patch("a.shim.X")` (and `patch(...)`, `monkeypatch.setattr("a.shim.X", v)`) replaces
the attribute X of the module `a.shim` for the test's duration. It reaches the code that looks
X up through `a.shim` while it runs: `s.X()` after `import a.shim as s`, or
`from a.shim import X` run inside a function. Once every such lookup is rewritten to `a.real`
(`import a.real as s`, `from a.real import X`), only a patch of `a.real.X` reaches them, so the
string is rewritten with them (`PatchTarget`). A module-level `from a.shim import X` binds X
at import, out of reach of either patch, before and after.

The patch stays, and with it every import of the shim (as before this existed), when a lookup
through the shim may stay or cannot be told: X is not resolved to one module, a name of the
module object is patched (`patch("a.shim")`), consumers import X from two places (one inside
the package X lives in), another string or attribute use reaches the shim, or the rewrite kept
an import of it (`PlanRequest.patch_conflicts`). `patch.object(s, "X")` (or
`setattr(s, "X", v)`) of a module an import binds to `s` needs no string change: `s` follows
the rewritten import of the test file; when that import is kept, everything is.
`patch.dict(sys.modules, {"a.shim": fake})` replaces the module object itself: no other
module can stand in for it, so it always stays.

A patch of `a.real.X` is broader than one of `a.shim.X` where code already imports X from
`a.real` inside a function: those imports are named in notes. Pure: reads the analysis only.
"""

from __future__ import annotations

from dataclasses import dataclass

from unshim.codemods.analyze.analysis import Analysis
from unshim.codemods.analyze.graph import absolute_base
from unshim.codemods.analyze.references import PATCHES, Reference
from unshim.codemods.names import within
from unshim.codemods.outcome import Kept, Location, Note
from unshim.codemods.plan.values import PatchTarget, RewritePlan, ShimModule
from unshim.codemods.scan.index import ModuleInfo

# `patch.object(s, "X")` of a module `s` an import binds: the reference follows the rewritten
# import itself (`import a.real as s`), when it is rewritten; when it is kept, so is everything.
OBJECT = "patch.object"


@dataclass(frozen=True)
class Retargeting:
    """What the patches of one shim come to: rewritten (`targets`, `notes`), or `kept`, in
    which case every import of the shim is left alone."""

    targets: tuple[PatchTarget, ...] = ()
    notes: tuple[Note, ...] = ()
    kept: tuple[Kept, ...] = ()
    references: tuple[Reference, ...] = ()  # the references the targets rewrite


def _form(ref: Reference) -> str:
    if ref.kind == "setattr":
        return f"setattr({ref.text!r}, ...)"
    if ref.kind == "sys.modules":
        return f"patch.dict(sys.modules, {{{ref.text!r}: ...}})"
    if ref.kind == OBJECT:
        module, _, name = ref.text.rpartition(".")
        return f"patch.object({module}, {name!r})"
    return f"mock.patch({ref.text!r})"


def _frozen(module: str, ref: Reference, why: str) -> Kept:
    return Kept(
        module,
        f"tests patch names looked up in {module} ({_form(ref)}); {why}; its imports are left "
        "alone so the patch still applies",
        ref.location,
    )


def _why_not(analysis: Analysis, shim: ShimModule, ref: Reference) -> str | PatchTarget:
    """The patch's new target, or why it cannot have one."""
    module = shim.module
    if ref.kind == "sys.modules":
        return (
            "replacing the module object in sys.modules cannot be retargeted: no other module "
            "stands in for it"
        )
    if not ref.text.startswith(module + "."):
        return "the patch names the module itself, not one of its names"
    rest = ref.text[len(module) + 1 :]
    name, dot, tail = rest.partition(".")
    target = shim.names.get(name)
    if name in shim.unresolved or target is None or target.name is None:
        return f"{name} is not resolved to a name of one module"
    if target.definer is not None:
        inside = [
            r
            for r in analysis.refs
            if r.target == module and within(r.importer, target.module) and r.name in (name, None)
        ]
        if inside:
            return (
                f"{inside[0].path}:{inside[0].line} in {target.module}'s package would import "
                f"{name} from {target.definer.module} instead: one patch cannot reach both"
            )
    after = f"{target.module}.{target.name}{dot}{tail}"
    kind = "object" if ref.kind == OBJECT else "string"
    return PatchTarget(ref.location, module, ref.text, after, target.module, target.name, kind)


def _other_lookups(analysis: Analysis, module: str) -> list[Reference]:
    """References other than patches that may look names up through `module` at run time."""
    return [
        r
        for r in analysis.references_to([module])
        if r.target == module and r.blocks_deletion and r.kind not in PATCHES
    ]


def _broader(analysis: Analysis, target: PatchTarget) -> list[Note]:
    """Imports of the patched name from its new module, inside functions: the new patch
    reaches them, the old one did not."""
    owner, name = target.module, target.name
    return [
        Note(
            ref.importer,
            f"the patch of {target.after} ({target.location}, was {target.before}) also reaches "
            f"this import of {name} from {owner} inside a function, which the patch of "
            f"{target.before} did not",
            Location(ref.path, ref.line),
        )
        for ref in analysis.refs
        if ref.target == owner and ref.name == name and ref.stmt.in_function
    ]


def _bound(info: ModuleInfo, local: str) -> str | None:
    """The module an import of the file binds to `local` (`s` of `import a.shim as s`, `a.shim`
    of `import a.shim`, `shim` of `from a import shim`), if one does."""
    for stmt in info.facts.imports:
        base = absolute_base(info.name, info.source.is_package, stmt) if stmt.is_from else None
        for alias in stmt.names:
            if (alias.asname or alias.name) != local:
                continue
            if not stmt.is_from:
                return alias.name
            return f"{base}.{alias.name}" if base else None
    return None


def _object_patches(analysis: Analysis) -> list[Reference]:
    """`patch.object(s, "X")` and `setattr(s, "X", v)` where an import binds `s` to a module,
    as patches of `module.X`."""
    found: list[Reference] = []
    for info in (*analysis.index.modules.values(), *analysis.index.stubs.values()):
        for string in info.facts.strings:
            if string.kind != "patch.object":
                continue
            local, _, name = string.value.rpartition(".")
            module = _bound(info, local)
            if module is not None and analysis.index.is_module(module):
                where = Location(info.path, string.line)
                found.append(Reference(where, module, f"{module}.{name}", OBJECT))
    return found


def patch_references(analysis: Analysis) -> dict[str, list[Reference]]:
    """Tests' patches, by the module they name."""
    found: dict[str, list[Reference]] = {}
    for ref in analysis.code_references:
        if ref.kind in PATCHES:
            found.setdefault(ref.target, []).append(ref)
    for ref in _object_patches(analysis):
        found.setdefault(ref.target, []).append(ref)
    return found


def retarget(
    analysis: Analysis,
    shim: ShimModule,
    refs: list[Reference],
    conflicts: tuple[Kept, ...],
) -> Retargeting:
    """The patches of names through `shim` (`refs`), rewritten; or kept, each with why."""
    module = shim.module
    if not refs:
        return Retargeting()
    mine = [c for c in conflicts if c.subject == module]
    if mine:
        where = f" ({mine[0].location})" if mine[0].location else ""
        why = f"the rewrite keeps a lookup through it: {mine[0].reason}{where}"
        return Retargeting(kept=tuple(_frozen(module, ref, why) for ref in refs))
    others = _other_lookups(analysis, module)
    if others:
        other = others[0]
        why = f"a lookup through it may stay: {other.kind} {other.text!r} at {other.location}"
        return Retargeting(kept=tuple(_frozen(module, ref, why) for ref in refs))
    answers = [(ref, _why_not(analysis, shim, ref)) for ref in refs]
    refused = [(ref, why) for ref, why in answers if isinstance(why, str)]
    if refused:
        blocker, reason = refused[0]
        also = f"its patch at {blocker.location} stays ({reason}), so this one does too"
        kept = [_frozen(module, ref, why if isinstance(why, str) else also) for ref, why in answers]
        return Retargeting(kept=tuple(kept))
    targets = tuple(why for _, why in answers if isinstance(why, PatchTarget))
    notes = tuple(note for target in targets for note in _broader(analysis, target))
    return Retargeting(targets, notes, (), tuple(refs))


def unconfirmed(plan: RewritePlan) -> list[Kept]:
    """Patch targets whose name no longer goes where they point: `--resolve import` found the
    shim binds another object, or none, under that name. Their shim's patches stay."""
    found: list[Kept] = []
    for patch in plan.patches:
        shim = plan.shims.get(patch.shim)
        exported = patch.before[len(patch.shim) + 1 :].partition(".")[0]
        target = shim.names.get(exported) if shim is not None else None
        if target is None or (target.module, target.name) != (patch.module, patch.name):
            why = f"importing it does not confirm {exported} as {patch.module}.{patch.name}"
            found.append(Kept(patch.shim, why, patch.location))
    return found
