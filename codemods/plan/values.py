"""The plan's values: what the user asked for, and what the rewrite and the deletion follow.

Frozen dataclasses handed from the plan to the rewrite and the deletion, and the parsing of a
`--move` argument. Nothing here reads the analysis, so the rewrite can import these without it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from unshim.codemods.outcome import Kept, Location, Note

DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


class PlanError(ValueError):
    """The request cannot be planned: nothing was changed (the CLI exits 2)."""


@dataclass(frozen=True)
class Schedule:
    """Library mode's settings (`codemods.plan.schedule`)."""

    kind: str | None = None  # "library", "application", or None: as the distribution says
    remove_in: Mapping[str, str] = field(default_factory=dict)  # shim -> version it goes in
    version: str | None = None  # the project's version, when the configuration gives it


@dataclass(frozen=True)
class PlanRequest:
    shims: tuple[str, ...] = ()  # dotted modules or packages whose imports are rewritten
    moves: tuple[tuple[str, str], ...] = ()  # (old, new) module prefixes
    auto: bool = False  # every pure shim module of the tree
    delete: tuple[str, ...] = ()  # packages handed to the deletion proof as well
    configured: bool = False  # the shims come from the configuration: one that is gone is done
    allow_missing_target: bool = False  # a --move may name a module the tree does not have yet
    # Library mode: which public shims stay for the library's users, and until when.
    schedule: Schedule = field(default_factory=Schedule)
    # Shims whose patch targets must stay as they are, with why: a rewrite kept a lookup through
    # them (`codemods.apply` plans again with these).
    patch_conflicts: tuple[Kept, ...] = ()


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
    # Where the name is defined, when `module` only re-exports it: what a consumer inside
    # `module`'s package imports instead (importing from its own package is a cycle).
    definer: Target | None = None


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
    # A star import of it that must keep binding every name (in a module that re-exports them)
    # becomes star imports of these modules; when there are none, `star_refusal` says why.
    star_sources: tuple[str, ...] = ()
    star_refusal: str = ""


@dataclass(frozen=True)
class PatchTarget:
    """A test's patch of a name looked up through a shim (`mock.patch("a.shim.X")`), and the
    target it gets once every lookup of the name through the shim is rewritten."""

    location: Location  # the line of the string literal
    shim: str  # the shim module the string names
    before: str  # the string's value, `a.shim.X`
    after: str  # `a.real.X`
    module: str  # where the name is looked up now, `a.real`
    name: str  # the patched name, `X`
    # "string": the literal is rewritten; "object": `patch.object(s, "X")`, whose `s` follows
    # the rewritten import of the module (kept when that import is)
    kind: str = "string"


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
    # What was taken that is not a shim, for the record: a public facade --shim names.
    taken: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()  # what bypassing a shim changes that blocks nothing
    patches: tuple[PatchTarget, ...] = ()  # patch strings rewritten with the imports

    def patches_in(self, path: str) -> tuple[PatchTarget, ...]:
        return tuple(p for p in self.patches if p.location.path == path)

    def patched(self, shim: str) -> PatchTarget | None:
        """A patch through `shim` that the rewrite retargets, if any."""
        return next((p for p in self.patches if p.shim == shim), None)

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
