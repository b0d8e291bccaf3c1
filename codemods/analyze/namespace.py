"""What a module binds at its top level, statement by statement evaluated (`Namespace`).

Each top-level name has one `Binding`, the last statement that binds it: imported from a module
(`Imported`), an alias of an attribute of something imported (`Aliased`), defined here by real
code (`Defined`), or bound by one of several statements chosen at run time (`Conditional`).
Names a module hands on without naming them come from its star imports (`Starred`), from a
PEP 562 `__getattr__` (`Forwarder`, the modules its return value is traced to) or from the
whole module being another one (`sys.modules[__name__] = M`, `module_alias`).

`codemods.analyze.evaluation` builds these from a module's `ast`; the resolver and the shim
verdicts read them. Module names here are absolute but not yet checked against the index:
`Imported("a", "b")` may be the attribute `b` of `a` or the submodule `a.b`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# The module-level functions that are no code of the module's own: PEP 562's hooks.
NOT_CODE = ("__getattr__", "__dir__")


@dataclass(frozen=True)
class Imported:
    """`from module import name` (name None: the module object, `import module`)."""

    module: str
    name: str | None
    line: int


@dataclass(frozen=True)
class Aliased:
    """`Alias = head.attr...` where `head` is a name bound at that point (`source` dotted)."""

    source: str
    line: int


@dataclass(frozen=True)
class Defined:
    """Bound by real code of this module: a def, a class, an assignment of a computed value."""

    line: int
    what: str  # "def", "class", "assignment", ...


@dataclass(frozen=True)
class Conditional:
    """Bound by one of several statements chosen at run time; no one of them is its home."""

    candidates: tuple[Imported | Aliased | Defined, ...]
    line: int
    why: str  # "try/except ImportError" or "if/else"


Binding = Imported | Aliased | Defined | Conditional


@dataclass(frozen=True)
class Starred:
    source: str  # the absolute module of `from source import *`
    line: int


@dataclass(frozen=True)
class Forwarder:
    """A PEP 562 `__getattr__`: the modules its return value is traced to, in order."""

    line: int
    targets: tuple[Imported, ...]  # () when the return value could not be traced
    table: tuple[tuple[str, str], ...] = ()  # name -> module, when it looks names up in a table
    deprecated: bool = False  # it warns (or calls a deprecation helper) before returning
    notice_lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class Namespace:
    module: str
    path: str
    bindings: Mapping[str, Binding]
    all_names: tuple[str, ...] | None  # the literal `__all__`, when there is one
    stars: tuple[Starred, ...] = ()
    forwarder: Forwarder | None = None
    module_alias: tuple[Imported | Aliased, int] | None = None  # sys.modules[__name__] = M
    notices: tuple[int, ...] = ()  # lines of top-level deprecation notices
    # Lines of real code (what each binds, or "a statement"): the module is impure there.
    code: tuple[tuple[int, str], ...] = field(default=())
    # Names the module's own plumbing uses (its notices, `__getattr__`, `sys.modules` line):
    # imported for itself, not handed on.
    helpers: frozenset[str] = frozenset()
    # `M.attr = ...` on the module of `module_alias`, by line: the shim's only lasting effect,
    # which a consumer importing `M` directly no longer causes.
    effects: tuple[tuple[int, str], ...] = ()

    @property
    def deprecated(self) -> bool:
        return bool(self.notices) or (self.forwarder is not None and self.forwarder.deprecated)

    @property
    def defined(self) -> tuple[str, ...]:
        """Top-level names real code binds here (private ones included)."""
        return tuple(
            name
            for name, binding in self.bindings.items()
            if isinstance(binding, Defined) and name != "__all__"
        )

    def stars_after(self, line: int) -> tuple[Starred, ...]:
        """Star imports below `line`: a name they bind replaces an earlier binding."""
        return tuple(s for s in self.stars if s.line > line)


def binding_line(binding: Binding) -> int:
    return binding.line
