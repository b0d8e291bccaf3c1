"""`analyze` as one call: index, graph, references, verdicts and inventory of a tree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from unshim.codemods.analyze.graph import ImportRef, all_refs
from unshim.codemods.analyze.inventory import Keeps, PackageReport, grep_counts, package_reports
from unshim.codemods.analyze.references import (
    Reference,
    attribute_references,
    code_references,
    text_references,
)
from unshim.codemods.analyze.resolve import Resolver
from unshim.codemods.analyze.shims import Verdict, classify
from unshim.codemods.scan.build import Progress, start_index
from unshim.codemods.scan.cache import Cache
from unshim.codemods.scan.focus import Focus
from unshim.codemods.scan.index import Index, NotAnalyzed
from unshim.codemods.scan.sources import REFERENCE_FILES

# The deletion proof over an index, handed in (`codemods.delete.removal.proof_of`): the
# analysis sits below the delete stage, and DEAD means the proof lets the package go. It gets
# the index's imports and code references the analysis found, not to find them again.
Prover = Callable[[Index, Sequence[ImportRef], Sequence[Reference]], Keeps]


class Verdicts(Mapping[str, Verdict]):
    """Every module's verdict, each worked out the first time it is asked for: `apply --shim`
    needs a handful of them, `analyze` all."""

    def __init__(self, index: Index, resolver: Resolver, refs: tuple[ImportRef, ...]) -> None:
        self._index, self._resolver, self._refs = index, resolver, refs
        self._consumed: dict[str, frozenset[str]] | None = None
        self._known: dict[str, Verdict] = {}

    def __getitem__(self, module: str) -> Verdict:
        if module not in self._known:
            info = self._index.load(module, stubs=False)
            if info is None:
                raise KeyError(module)  # no such module, or it does not parse
            if self._consumed is None:
                self._consumed = consumed_names(list(self._refs))
            consumed = self._consumed.get(module, frozenset())
            self._known[module] = classify(self._index, self._resolver, info, consumed)
        return self._known[module]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._index.modules))

    def __len__(self) -> int:
        return len(self._index.modules)


@dataclass(frozen=True)
class Analysis:
    index: Index
    refs: tuple[ImportRef, ...]
    verdicts: Mapping[str, Verdict]
    not_analyzed: tuple[NotAnalyzed, ...]
    resolver: Resolver
    prover: Prover | None = None  # without it, DEAD means only that no import reaches it

    @cached_property
    def code_references(self) -> tuple[Reference, ...]:
        """Dotted strings in code that name a repository module."""
        return tuple(code_references(self.index))

    def references_to(self, targets: Sequence[str]) -> tuple[Reference, ...]:
        """Code strings, plus uses as attributes, configuration, prose and comments naming one
        of `targets`."""
        return (
            *self.code_references,
            *attribute_references(self.index, targets),
            *text_references(self.index, list(targets)),
        )

    @cached_property
    def _inventory(self) -> tuple[tuple[PackageReport, ...], tuple[Reference, ...]]:
        index, refs, verdicts = self.index, list(self.refs), dict(self.verdicts)
        references = list(self.code_references)
        greps = grep_counts(index, index.packages)
        provisional = package_reports(
            index, refs, verdicts, references, ".", greps, published=False
        )
        flagged = [p.name for p in provisional if p.status != "ACTIVE"]
        outermost = [
            p for p in flagged if not any(p != q and p.startswith(q + ".") for q in flagged)
        ]
        references.extend(text_references(index, outermost))
        keeps = self.prover(index, refs, self.code_references) if self.prover else None
        packages = package_reports(index, refs, verdicts, references, ".", greps, keeps)
        return tuple(packages), tuple(references)

    @property
    def packages(self) -> tuple[PackageReport, ...]:
        """The inventory, one report per package (worked out on first use)."""
        return self._inventory[0]

    @property
    def references(self) -> tuple[Reference, ...]:
        """Code strings, and configuration and prose naming a non-ACTIVE package."""
        return self._inventory[1]

    @property
    def cycles(self) -> tuple[str, ...]:
        found = []
        for verdict in self.verdicts.values():
            for reexport in verdict.reexports:
                if reexport.origin.cycle:
                    chain = " -> ".join(f"{m}.{n}" if n else m for m, n in reexport.origin.chain)
                    found.append(f"{verdict.path}:{reexport.line} {chain}")
        return tuple(found)


def consumed_names(refs: list[ImportRef]) -> dict[str, frozenset[str]]:
    """For each module, the names other modules import from it."""
    names: dict[str, set[str]] = defaultdict(set)
    for ref in refs:
        if ref.name and ref.name != "*" and ref.importer != ref.target:
            names[ref.target].add(ref.name)
    return {module: frozenset(found) for module, found in names.items()}


def analyze(
    root: Path,
    source_roots: tuple[str, ...] = (".",),
    exclude: tuple[str, ...] = (),
    jobs: int = 1,
    progress: Progress | None = None,
    focus: Focus | None = None,
    prover: Prover | None = None,
    reference_files: tuple[str, ...] = REFERENCE_FILES,
    cache_dir: Path | None = None,
    inventory: bool = False,
) -> Analysis:
    """The analysis of the tree at root; with `focus`, of the files that may name those
    modules (everything a job about them needs), other modules read only when asked for.
    `prover`: the deletion proof that a DEAD package must pass. `reference_files`: globs of
    the files whose text may name a module as configuration. `cache_dir`: the folder of the
    cache of per-file facts (`codemods.scan.cache`); None, no cache. `inventory`: the caller
    wants every verdict and the inventory, worked out here while the workers check grammar."""
    pending = start_index(
        root,
        source_roots,
        exclude,
        jobs=jobs,
        progress=progress,
        focus=focus,
        reference_files=reference_files,
        cache=Cache(cache_dir) if cache_dir is not None else None,
    )
    # The analysis of what was read overlaps the grammar check running in the workers; in the
    # rare tree where a file turns out not to compile, the analysis is done again without it.
    analysis = analyze_index(pending.index, prover)
    if pending.checking:
        analysis.resolver.hold()  # until the workers leave the cores to this process
    if inventory and pending.checking:
        # The verdicts and the inventory are lazy: left so, this process would only wait.
        analysis.packages  # noqa: B018
    checked = pending.result()
    analysis.resolver.release()
    return analysis if checked is analysis.index else analyze_index(checked, prover)


def analyze_index(index: Index, prover: Prover | None = None) -> Analysis:
    refs = tuple(all_refs(index))
    resolver = Resolver(index)
    verdicts = Verdicts(index, resolver, refs)
    return Analysis(index, refs, verdicts, index.not_analyzed, resolver, prover)
