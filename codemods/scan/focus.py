"""Which files a job about some modules must read, decided from their bytes alone.

`apply --shim a.b.c` is about the modules under `a.b.c`. A file outside that package can only
reach one of them by spelling `c`: `import a.b.c.m`, `from a.b import c`, `from .c import x`,
`from .. import c`, `a.b.c.m.X` after `import a.b`, the strings `"a.b.c.m"` and `"c"`, the path
`a/b/c`. A string naming a package above it (`"a.b"`) reaches it only through the import
machinery (`import_module("a.b." + name)`, a vendoring importer). Any other file cannot name the
job's modules at all, so the job need not read it: a substring search over its bytes is enough
to leave it out, where reading it means scanning its imports and checking its grammar.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

# Calls that load modules by computed names: a package named in the same file may lose any of
# its modules to them.
IMPORT_MACHINERY = ("import_module", "__import__", "meta_path", "find_spec", "VendorImporter")
_MACHINERY = tuple(word.encode() for word in IMPORT_MACHINERY)
_IDENTIFIER = rb"A-Za-z0-9_"
# A name right after a template's computed part (`"%s.formats"`, `"{}.tags"`, `f"{x}.tags"`,
# `x + ".formats"`): the constant tail of a computed module name (`codemods.scan.templates`).
_TAIL = re.compile(rb"(?:%[sdri]|%\(\w+\)[sdri]|\}|[\"'])\.([A-Za-z_]\w*)")
# The patterns above start with a look-behind or an alternation, so `re` tries them at every
# byte (most of a focused scan's time). Each gets a necessary condition that starts with a
# literal, which `re` finds far faster; the exact pattern runs only where it holds.


@lru_cache(maxsize=8)
def _tail_hint(components: frozenset[bytes]) -> re.Pattern[bytes]:
    """`.name` for a name of `components`, after what ends a template's computed part."""
    alternatives = b"|".join(re.escape(c) for c in sorted(components)) or b"(?!)"
    return re.compile(
        rb"\.(?:(?<=[}\"']\.)|(?<=%%[sdri]\.)|(?<=\)[sdri]\.))(?:%s)(?![%s])"
        % (alternatives, _IDENTIFIER)
    )


@dataclass(frozen=True)
class Focus:
    """The dotted modules or packages a job is about."""

    roots: tuple[str, ...]

    def covers(self, module: str) -> bool:
        """The module is one of the roots or lies under one."""
        return any(module == root or module.startswith(root + ".") for root in self.roots)

    @cached_property
    def _words(self) -> tuple[bytes, ...]:
        return tuple(sorted({root.rpartition(".")[2].encode() for root in self.roots}))

    @cached_property
    def _word(self) -> re.Pattern[bytes]:
        alternatives = b"|".join(re.escape(word) for word in self._words)
        return re.compile(rb"(?<![%s])(?:%s)(?![%s])" % (_IDENTIFIER, alternatives, _IDENTIFIER))

    @cached_property
    def _above(self) -> tuple[bytes, ...]:
        """Dotted packages above the roots (`a.b` for `a.b.c`); a top-level name alone loads
        nothing below it by computed names."""
        above: set[str] = set()
        for root in self.roots:
            parts = root.split(".")
            above.update(".".join(parts[:end]) for end in range(2, len(parts)))
        return tuple(sorted(name.encode() for name in above))

    def components(self, modules: Iterable[str]) -> frozenset[bytes]:
        """Every component of the dotted names of the `modules` the focus covers: the words
        a template's constant tail can start with when it names one of them."""
        return frozenset(part.encode() for m in modules if self.covers(m) for part in m.split("."))

    @cached_property
    def _head(self) -> re.Pattern[bytes]:
        """A package above a root (top level included) as a template's constant head:
        `"a.b.%s"`, `"a.b." + name`, `f"a.b.{name}"`."""
        above = {r.rsplit(".", end)[0] for r in self.roots for end in range(1, r.count(".") + 1)}
        alternatives = b"|".join(re.escape(name.encode()) for name in sorted(above)) or b"(?!)"
        return re.compile(rb"(?<![\w.])(?:%s)\.(?:%%|\{|[\"'])" % alternatives)

    @cached_property
    def _head_hint(self) -> re.Pattern[bytes]:
        """`_head` without its look-behind."""
        return re.compile(self._head.pattern.removeprefix(rb"(?<![\w.])"))

    def templated(self, data: bytes, components: frozenset[bytes]) -> bool:
        """Whether a file may name one of the roots by a template of a module path."""
        if self._head_hint.search(data) and self._head.search(data):
            return True
        if not _tail_hint(components).search(data):
            return False
        return any(m.group(1) in components for m in _TAIL.finditer(data))

    def wants(self, module: str, data: bytes) -> bool:
        """Whether a file (its module name and bytes) may name one of the roots: read it."""
        if self.covers(module):
            return True
        # `in` first: far faster than the pattern, which only confirms whole words.
        if any(word in data for word in self._words) and self._word.search(data):
            return True
        return any(name in data for name in self._above) and any(
            word in data for word in _MACHINERY
        )
