"""Canonical resolution: follow a name through re-exports to the module that defines it.

Chains of shims, package `__init__` re-exports, star re-exports (by `__all__`, else public
names), `Alias = Name` renames, PEP 562 `__getattr__` forwarders and `sys.modules` aliases are
followed. A module outside the repository is an endpoint. A cycle is reported, not looped on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from codemods.analyze.graph import absolute_base
from codemods.scan.facts import ImportStmt
from codemods.scan.index import Index, ModuleInfo


@dataclass(frozen=True)
class Origin:
    """Where a name really lives."""

    module: str
    name: str | None  # None: the module object itself
    chain: tuple[tuple[str, str | None], ...]  # every (module, name) passed on the way, in order
    external: bool = False  # the endpoint is outside the repository
    found: bool = True  # False when the name is bound nowhere we can see
    cycle: bool = False
    # The name is bound by an import that may not run (try/except ImportError) or by several
    # imports chosen at run time (if/else, try/except): these are the candidates, and no one
    # of them is where the name lives.
    conditional: tuple[str, ...] = ()

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.name}" if self.name else self.module


class _Resolver:
    def __init__(self, index: Index) -> None:
        self.index = index
        self.cache: dict[tuple[str, str | None], Origin] = {}

    def info(self, module: str) -> ModuleInfo | None:
        return self.index.load(module)

    def resolve(
        self, module: str, name: str | None, seen: tuple[tuple[str, str | None], ...] = ()
    ) -> Origin:
        key = (module, name)
        if key in seen:
            return Origin(module, name, (*seen, key), cycle=True, found=False)
        if key in self.cache and not self.cache[key].cycle:
            cached = self.cache[key]
            return replace(cached, chain=(*seen, *cached.chain))
        origin = self._resolve(module, name, (*seen, key))
        if not seen and not origin.cycle:
            self.cache[key] = origin
        return origin

    def _resolve(
        self, module: str, name: str | None, chain: tuple[tuple[str, str | None], ...]
    ) -> Origin:
        info = self.info(module)
        if name is None:
            if info is None and module not in self.index.packages:
                return Origin(module, None, chain, external=True)
            # A module may itself be an alias of another one (sys.modules[__name__] = other).
            body = info.facts.body if info else None
            for statement in body.statements if body else ():
                if statement.kind == "sys_modules" and statement.target:
                    target = self._binding_module(info, statement.target)  # type: ignore[arg-type]
                    if target:
                        return self.resolve(target, None, chain)
            return Origin(module, None, chain)
        if info is None:
            if module in self.index.packages:  # a namespace package: only submodules live there
                sub = f"{module}.{name}"
                if self.index.is_module(sub):
                    return self.resolve(sub, None, chain)
                return Origin(module, name, chain, found=False)
            return Origin(module, name, chain, external=True)
        # A module with top-level code has no body on the fast path: its imports bind what it
        # re-exports, anything else it defines itself.
        body = info.facts.body
        if body is not None:
            for statement in reversed(body.statements):
                if statement.kind == "alias" and name in statement.names:
                    return self._follow_dotted(info, statement.target, chain)
            if name in body.defined:
                return Origin(module, name, chain)
        choices = self._conditional_bindings(info, name)
        if choices:
            return Origin(module, name, chain, found=False, conditional=choices)
        binding = self._import_binding(info, name)
        if binding is not None:
            target_module, target_name = binding
            return self.resolve(target_module, target_name, chain)
        if body is None and not self._star_sources(info):
            return Origin(module, name, chain)  # a module of real code binds it itself
        for source in self._star_sources(info):
            if name in self.exports(source):
                return self.resolve(source, name, chain)
        if body is not None:
            table = dict(body.table)
            if name in table:
                target = table[name]
                target_module, _, attr = target.partition(":")
                return self.resolve(target_module, attr or name, chain)
            for forward in body.forwards:
                return self.resolve(forward, name, chain)
            for statement in body.statements:
                if statement.kind == "sys_modules" and statement.target:
                    target = self._binding_module(info, statement.target)
                    if target:
                        return self.resolve(target, name, chain)
        sub = f"{module}.{name}"
        if self.index.is_module(sub):
            return self.resolve(sub, None, chain)
        if body is not None and name not in body.defined:
            return Origin(module, name, chain, found=False)
        return Origin(module, name, chain)

    def _binding_module(self, info: ModuleInfo, local: str) -> str | None:
        binding = self._import_binding(info, local.split(".")[0])
        if binding is None:
            return None
        target_module, target_name = binding
        dotted = f"{target_module}.{target_name}" if target_name else target_module
        rest = local.split(".")[1:]
        return ".".join([dotted, *rest])

    def _follow_dotted(
        self, info: ModuleInfo, dotted: str, chain: tuple[tuple[str, str | None], ...]
    ) -> Origin:
        head, *rest = dotted.split(".")
        choices = self._conditional_bindings(info, head)
        if choices:
            return Origin(info.name, dotted, chain, found=False, conditional=choices)
        binding = self._import_binding(info, head)
        if binding is None:
            return (
                self.resolve(info.name, head, chain)
                if not rest
                else Origin(info.name, dotted, chain, found=False)
            )
        origin = self.resolve(binding[0], binding[1], chain)
        for attr in rest:
            if origin.name is None:
                origin = self.resolve(origin.module, attr, origin.chain)
            else:
                return Origin(origin.module, f"{origin.name}.{attr}", origin.chain)
        return origin

    def _import_binding(self, info: ModuleInfo, name: str) -> tuple[str, str | None] | None:
        """(module, name) that a module-scope import binds `name` to; the last one wins."""
        found: tuple[str, str | None] | None = None
        for stmt in info.facts.imports:
            if stmt.in_function or stmt.in_class:
                continue
            result = self._binds(info, stmt, name)
            if result is not None:
                found = result
        return found

    def _conditional_bindings(self, info: ModuleInfo, name: str) -> tuple[str, ...]:
        """The targets of a name bound conditionally at module scope; () when it is not."""
        found: list[tuple[ImportStmt, tuple[str, str | None]]] = []
        for stmt in info.facts.imports:
            if stmt.in_function or stmt.in_class or stmt.type_checking:
                continue
            result = self._binds(info, stmt, name)
            if result is not None:
                found.append((stmt, result))
        targets = {f"{m}.{n}" if n else m for _, (m, n) in found}
        # A guarded import of an optional dependency may not run; one of a repository module
        # always does (its fallback is dead code).
        optional = any(stmt.guarded and not self.index.is_module(m) for stmt, (m, _) in found)
        if len(targets) > 1 or optional:
            return tuple(sorted(targets))
        return ()

    def _binds(
        self, info: ModuleInfo, stmt: ImportStmt, name: str
    ) -> tuple[str, str | None] | None:
        if not stmt.is_from:
            for alias in stmt.names:
                if alias.asname == name:
                    return alias.name, None
                if alias.asname is None and alias.name.split(".")[0] == name:
                    return name, None
            return None
        base = absolute_base(info.name, info.source.is_package, stmt)
        if base is None:
            return None
        for alias in stmt.names:
            if alias.name != "*" and (alias.asname or alias.name) == name:
                sub = f"{base}.{alias.name}"
                if self.index.is_module(sub):
                    return sub, None
                return base, alias.name
        return None

    def _star_sources(self, info: ModuleInfo) -> list[str]:
        sources = []
        for stmt in info.facts.imports:
            if stmt.is_from and not stmt.in_function and any(a.name == "*" for a in stmt.names):
                base = absolute_base(info.name, info.source.is_package, stmt)
                if base:
                    sources.append(base)
        return sources

    def exports(self, module: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
        """The names `from module import *` binds: `__all__`, else the public names."""
        if module in seen:
            return frozenset()
        info = self.info(module)
        body = self.index.body(module) if info else None
        if info is None or body is None:
            return frozenset()
        if body.all_names is not None:
            return frozenset(body.all_names)
        names = {n for n in body.defined if not n.startswith("_")}
        for statement in body.statements:
            if statement.kind == "alias":
                names.update(statement.names)
        for stmt in info.facts.imports:
            if stmt.in_function or stmt.in_class:
                continue
            for alias in stmt.names:
                if alias.name == "*":
                    base = absolute_base(info.name, info.source.is_package, stmt)
                    if base:
                        names |= self.exports(base, seen | {module})
                    continue
                local = alias.asname or alias.name.split(".")[0]
                if not local.startswith("_"):
                    names.add(local)
        return frozenset(names)


class Resolver:
    """Resolves names of one index, remembering what it has followed."""

    def __init__(self, index: Index) -> None:
        self._impl = _Resolver(index)
        self._index = index

    def binds(self, module: str, name: str) -> bool:
        """Whether `module` really binds `name` at module scope. Resolution takes a module of
        real code at its word (its body is not parsed on the fast path); a rewrite that is
        about to import the name from there asks this first, and parses the body if need be."""
        impl = self._impl
        info = impl.info(module)
        if info is None:
            return True  # outside the repository: not ours to check
        if self._index.defines(module, name):
            return True
        body = self._index.body(module)
        if body is None:
            return False
        if (
            name in body.defined
            or any(name in s.names for s in body.statements if s.kind in ("alias", "table"))
            or impl._import_binding(info, name) is not None
            or body.forwards
            or body.table
            or self._index.is_module(f"{module}.{name}")
        ):
            return True
        return any(name in impl.exports(source) for source in impl._star_sources(info))

    def resolve(self, module: str, name: str | None) -> Origin:
        return self._impl.resolve(module, name)

    def exports(self, module: str) -> frozenset[str]:
        return self._impl.exports(module)
