"""The package inventory: for every package, its size, who imports it, and what it is."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from unshim.codemods.analyze.graph import ImportRef
from unshim.codemods.analyze.references import Reference, reaches_below
from unshim.codemods.analyze.shims import FACADE, NOT_A_SHIM, PURE, Verdict
from unshim.codemods.names import common_package, within
from unshim.codemods.outcome import Kept
from unshim.codemods.scan.distributions import Distribution, publisher
from unshim.codemods.scan.grep_lines import grep_command, grep_tree
from unshim.codemods.scan.grep_lines import grep_counts as count_lines
from unshim.codemods.scan.index import Index

ACTIVE, SHIM_LAYER, DEAD = "ACTIVE", "SHIM LAYER", "DEAD"
ENTRY_NAMES = frozenset({"tests", "test", "testing", "scripts", "bin", "tools", "examples", "docs"})
# How many of the proof's reasons a package that is not DEAD shows (the first, by file:line).
SHOWN_REASONS = 3


class Keeps(Protocol):
    """The deletion proof `analyze` asks of each package no import reaches: why it stays (none:
    it may go). `prefetch` reads what the proofs of the packages given will need, in one pass
    over the tree rather than one per package."""

    def __call__(self, package: str) -> Sequence[Kept]: ...

    def prefetch(self, packages: Sequence[str]) -> None: ...


@dataclass(frozen=True)
class PackageReport:
    name: str
    path: str  # the package's directory
    files: int
    lines: int
    importers: tuple[str, ...]  # modules outside the package that import something in it
    import_statements: int  # import statements outside the package that reach it
    grep_command: str
    grep_count: int
    subpackages: tuple[str, ...]
    status: str  # ACTIVE, SHIM LAYER or DEAD
    points_to: tuple[str, ...]  # for a shim layer: the packages its names really live in
    evidence: tuple[str, ...]
    dynamic: tuple[Reference, ...]  # blocking references that are not imports
    # No import reaches it but the deletion proof keeps it: why, with file:line (in evidence too)
    kept: tuple[str, ...] = ()


def grep_counts(index: Index, packages: Iterable[str]) -> dict[str, int]:
    """For each package, what its `grep_command` prints in the tree at the index's root: read
    from every file grep reads, those unshim does not parse, exclude or list among them."""
    return count_lines(grep_tree(index.root), packages)


def package_reports(
    index: Index,
    refs: list[ImportRef],
    verdicts: dict[str, Verdict],
    references: list[Reference],
    grep_root: str = ".",
    greps: dict[str, int] | None = None,
    keeps: Keeps | None = None,
    published: bool = True,
) -> list[PackageReport]:
    """One report per package, in dotted-name order. `greps`: counts already taken. `keeps`:
    the deletion proof; a package no import reaches is DEAD only when it lets the package go,
    else its evidence says why not, with file:line. `published`: a public package of a
    distribution the tree ships is not DEAD (False: the first pass, which must flag it so
    that the texts naming it are read)."""
    importers: dict[str, set[str]] = defaultdict(set)
    statements: dict[str, set[tuple[str, int]]] = defaultdict(set)
    packages = sorted(index.packages)
    for ref in refs:
        parts = ref.target.split(".")
        for depth in range(1, len(parts) + 1):
            package = ".".join(parts[:depth])
            if package in index.packages and not within(ref.importer, package):
                importers[package].add(ref.importer)
                statements[package].add((ref.path, ref.line))
    dynamic: dict[str, list[Reference]] = defaultdict(list)
    module_of = {i.path: n for t in (index.modules, index.stubs) for n, i in t.items()}
    for reference in references:
        if not reference.blocks_deletion:
            continue
        if reaches_below(index, reference):
            for package in index.packages:
                if package.startswith(reference.target + "."):
                    dynamic[package].append(reference)
        parts = reference.target.split(".")
        for depth in range(1, len(parts) + 1):
            package = ".".join(parts[:depth])
            if not within(module_of.get(reference.location.path, ""), package):
                dynamic[package].append(reference)
    reports = []
    greps = greps if greps is not None else grep_counts(index, packages)
    layers = {package: shim_layer(index, verdicts, package) for package in packages}

    def unimported(package: str) -> bool:
        """No import or dynamic reference reaches it, and nothing says it is run from outside
        (then only the distribution or the deletion proof can keep it)."""
        if importers[package] or dynamic[package] or "." not in package:
            return False
        return package.split(".")[-1] not in ENTRY_NAMES and not _has_main(index, package)

    if keeps is not None:
        # The packages the loop asks the proof about, read for in one pass.
        keeps.prefetch(
            [
                p
                for p in packages
                if unimported(p) and not layers[p][1] and not (published and _published(index, p))
            ]
        )
    for package in packages:
        members = [info for info in index.under(package)]
        stub_files = [p for p in index.files_under(package) if p.endswith(".pyi")]
        files = len(members) + len(stub_files)
        lines = sum(info.lines for info in members)
        subpackages = tuple(
            p for p in packages if p.startswith(package + ".") and "." not in p[len(package) + 1 :]
        )
        shim_modules, points_to = layers[package]
        evidence: list[str] = []
        kept: list[str] = []
        status = ACTIVE
        if points_to:
            status = SHIM_LAYER
            evidence.append(
                f"{len(shim_modules)} of {len(members)} modules only re-export names that live "
                f"in {', '.join(points_to)}"
            )
            evidence.extend(v.evidence[0] for v in shim_modules[:3] if v.evidence)
        if not importers[package] and not dynamic[package]:
            if not unimported(package):
                evidence.append(
                    "no importers inside the repository (an entry point or a "
                    "top-level package used from outside)"
                )
            elif status != SHIM_LAYER and published and (shipped := _published(index, package)):
                # Unused here is not unused: the distribution's users import it.
                evidence.append(
                    f"no importers inside the repository, but a public module of distribution "
                    f"{shipped.label} ({shipped.evidence}): outside users may import it"
                )
            elif status != SHIM_LAYER and keeps is not None and (why := keeps(package)):
                kept = not_dead(why)
                evidence.extend(kept)
            else:
                status = DEAD if status != SHIM_LAYER else status
                evidence.insert(
                    0,
                    "no module outside the package imports it, and no string, "
                    "entry point or configuration names it",
                )
                if status == SHIM_LAYER:
                    evidence.insert(0, "dead: nothing imports this shim layer")
        elif importers[package]:
            evidence.append(
                f"imported by {len(importers[package])} modules outside it "
                f"({len(statements[package])} import statements)"
            )
        directory = _package_dir(index, package)
        reports.append(
            PackageReport(
                name=package,
                path=directory,
                files=files,
                lines=lines,
                importers=tuple(sorted(importers[package])),
                import_statements=len(statements[package]),
                grep_command=grep_command(package, grep_root),
                grep_count=greps[package],
                subpackages=subpackages,
                status=status,
                points_to=points_to,
                evidence=tuple(evidence),
                dynamic=tuple(dynamic[package]),
                kept=tuple(kept),
            )
        )
    return reports


def not_dead(kept: Sequence[Kept]) -> list[str]:
    """Why a package nothing imports is not DEAD: the proof's first reasons, with file:line."""
    lines = [
        f"not dead: no module outside it imports it, but the deletion proof keeps it "
        f"({len(kept)} reason{'s' if len(kept) != 1 else ''})"
    ]
    for reason in kept[:SHOWN_REASONS]:
        where = f"{reason.location}: " if reason.location else ""
        lines.append(f"kept: {where}{reason.reason}")
    return lines


