"""`analyze` as one call: index, graph, references, verdicts and inventory of a tree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from codemods.graph import ImportRef, all_refs
from codemods.index import Index, NotAnalyzed, Progress, start_index
from codemods.inventory import PackageReport, grep_counts, package_reports
from codemods.references import Reference, code_references, text_references
from codemods.resolve import Resolver
from codemods.shims import Verdict, classify_all


@dataclass(frozen=True)
class Analysis:
    index: Index
    refs: tuple[ImportRef, ...]
    verdicts: dict[str, Verdict]
    packages: tuple[PackageReport, ...]
    references: tuple[Reference, ...]  # code strings, configuration, and (for shims) prose
    not_analyzed: tuple[NotAnalyzed, ...]
    resolver: Resolver

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
) -> Analysis:
    pending = start_index(root, source_roots, exclude, jobs=jobs, progress=progress)
    # The analysis of what was read overlaps the grammar check running in the workers; in the
    # rare tree where a file turns out not to compile, the analysis is done again without it.
    analysis = analyze_index(pending.index)
    checked = pending.result()
    return analysis if checked is analysis.index else analyze_index(checked)


def analyze_index(index: Index) -> Analysis:
    refs = list(all_refs(index))
    resolver = Resolver(index)
    verdicts = classify_all(index, resolver, consumed_names(refs))
    references = code_references(index)
    grep_root = "."
    greps = grep_counts(index, index.packages)
    provisional = package_reports(index, refs, verdicts, references, grep_root, greps)
    flagged = [p.name for p in provisional if p.status != "ACTIVE"]
    outermost = [p for p in flagged if not any(p != q and p.startswith(q + ".") for q in flagged)]
    references.extend(text_references(index, outermost))
    packages = package_reports(index, refs, verdicts, references, grep_root, greps)
    return Analysis(
        index,
        tuple(refs),
        verdicts,
        tuple(packages),
        tuple(references),
        index.not_analyzed,
        resolver,
    )
