"""Exact resolution: follow a name from the module asked about through the modules that only
forward it, to the first module that is not a shim.

The module asked about is always looked through (the question is where *its* name comes
from). After that a name is followed only through modules without real code of their own;
it stops at a module of real code (its names are its API, whatever it imports them from: SymPy's
`sympy.utilities.iterables.cartes` stays there, never `itertools.product`), at a public facade
(a module whose name lives in its own package), and at a module outside the repository, which
is an endpoint only for a name imported from it explicitly (nothing is assumed of its star
exports or of a `__getattr__` that forwards to it). What each module binds comes from its
`Namespace` (`codemods.analyze.evaluation`). A cycle is reported, not looped on; a name bound
under try/except or if/else has no single home and says where it is bound.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace

from unshim.codemods.analyze.evaluation import Context, evaluate
from unshim.codemods.analyze.namespace import (
    NOT_CODE,
    Aliased,
    Binding,
    Conditional,
    Defined,
    Imported,
    Namespace,
)
from unshim.codemods.analyze.namespace_cache import NamespaceCache, Recorder
from unshim.codemods.names import package_of, within
from unshim.codemods.scan.collector import parse
from unshim.codemods.scan.index import Index, ModuleInfo

Chain = tuple[tuple[str, str | None], ...]
# The characters from which a module's namespace is kept between runs: a shorter module parses
# in less time than its entry takes to write and read (on SymPy 212 of the 375 modules whose
# namespace analyze needs are shorter, and parse in 16 ms together).
KEPT_FROM = 4096


@dataclass(frozen=True)
class Origin:
    """Where a name really lives."""

    module: str
    name: str | None  # None: the module object itself
    chain: Chain  # every (module, name) passed on the way, in order
    external: bool = False  # the endpoint is outside the repository
    found: bool = True  # False when the name is bound nowhere we can see
    cycle: bool = False
    # The name is bound by one of several statements chosen at run time (if/else,
    # try/except): these are the candidates, and no one of them is where the name lives.
    conditional: tuple[str, ...] = ()
    note: str = ""  # why it was not found or has no single home, with file:line

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.name}" if self.name else self.module


def own_module(module: str, is_package: bool, origin: str) -> bool:
    """Whether a name living in `origin` is the module's own: a package re-exporting from
    inside itself, or a module re-exporting from a private sibling (`from ._impl import X`)."""
    if is_package:
        return within(origin, module)
    package = package_of(module, False)
    if origin in (module, package) or not package or not within(origin, package):
        return origin == module
    return origin[len(package) + 1 :].startswith("_")


def _parsed(info: ModuleInfo) -> ast.Module | None:
    try:
        return parse(info.text, info.path)
    except (SyntaxError, ValueError, RecursionError):
        return None


class _Resolver:
    def __init__(self, index: Index) -> None:
        self.index = index
        self.caches: tuple[dict[tuple[str, str | None], Origin], ...] = ({}, {})
        self.spaces: dict[tuple[str, bool], Namespace | None] = {}
        self.trees: dict[str, ast.Module | None] = {}
        self.kept = NamespaceCache.beside(index.cache) if index.cache is not None else None

    def info(self, module: str) -> ModuleInfo | None:
        return self.index.load(module)

    def tree(self, info: ModuleInfo) -> ast.Module | None:
        """The module's tree, kept: for `helper`, which looks into few modules, often."""
        if info.path not in self.trees:
            self.trees[info.path] = _parsed(info)
        return self.trees[info.path]

    def namespace(self, module: str, stub: bool = False) -> Namespace | None:
        key = (module, stub)
        if key not in self.spaces:
            info = self.index.stubs.get(module) if stub else self.info(module)
            self.spaces[key] = self._evaluated(info, stub) if info is not None else None
        return self.spaces[key]

    def _evaluated(self, info: ModuleInfo, stub: bool) -> Namespace | None:
        """The module's namespace: kept by an earlier run whose answers still hold, else
        evaluated from its tree (None: it does not parse)."""
        module, path, is_package = info.name, info.path, info.source.is_package
        kept, key = self.kept if len(info.text) >= KEPT_FROM else None, ""
        if kept is not None:
            key = kept.key(module, path, is_package, stub, info.text)
            found = kept.get(key, module, path, self.index.is_module, self.helper_text)
            if found is not None:
                return found
        # The tree is dropped once evaluated, the namespace held: every tree of a large tree
        # would not fit (SymPy's hold some 400 MB).
        tree = _parsed(info)
        if tree is None:
            return None
        recorder = Recorder(self.index.is_module, self.helper, self.helper_text)
        space = evaluate(
            tree, Context(module, path, is_package, recorder.is_module, recorder.helper)
        )
        if kept is not None:
            kept.put(key, space, recorder)
        return space

    def helper_text(self, module: str) -> str | None:
        """The text `helper` looks into for a function of `module`."""
        info = self.index.load(module, stubs=False)
        return info.text if info is not None else None

    def helper(self, binding: Imported) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The `def` of a function a module of the repository defines at its top level."""
        info = self.index.load(binding.module, stubs=False)
        tree = self.tree(info) if info is not None else None
        for node in tree.body if tree is not None else ():
            if (
                isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and node.name == binding.name
            ):
                return node
        return None

    def resolve(self, module: str, name: str | None, seen: Chain = ()) -> Origin:
        key = (module, name)
        if key in seen:
            return Origin(module, name, (*seen, key), cycle=True, found=False)
        cache = self.caches[bool(seen)]
        cached = cache.get(key)
        if cached is not None and not any(step in seen for step in cached.chain):
            return replace(cached, chain=(*seen, *cached.chain))
        origin = self._resolve(module, name, (*seen, key), first=not seen)
        if not origin.cycle:
            cache[key] = replace(origin, chain=origin.chain[len(seen) :])
        return origin

    def _resolve(self, module: str, name: str | None, chain: Chain, first: bool) -> Origin:
        info = self.info(module)
        if info is None:
            if module not in self.index.packages:
                return Origin(module, name, chain, external=True)
            if name is None:
                return Origin(module, None, chain)
            sub = f"{module}.{name}"  # a namespace package: only submodules live there
            if self.index.is_module(sub):
                return self.resolve(sub, None, chain)
            return Origin(module, name, chain, found=False, note=f"no module {sub}")
        if (
            not first
            and name is not None
            and name not in NOT_CODE
            and self.index.defines(module, name)
        ):
            # Real code, which binds the name with a def or class of its own: what its namespace
            # would answer below, told without parsing the module.
            return Origin(module, name, chain)
        space = self.namespace(module)
        if space is None:
            return Origin(module, name, chain)  # does not parse: taken at its word
        if name is None:
            if space.module_alias is not None:  # sys.modules[__name__] = other
                target = self.module_of(space, space.module_alias[0], chain)
                if target is not None:
                    return self.resolve(target, None, chain)
            return Origin(module, None, chain)
        if not first and space.code:
            # Real code: a module, not a forwarding address; its names are its own API.
            return Origin(module, name, chain, found=self.bound(space, name))
        origin = self.through(space, name, chain)
        if (
            not first
            and not space.deprecated
            and origin.module != module
            and own_module(module, info.source.is_package, origin.module)
        ):
            return Origin(module, name, chain)  # a public facade over its own modules
        return origin

    def through(self, space: Namespace, name: str, chain: Chain) -> Origin:
        """Where `space` gets `name` from."""
        binding = space.bindings.get(name)
        stars = space.stars_after(binding.line) if binding is not None else space.stars
        for star in reversed(stars):
            if name in self.exports(star.source):
                return self.resolve(star.source, name, chain)
        if binding is not None:
            return self.follow(space, name, binding, chain)
        if space.module_alias is not None:
            target = self.module_of(space, space.module_alias[0], chain)
            if target is not None:
                return self.resolve(target, name, chain)
        forwarder = space.forwarder
        if forwarder is not None:
            return self._forwarded(space, name, chain)
        sub = f"{space.module}.{name}"
        if self.index.is_module(sub):
            return self.resolve(sub, None, chain)
        if any(not self.index.is_module(s.source) for s in space.stars):
            outside = ", ".join(s.source for s in space.stars if not self.index.is_module(s.source))
            note = f"{space.path}: a star import of {outside}, outside the repository"
            return Origin(space.module, name, chain, found=False, note=note)
        return Origin(space.module, name, chain, found=False)

    def _forwarded(self, space: Namespace, name: str, chain: Chain) -> Origin:
        forwarder = space.forwarder
        assert forwarder is not None
        where = f"{space.path}:{forwarder.line}"
        if forwarder.table:
            table = dict(forwarder.table)
            if name not in table:
                note = f"its __getattr__ at {where} looks names up in a table without {name}"
                return Origin(space.module, name, chain, found=False, note=note)
            target_module, _, attr = table[name].partition(":")
            return self.resolve(target_module, attr or name, chain)
        last: Origin | None = None
        for target in forwarder.targets:
            module = self.module_of(space, target, chain)
            if module is None:
                continue
            if not self.index.is_module(module):
                note = (
                    f"its __getattr__ at {where} forwards to {module}, outside the repository: "
                    f"unshim does not assume it has {name}"
                )
                last = Origin(module, name, chain, external=True, found=False, note=note)
                continue
            origin = self.resolve(module, name, chain)
            if origin.found or origin.conditional or origin.cycle:
                return origin
            last = origin
        if last is not None:
            return last
        note = f"its __getattr__ at {where} returns a value unshim cannot trace to a module"
        return Origin(space.module, name, chain, found=False, note=note)

    def follow(self, space: Namespace, name: str, binding: Binding, chain: Chain) -> Origin:
        if isinstance(binding, Defined):
            return Origin(space.module, name, chain)
        if isinstance(binding, Conditional):
            return self._conditional(space, name, binding, chain)
        if isinstance(binding, Imported):
            if binding.name is None:
                return self.resolve(binding.module, None, chain)
            sub = f"{binding.module}.{binding.name}"
            if self.index.is_module(sub):
                return self.resolve(sub, None, chain)
            return self.resolve(binding.module, binding.name, chain)
        head, *rest = binding.source.split(".")
        inner = space.bindings.get(head)
        if inner is None or inner is binding:
            return Origin(space.module, name, chain, found=False)
        if isinstance(inner, Conditional):
            return self._conditional(space, name, inner, chain)
        origin = self.follow(space, head, inner, chain)
        for attr in rest:
            if not origin.found or origin.cycle:
                return origin
            if origin.name is None:
                origin = self.resolve(origin.module, attr, origin.chain)
            else:
                origin = replace(origin, name=f"{origin.name}.{attr}")
        return origin

    def _conditional(
        self, space: Namespace, name: str, binding: Conditional, chain: Chain
    ) -> Origin:
        choices = tuple(sorted({self.describe(space, name, c) for c in binding.candidates}))
        note = f"{space.module} binds {name} under {binding.why} at {space.path}:{binding.line}"
        return Origin(space.module, name, chain, found=False, conditional=choices, note=note)

    def describe(self, space: Namespace, name: str, binding: Binding) -> str:
        if isinstance(binding, Imported):
            return f"{binding.module}.{binding.name}" if binding.name else binding.module
        if isinstance(binding, Aliased):
            return binding.source
        return f"{space.module}.{name} (line {binding.line})"

    def module_of(self, space: Namespace, binding: Binding, chain: Chain) -> str | None:
        """The module a binding holds, when it holds one."""
        if isinstance(binding, Imported):
            if binding.name is None:
                return binding.module
            sub = f"{binding.module}.{binding.name}"
            return sub if self.index.is_module(sub) else None
        if isinstance(binding, Aliased):
            origin = self.follow(space, "", binding, chain)
            return origin.module if origin.name is None and origin.found else None
        return None

    def bound(self, space: Namespace, name: str) -> bool:
        """Whether the module binds `name` at all (where from is another question)."""
        return (
            name in space.bindings
            or any(name in self.exports(s.source) for s in space.stars)
            or space.forwarder is not None
            or space.module_alias is not None
            or self.index.is_module(f"{space.module}.{name}")
        )

    def exports(self, module: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
        """The names `from module import *` binds: `__all__`, else the public names."""
        if module in seen:
            return frozenset()
        space = self.namespace(module)
        if space is None:
            return frozenset()
        if space.all_names is not None:
            return frozenset(space.all_names)
        names = {n for n in space.bindings if not n.startswith("_")}
        for star in space.stars:
            names |= self.exports(star.source, seen | {module})
        return frozenset(names)


class Resolver:
    """Resolves names of one index, remembering what it has followed."""

    def __init__(self, index: Index) -> None:
        self._impl = _Resolver(index)
        self._index = index

    def hold(self) -> None:
        """Keep back the namespaces this resolver would add to the cache until `release`
        (`NamespaceCache.hold`)."""
        if self._impl.kept is not None:
            self._impl.kept.hold()

    def release(self) -> None:
        if self._impl.kept is not None:
            self._impl.kept.release()

    def binds(self, module: str, name: str) -> bool:
        """Whether `module` really binds `name` at module scope (True outside the repository:
        not ours to check)."""
        impl = self._impl
        if impl.info(module) is None:
            return module not in self._index.packages or self._index.is_module(f"{module}.{name}")
        space = impl.namespace(module)
        return space is None or impl.bound(space, name)

    def resolve(self, module: str, name: str | None) -> Origin:
        return self._impl.resolve(module, name)

    def exports(self, module: str) -> frozenset[str]:
        return self._impl.exports(module)

    def namespace(self, module: str, stub: bool = False) -> Namespace | None:
        """What the module binds (with `stub`, what its `.pyi` binds), None when it does not
        parse or is not in the repository."""
        return self._impl.namespace(module, stub)

    def resolve_stub(self, module: str, name: str) -> Origin | None:
        """Where the module's `.pyi` says `name` comes from; None without a stub."""
        impl = self._impl
        space = impl.namespace(module, stub=True)
        if space is None:
            return None
        return impl.through(space, name, ((module, name),))