def shim_layer(
    index: Index, verdicts: Mapping[str, Verdict], package: str
) -> tuple[tuple[Verdict, ...], tuple[str, ...]]:
    """The package's modules that only re-export, and, when the package is a shim layer, the
    packages its names really live in (else ()): it has such modules, every other module of it
    is a facade or empty, and some of the names live outside it. Asks only the verdicts of the
    package's own modules."""
    members = list(index.under(package))
    shim_modules = [
        verdicts[m.name] for m in members if verdicts.get(m.name) and verdicts[m.name].kind == PURE
    ]
    others = [
        verdicts[m.name]
        for m in members
        if m.name in verdicts
        and verdicts[m.name].kind not in (PURE, FACADE)
        and not (
            verdicts[m.name].kind == NOT_A_SHIM
            and not verdicts[m.name].defined
            and m.facts.body is not None
            and not m.facts.imports
        )
    ]
    external_points = sorted(
        {t for v in shim_modules for t in v.points_to if not within(t, package)}
    )
    if not (shim_modules and not others and external_points):
        return tuple(shim_modules), ()
    points_to = tuple(sorted({common_package(external_points)} - {""})) or tuple(external_points)
    return tuple(shim_modules), points_to


def _has_main(index: Index, package: str) -> bool:
    return f"{package}.__main__" in index.modules


def _published(index: Index, package: str) -> Distribution | None:
    """The distribution that publishes `package`, judged by its `__init__` (or module) file."""
    info = index.modules.get(package) or index.stubs.get(package)
    return publisher(index.tree.distributions, info.path) if info is not None else None


def _package_dir(index: Index, package: str) -> str:
    info = index.modules.get(package)
    if info is not None and info.source.is_package:
        return info.path.rpartition("/")[0] or "."
    for name, other in sorted(index.modules.items()):
        if name.startswith(package + "."):
            depth = len(name.split(".")) - len(package.split("."))
            path = other.path.split("/")
            keep = len(path) - depth - (1 if other.source.is_package else 0)
            return "/".join(path[:keep]) or "."
    return package.replace(".", "/")
