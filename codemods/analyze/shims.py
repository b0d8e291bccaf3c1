"""Shim classification: is a module only a forwarding address for names that live elsewhere?

A *pure shim*'s body is only a docstring, imports, `__all__`, `warnings.warn` deprecations,
`Alias = ImportedName`, a PEP 562 `__getattr__` forwarder (with its name table) and `sys.modules`
aliases, and what it exports really lives outside its own package. A module that re-exports only
from inside its own package is a public facade, not a shim. A module with real code beside
re-exports is *impure*.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass

from unshim.codemods.analyze.namespace import Defined, Namespace
from unshim.codemods.analyze.resolve import Origin, Resolver, own_module
from unshim.codemods.scan.index import Index, ModuleInfo

PURE, IMPURE, FACADE, NOT_A_SHIM = "pure shim", "impure", "facade", "not a shim"
# Modules a shim imports for itself; a name it hands on only when it lists or others take it.
PLUMBING = frozenset({"warnings", "importlib", "sys", "typing", "TYPE_CHECKING"})


@dataclass(frozen=True)
class Reexport:
    name: str  # the name as the shim exports it
    origin: Origin
    line: int  # where the shim binds it


@dataclass(frozen=True)
class Verdict:
    module: str
    path: str
    kind: str  # PURE, IMPURE, FACADE or NOT_A_SHIM
    reexports: tuple[Reexport, ...]
    defined: tuple[str, ...]  # names defined here by real code
    evidence: tuple[str, ...]  # "path:line what" lines that justify the verdict
    points_to: tuple[str, ...]  # packages/modules the re-exported names really live in
    deprecated: bool = False

    @property
    def is_shim(self) -> bool:
        return self.kind in (PURE, IMPURE)


def _describe(path: str, r: Reexport) -> str:
    note = " (outside the repository)" if r.origin.external else ""
    if r.origin.conditional:
        note = " (conditionally: one of " + ", ".join(r.origin.conditional) + ")"
    elif r.origin.cycle:
        note = " (import cycle: " + " -> ".join(m for m, _ in r.origin.chain) + ")"
    elif not r.origin.found:
        note = " (not found there)"
    return f"{path}:{r.line} re-exports {r.name} from {r.origin.dotted}{note}"


def _quick_no(index: Index, info: ModuleInfo, consumed: frozenset[str]) -> bool:
    """Surely not a shim, told without parsing: the fast path saw top-level code, and no name
    it imports or may assign is listed, re-exported as itself or taken by another module."""
    if info.facts.body is not None or "__getattr__" in info.text or "sys.modules" in info.text:
        return False
    imported: set[str] = set()
    self_aliased: set[str] = set()
    for stmt in info.facts.imports:
        if stmt.in_function or stmt.in_class:
            continue
        for alias in stmt.names:
            if alias.name == "*":
                return False
            imported.add(alias.asname or alias.name.split(".")[0])
            if alias.asname is not None and alias.asname == alias.name.split(".")[-1]:
                self_aliased.add(alias.asname)
    listed: tuple[str, ...] = ()
    if "__all__" in info.text:
        found = literal_all(info.text)
        if found is None:
            return False
        listed = found
    handed = set(listed) | self_aliased | set(consumed)
    if imported & handed:
        return False
    heads = _Heads(info)
    return not any(_assigned(info.text, name, heads) for name in handed)


class _Heads:
    """The names an alias in the module may start from to reach another module's: a name any
    import binds (at any depth), or one a line assigns (which may be an alias itself)."""

    def __init__(self, info: ModuleInfo) -> None:
        self._info = info
        self._names: set[str] | None = None

    def __contains__(self, name: object) -> bool:
        if self._names is None:
            imports = self._info.facts.imports
            self._names = {a.asname or a.name.split(".")[0] for i in imports for a in i.names}
            self._names.update(_ASSIGNED_NAME.findall(self._info.text))
        return name in self._names


def _assigned(text: str, name: str, heads: _Heads) -> bool:
    """Whether a line may bind the name to what another module holds: `name = a.b` where `a`
    is imported or an alias (`igcd2 = math.gcd`), `name = import_module("x")`, `name: T = a.b`,
    at any indent or after a `;`; a value that goes on to the next line may be one too. Such a
    binding hands on another module's name as an import does. Lines of code only start so; a
    string's may too, and then the module's body says."""
    at = text.find(name)
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        end = at + len(name)
        before = text[start:at].rstrip(" \t")
        if (not before or before.endswith(";")) and (end == len(text) or not _word(text[end])):
            stop = text.find("\n", end)
            found = _ASSIGNMENT.match(text, end, stop if stop >= 0 else len(text))
            if found is not None:
                value = found.group(1).split(";", 1)[0].split("#", 1)[0].strip()
                alias = _ALIAS_VALUE.fullmatch(value)
                if "import" in value or (alias and (not alias["head"] or alias["head"] in heads)):
                    return True
        at = text.find(name, end)
    return False


# `= value` or `: annotation = value` after the name (a docstring's `name : type` is neither).
_TO_VALUE = r"[ \t]*(?::[^=\n]*)?=(?!=)"
_ASSIGNMENT = re.compile(_TO_VALUE + "(.*)")
# A dotted name (its first name is `head`), or the start of a value that goes on past the line.
_ALIAS_VALUE = re.compile(r"\(*\s*(?P<head>[^\W\d]\w*)[\w.]*\s*\)*|[(\[{]*|.*\\")
# A name a line starts to assign, as `_assigned` reads lines.
_ASSIGNED_NAME = re.compile(r"(?:^|;)[ \t]*([^\W\d]\w*)" + _TO_VALUE, re.MULTILINE)


def _word(character: str) -> bool:
    return character.isalnum() or character == "_"


def _wanted(
    resolver: Resolver, space: Namespace, consumed: frozenset[str], self_aliased: set[str]
) -> dict[str, int]:
    """The names the module hands on, with the line that binds each: a module of real code
    hands on what it lists, re-exports as itself (`import X as X`) or others take from it; a
    forwarding module every public name it binds (or its `__all__`)."""
    lines = {name: binding.line for name, binding in space.bindings.items()}
    for star in space.stars:
        for name in resolver.exports(star.source):
            if name not in lines or lines[name] < star.line:
                lines[name] = star.line
    if space.forwarder is not None:
        for name in {*consumed, *(n for n, _ in space.forwarder.table)}:
            lines.setdefault(name, space.forwarder.line)
    if space.code or space.all_names is not None:
        wanted = set(space.all_names or ()) | set(consumed) | self_aliased
    else:
        plumbing = space.helpers | PLUMBING
        wanted = {n for n in lines if not n.startswith("_") and n not in plumbing}
        wanted |= set(consumed)
        if space.forwarder is not None:
            wanted |= {n for n, _ in space.forwarder.table}
    return {
        name: lines.get(name, 0)
        for name in wanted
        if not isinstance(space.bindings.get(name), Defined) and name != "annotations"
    }


def _self_aliased(info: ModuleInfo) -> set[str]:
    """Names imported `as` themselves (`from x import Y as Y`): re-exported on purpose."""
    return {
        alias.asname
        for stmt in info.facts.imports
        if not (stmt.in_function or stmt.in_class)
        for alias in stmt.names
        if alias.asname is not None and alias.asname == alias.name.split(".")[-1]
    }


def classify(
    index: Index, resolver: Resolver, info: ModuleInfo, consumed: frozenset[str] = frozenset()
) -> Verdict:
    """The verdict on one module. `consumed`: names other modules import from this one."""
    path = info.path
    space = None if _quick_no(index, info, consumed) else resolver.namespace(info.name)
    if space is None:
        return Verdict(info.name, path, NOT_A_SHIM, (), (), (), ())
    package = info.source.is_package
    reexports: list[Reexport] = []
    for name, line in sorted(
        _wanted(resolver, space, consumed, _self_aliased(info)).items(), key=_by_line
    ):
        origin = resolver.resolve(info.name, name)
        if origin.module == info.name and origin.name == name and not origin.cycle:
            continue  # defined here, or bound here in a way that has no other home
        reexports.append(Reexport(name, origin, line))
    elsewhere = [r for r in reexports if not own_module(info.name, package, r.origin.module)]
    own = [r for r in reexports if r not in elsewhere]
    forwarded = _forwarded_modules(index, resolver, space)
    forwards_away = any(not own_module(info.name, package, m) for m in forwarded)
    evidence = [f"{path}:{line} warns on import (deprecation)" for line in space.notices]
    evidence.extend(_forwarding_evidence(space, forwarded))
    evidence.extend(_describe(path, r) for r in reexports)
    defined = tuple(
        n for n, b in space.bindings.items() if isinstance(b, Defined) and b.what != "constant"
    )
    if space.code:
        kind = IMPURE if elsewhere else NOT_A_SHIM
        if elsewhere:
            evidence = [f"{path}:{line} defines {what}" for line, what in space.code[:3]] + (
                evidence
            )
    elif (space.deprecated and (reexports or forwarded)) or (
        (elsewhere or forwards_away) and not own
    ):
        # A deprecated forwarding module is a shim wherever its names live; one that says
        # nothing is, only when none of its names is its own package's.
        kind = PURE
    elif reexports or forwarded:
        kind = FACADE  # its names live in its own package, or it says nothing is deprecated
    else:
        kind = NOT_A_SHIM
    points_to = tuple(sorted({r.origin.module for r in elsewhere}))
    return Verdict(
        info.name, path, kind, tuple(reexports), defined, tuple(evidence), points_to,
        space.deprecated,
    )  # fmt: skip


def _by_line(item: tuple[str, int]) -> tuple[int, str]:
    return item[1], item[0]


def _forwarded_modules(index: Index, resolver: Resolver, space: Namespace) -> tuple[str, ...]:
    """The modules a `__getattr__` or a `sys.modules` alias hands the module's names to."""
    found: list[str] = []
    for target in space.forwarder.targets if space.forwarder is not None else ():
        if target.name is None:
            found.append(target.module)
        elif index.is_module(f"{target.module}.{target.name}"):
            found.append(f"{target.module}.{target.name}")
    if space.module_alias is not None:
        origin = resolver.resolve(space.module, None)
        if origin.module != space.module:
            found.append(origin.module)
    return tuple(dict.fromkeys(found))


