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
from dataclasses import dataclass

from codemods.analyze.graph import absolute_base
from codemods.analyze.resolve import Origin, Resolver
from codemods.names import package_of, within
from codemods.scan.facts import Body
from codemods.scan.index import Index, ModuleInfo

PURE, IMPURE, FACADE, NOT_A_SHIM = "pure shim", "impure", "facade", "not a shim"
FORWARDING_KINDS = frozenset(
    {"docstring", "import", "all", "warn", "alias", "getattr", "table", "sys_modules"}
)


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


def _exported_names(index: Index, resolver: Resolver, info: ModuleInfo) -> dict[str, int]:
    """Names this module hands on to importers, with the line that binds each."""
    body = info.facts.body
    names: dict[str, int] = {}
    for stmt in info.facts.imports:
        if stmt.in_function or stmt.in_class:
            continue
        for alias in stmt.names:
            if alias.name == "*":
                base = absolute_base(info.name, info.source.is_package, stmt)
                for name in sorted(resolver.exports(base) if base else ()):
                    names.setdefault(name, stmt.line)
                continue
            if stmt.is_from and alias.name == "annotations" and stmt.module == "__future__":
                continue
            local = alias.asname or alias.name.split(".")[0]
            if not local.startswith("_"):
                names.setdefault(local, stmt.line)
    if body is not None:
        for statement in body.statements:
            if statement.kind == "alias":
                for name in statement.names:
                    names[name] = statement.line
        for name, _ in body.table:
            names.setdefault(name, next(s.line for s in body.statements if s.kind == "table"))
        if body.all_names is not None:
            names = {n: line for n, line in names.items() if n in body.all_names} | {
                n: names.get(n, 0) for n in body.all_names
            }
    return names


def _helper_names(index: Index, info: ModuleInfo) -> set[str]:
    """Imported names a shim only uses for itself (`warnings`, `importlib`, `sys`)."""
    body = info.facts.body
    if body is None:
        return set()
    helpers = {"warnings", "importlib", "sys", "TYPE_CHECKING", "annotations", "typing"}
    if body.all_names is not None:
        helpers -= set(body.all_names)
    return helpers


def _describe(path: str, r: Reexport) -> str:
    note = " (outside the repository)" if r.origin.external else ""
    if r.origin.conditional:
        note = " (conditionally: one of " + ", ".join(r.origin.conditional) + ")"
    elif r.origin.cycle:
        note = " (import cycle: " + " -> ".join(m for m, _ in r.origin.chain) + ")"
    elif not r.origin.found:
        note = " (not found there)"
    return f"{path}:{r.line} re-exports {r.name} from {r.origin.dotted}{note}"


def classify(
    index: Index, resolver: Resolver, info: ModuleInfo, consumed: frozenset[str] = frozenset()
) -> Verdict:
    """The verdict on one module. `consumed`: names other modules import from this one."""
    body = info.facts.body  # None: the fast path saw top-level code, so it is no pure shim
    path = info.path
    imported = _imported_names(info)
    self_aliased = {
        a.asname
        for stmt in info.facts.imports
        for a in stmt.names
        if a.asname is not None and a.asname == a.name.split(".")[-1]
    }
    code_lines = _code_lines(path, body)
    if body is None or code_lines:
        # Real code here: only names it re-exports on purpose (`__all__`, `import X as X`), or
        # that others take from it, count as re-exports.
        if body is not None:
            listed = body.all_names
        elif "__all__" in info.text:
            listed = literal_all(info.text)
            if listed is None:  # not a plain list: the body says
                parsed = index.body(info.name)
                listed = parsed.all_names if parsed is not None else None
        else:
            listed = None
        wanted = set(listed or ()) | self_aliased | set(consumed)
        candidates = {n: line for n, line in imported.items() if n in wanted}
    else:
        candidates = _exported_names(index, resolver, info)
    helpers = _helper_names(index, info)
    reexports: list[Reexport] = []
    for name, line in sorted(candidates.items(), key=lambda item: (item[1], item[0])):
        if name in helpers:
            continue
        origin = resolver.resolve(info.name, name)
        if origin.module == info.name and origin.name == name and not origin.cycle:
            continue  # defined here
        reexports.append(Reexport(name, origin, line))
    elsewhere = [r for r in reexports if not _own(info, r.origin.module)]
    points_to = tuple(sorted({r.origin.module for r in elsewhere}))
    has_code = body is None or bool(code_lines)
    if body is None and elsewhere:
        # Impure: its body (parsed only now) says what it defines itself.
        body = index.body(info.name)
        code_lines = _code_lines(path, body)
    evidence: list[str] = []
    deprecated = False
    if body is not None:
        for statement in body.statements:
            if statement.kind == "warn":
                deprecated = True
                evidence.append(f"{path}:{statement.line} warns on import (deprecation)")
            elif statement.kind == "getattr" and "__getattr__" in statement.names:
                targets = ", ".join(body.forwards) or "a name table"
                evidence.append(f"{path}:{statement.line} __getattr__ forwards to {targets}")
            elif statement.kind == "sys_modules":
                evidence.append(f"{path}:{statement.line} aliases itself in sys.modules")
    evidence.extend(_describe(path, r) for r in reexports)
    forwards = body is not None and bool(body.forwards or body.table)
    if has_code:
        if elsewhere:
            kind = IMPURE
            first = code_lines[:3] or [f"{path}: has top-level code of its own"]
            evidence = first + evidence
        else:
            kind = NOT_A_SHIM
    elif elsewhere or (
        forwards and body is not None and not all(_own(info, f) for f in body.forwards)
    ):
        kind = PURE
    elif reexports:
        kind = FACADE
    else:
        kind = NOT_A_SHIM
    defined = tuple(body.defined) if body is not None else ()
    return Verdict(
        info.name, path, kind, tuple(reexports), defined, tuple(evidence), points_to, deprecated
    )


def _code_lines(path: str, body: Body | None) -> list[str]:
    if body is None:
        return []
    return [
        f"{path}:{s.line} defines {', '.join(s.names) or 'a statement'}"
        for s in body.statements
        if s.kind == "code"
    ]


ALL_LITERAL = re.compile(r"^__all__\s*(?::[^=]*)?=\s*([\[(][^\]\)]*[\])])", re.MULTILINE)


def literal_all(text: str) -> tuple[str, ...] | None:
    """A module's `__all__` when it is one plain list or tuple of strings, read without
    parsing the module; None when it is anything else."""
    found = ALL_LITERAL.findall(text)
    if len(found) != 1 or re.search(r"^__all__\s*(\+=|\.extend|\.append)", text, re.MULTILINE):
        return None
    try:
        value = ast.literal_eval(found[0])
    except (ValueError, SyntaxError):
        return None
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _own(info: ModuleInfo, origin: str) -> bool:
    """Whether a name living in `origin` is this module's own: a package re-exporting from
    inside itself, or a module re-exporting from a private sibling (`from ._impl import X`)."""
    if info.source.is_package:
        return within(origin, info.name)
    package = package_of(info.name, False)
    if origin == info.name or not package or not within(origin, package) or origin == package:
        return origin == info.name
    return origin[len(package) + 1 :].startswith("_")


def _imported_names(info: ModuleInfo) -> dict[str, int]:
    names: dict[str, int] = {}
    for stmt in info.facts.imports:
        if stmt.in_function or stmt.in_class:
            continue
        for alias in stmt.names:
            if alias.name != "*":
                names.setdefault(alias.asname or alias.name.split(".")[0], stmt.line)
    return names
