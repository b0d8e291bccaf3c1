"""What still names a module that was removed: the regression guard behind `unshim check`.

A removed module (a shim the bot deleted, or one a team lists) must not come back: no import
may reach it, no string in code may name it (`import_module`, `mock.patch`, settings, the
templates the deletion proof reads), and no configuration or build manifest may name it. It is
the deletion proof read the other way round, for modules that are gone: they are not in the
index, so a name is matched by its spelling, never resolved.

Pure over an index: reads nothing but the configuration files the index lists.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from unshim.codemods.analyze.graph import absolute_base
from unshim.codemods.analyze.references import names_module, text_references
from unshim.codemods.names import from_base, within
from unshim.codemods.outcome import Location
from unshim.codemods.scan.index import Index, ModuleInfo
from unshim.codemods.scan.templates import COMPUTED, SUFFIX


@dataclass(frozen=True)
class Removal:
    """A module path that must not come back, and where its names live now (when known)."""

    module: str
    instead: str | None = None


@dataclass(frozen=True)
class Finding:
    location: Location
    removed: Removal
    kind: str  # "import", "string", "config", "manifest", or "unread" (a file not parsed)
    text: str  # what names it, as written

    @property
    def message(self) -> str:
        module = self.removed.module
        instead = f"; use {self.removed.instead} instead" if self.removed.instead else ""
        if self.kind == "import":
            return f"{self.text}: {module} was removed{instead}"
        if self.kind == "string":
            return f"the string {self.text!r} names {module}, which was removed{instead}"
        if self.kind == "unread":
            return (
                f"may name {module}, which was removed: unshim could not read this file "
                f"({self.text}){instead}"
            )
        where = "a build manifest" if self.kind == "manifest" else "configuration"
        return f"{where} names {module}, which was removed ({self.text}){instead}"


def parse_removal(entry: str) -> Removal:
    """`pkg.old` or `pkg.old=pkg.new`, as the configuration and `--removed` spell it."""
    old, _, new = entry.partition("=")
    return Removal(old.strip(), new.strip() or None)


def _removal_of(name: str, removals: tuple[Removal, ...]) -> Removal | None:
    """The removal `name` (a dotted module, or module.attribute) falls under, the most specific
    first."""
    found = [r for r in removals if within(name, r.module)]
    return max(found, key=lambda r: len(r.module)) if found else None


def _import_findings(info: ModuleInfo, removals: tuple[Removal, ...]) -> Iterable[Finding]:
    for stmt in info.facts.imports:
        where = Location(info.path, stmt.line)
        if not stmt.is_from:
            for alias in stmt.names:
                removal = _removal_of(alias.name, removals)
                if removal is not None:
                    yield Finding(where, removal, "import", f"import {alias.name}")
            continue
        base = absolute_base(info.name, info.source.is_package, stmt)
        if base is None:
            continue
        for alias in stmt.names:
            # `from pkg import old` imports the removed module pkg.old as much as `import
            # pkg.old` does; `from pkg.old import X` imports from it.
            named = base if alias.name == "*" else f"{base}.{alias.name}"
            removal = _removal_of(named, removals)
            if removal is not None:
                # As the file spells it, so that a search for it finds the line.
                spelled = "." * stmt.level + (stmt.module or "")
                yield Finding(where, removal, "import", f"from {spelled} import {alias.name}")


def _string_findings(info: ModuleInfo, removals: tuple[Removal, ...]) -> Iterable[Finding]:
    for ref in info.facts.strings:
        value = ref.value
        if ref.kind in (COMPUTED, SUFFIX):
            # A template's constant head names the package below which it computes names.
            value = value.split("%", 1)[0].split("{", 1)[0].rstrip(".")
        elif value.startswith("."):
            level = len(value) - len(value.lstrip("."))
            value = from_base(info.name, info.source.is_package, value[level:], level) or ""
        removal = _removal_of(value.partition(":")[0], removals) if value else None
        if removal is not None:
            yield Finding(Location(info.path, ref.line), removal, "string", ref.value)


def findings(
    index: Index, removals: Iterable[Removal], skip_config: Iterable[str] = ()
) -> tuple[Finding, ...]:
    """Every import, string and configuration line of the tree that names a removed module,
    in file order. `skip_config`: configuration files not to read (unshim's own `.unshim.toml`,
    which lists what was removed on purpose)."""
    wanted = tuple(dict.fromkeys(removals))
    if not wanted:
        return ()
    found: list[Finding] = []
    for info in (*index.modules.values(), *index.stubs.values()):
        found.extend(_import_findings(info, wanted))
        found.extend(_string_findings(info, wanted))
    for problem in (*index.not_analyzed, *index.late_problems):
        # A file unshim could not read may still import one: say so rather than pass it.
        try:
            text = (index.root / problem.path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            removal = next((r for r in wanted if names_module(line, r.module)), None)
            if removal is not None:
                found.append(
                    Finding(Location(problem.path, number), removal, "unread", problem.reason)
                )
    by_module = {r.module: r for r in wanted}
    skipped = set(skip_config)
    for reference in text_references(index, list(by_module)):
        if reference.kind in ("config", "manifest") and reference.location.path not in skipped:
            removal = by_module[reference.target]
            found.append(Finding(reference.location, removal, reference.kind, reference.text))
    return tuple(sorted(set(found), key=lambda f: (f.location, f.removed.module, f.kind)))


def by_files(found: Iterable[Finding], paths: Collection[str] | None) -> list[Finding]:
    """The findings in the given files only (all of them when `paths` is None)."""
    wanted = None if paths is None else set(paths)
    return [f for f in found if wanted is None or f.location.path in wanted]