def _forwarding_evidence(space: Namespace, forwarded: tuple[str, ...]) -> list[str]:
    found = []
    if space.forwarder is not None:
        line = space.forwarder.line
        if space.forwarder.table:
            found.append(f"{space.path}:{line} __getattr__ forwards through a name table")
        elif space.forwarder.targets:
            targets = ", ".join(
                f"{t.module}.{t.name}" if t.name else t.module for t in space.forwarder.targets
            )
            found.append(f"{space.path}:{line} __getattr__ forwards to {targets}")
        else:
            found.append(
                f"{space.path}:{line} __getattr__ returns a value unshim cannot trace to a module"
            )
        found.extend(
            f"{space.path}:{n} warns on access (deprecation)" for n in space.forwarder.notice_lines
        )
    if space.module_alias is not None:
        found.append(f"{space.path}:{space.module_alias[1]} aliases itself in sys.modules")
        found.extend(
            f"{space.path}:{line} sets {attribute} on that module when imported (a side effect)"
            for line, attribute in space.effects
        )
    return found


ALL_LITERAL = re.compile(r"^__all__\s*(?::[^=]*)?=\s*([\[(][^\]\)]*[\])])", re.MULTILINE)


def literal_all(text: str) -> tuple[str, ...] | None:
    """A module's `__all__` when it is one plain list or tuple of strings, read without
    parsing the module; None when it is anything else."""
    found = ALL_LITERAL.findall(text)
    if len(found) != 1 or re.search(r"^__all__\s*(\+=|\.extend|\.append)", text, re.MULTILINE):
        return None
    try:
        with warnings.catch_warnings():  # `"\d"` in it warns about the tree, not unshim
            warnings.simplefilter("ignore")
            value = ast.literal_eval(found[0])
    except (ValueError, SyntaxError):
        return None
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None
