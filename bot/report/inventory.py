"""Renderings of `unshim analyze`: a terminal summary, the seed-style Markdown inventory, and
JSON for tools (schema: docs/analyze.schema.json). Pure functions of the Analysis."""

from __future__ import annotations

import json
from typing import Any

from unshim.codemods.analyze.analysis import Analysis
from unshim.codemods.analyze.inventory import ACTIVE, DEAD, SHIM_LAYER, PackageReport
from unshim.codemods.analyze.shims import IMPURE, PURE, Verdict

SCHEMA_VERSION = 1


def _shims(analysis: Analysis, kind: str) -> list[Verdict]:
    return [v for v in analysis.verdicts.values() if v.kind == kind]


def _flagged(analysis: Analysis) -> list[PackageReport]:
    """The outermost non-ACTIVE packages, each narrowed to the subpackage that holds all of its
    files but empty `__init__` files (`exchange/` around `exchange/mexc/`)."""
    by_name = {p.name: p for p in analysis.packages}
    flagged = [p for p in analysis.packages if p.status != ACTIVE]
    names = [p.name for p in flagged]
    shown = []
    for package in flagged:
        if any(package.name.startswith(n + ".") for n in names):
            continue
        while True:
            subs = [by_name[s] for s in package.subpackages if s in by_name]
            inner = [s for s in subs if s.status == package.status and s.lines >= package.lines - 2]
            if len(inner) != 1:
                break
            package = inner[0]
        shown.append(package)
    return shown


def _origin(reexport_dotted: str, external: bool, found: bool, cycle: bool) -> str:
    if cycle:
        return f"{reexport_dotted} (import cycle)"
    if not found:
        return f"{reexport_dotted} (not found)"
    return reexport_dotted + (" (outside the repository)" if external else "")


def text(analysis: Analysis) -> str:
    index = analysis.index
    pure, impure = _shims(analysis, PURE), _shims(analysis, IMPURE)
    lines = [
        f"{len(index.modules) + len(index.stubs)} files, {len(analysis.packages)} packages, "
        f"{len(pure)} pure shims, {len(impure)} impure shims, "
        f"{len(analysis.not_analyzed)} not analyzed",
        "",
        "Packages (importers: modules outside the package that import it; grep: the count of "
        '`grep -r "from PKG"`)',
        f"  {'STATUS':<11} {'PACKAGE':<48} {'FILES':>5} {'LINES':>6} {'IMPORTERS':>9} {'GREP':>5}",
    ]
    for package in analysis.packages:
        lines.append(
            f"  {package.status:<11} {package.name:<48} {package.files:>5} {package.lines:>6} "
            f"{len(package.importers):>9} {package.grep_count:>5}"
        )
    for package in _flagged(analysis):
        lines += ["", f"{package.status}: {package.name} ({package.path}/)"]
        if package.points_to:
            lines.append(f"  points to: {', '.join(package.points_to)}")
        lines += [f"  {e}" for e in package.evidence]
        lines.append(
            f"  importers: {len(package.importers)} exact ({package.import_statements} import "
            f"statements); grep: {package.grep_count}  [{package.grep_command}]"
        )
        for reference in package.dynamic:
            lines.append(
                f"  referenced by {reference.kind} at {reference.location}: {reference.text}"
            )
        by_name = {p.name: p for p in analysis.packages}
        for target in package.points_to:
            canonical = by_name.get(target)
            if canonical is not None:
                lines.append(
                    f"  {canonical.name}: {canonical.status}, importers: "
                    f"{len(canonical.importers)} exact ({canonical.import_statements} import "
                    f"statements); grep: {canonical.grep_count}  [{canonical.grep_command}]"
                )
    kept = [p for p in analysis.packages if p.kept]
    if kept:
        lines += ["", "Not dead: no import reaches them, but the deletion proof keeps them"]
        for package in kept:
            lines.append(f"  {package.name} ({package.path}/)")
            lines += [f"    {line}" for line in package.kept[1:]]
    if pure or impure:
        lines += ["", "Shim modules and where each name really lives"]
        for verdict in [*pure, *impure]:
            lines.append(f"  {verdict.module} ({verdict.kind}, {verdict.path})")
            for r in verdict.reexports:
                target = _origin(r.origin.dotted, r.origin.external, r.origin.found, r.origin.cycle)
                lines.append(f"    {r.name} -> {target}")
            if verdict.kind == IMPURE and verdict.defined:
                lines.append(f"    defined here: {', '.join(verdict.defined[:10])}")
    if analysis.cycles:
        lines += ["", "Import cycles among re-exports (not followed)"]
        lines += [f"  {cycle}" for cycle in analysis.cycles]
    if analysis.not_analyzed:
        lines += ["", "Not analyzed"]
        lines += [f"  {p.path}: {p.reason}" for p in analysis.not_analyzed]
    return "\n".join(lines) + "\n"


def markdown(analysis: Analysis) -> str:
    """The inventory as infrastructure documentation, in the shape of a cleanup plan's
    "Analysis Results"."""
    pure, impure = _shims(analysis, PURE), _shims(analysis, IMPURE)
    out = [
        "# Module inventory",
        "",
        f"Generated by `unshim analyze`: {len(analysis.index.modules)} modules in "
        f"{len(analysis.packages)} packages; {len(pure)} pure shim modules, {len(impure)} impure.",
        "",
        "## Analysis Results",
        "",
    ]
    for package in (
        _flagged(analysis)
        + [
            p
            for p in analysis.packages
            if p.status == ACTIVE and p.name.count(".") <= 3 and p.importers
        ][:20]
    ):
        mark = {ACTIVE: "ACTIVE", SHIM_LAYER: "SHIM LAYER", DEAD: "DEAD"}[package.status]
        out += [
            f"### `{package.name}`",
            "",
            f"- **Files**: {package.files} Python files, {package.lines} lines",
            f"- **Importers**: {len(package.importers)} modules outside the package "
            f"({package.import_statements} import statements)",
            f"- **Grep count**: {package.grep_count} (`{package.grep_command}`)",
        ]
        if package.subpackages:
            subs = ", ".join(s.rpartition(".")[2] + "/" for s in package.subpackages)
            out.append(f"- **Structure**: {subs}")
        status = f"- **Status**: {mark}"
        if package.points_to:
            status += f" — re-exports from `{'`, `'.join(package.points_to)}`"
        out.append(status)
        out += [f"- {e}" for e in package.evidence]
        for reference in package.dynamic:
            out.append(f"- Referenced by {reference.kind} at `{reference.location}`")
        out.append("")
    out += [
        "## All packages",
        "",
        "| Package | Status | Files | Lines | Importers | Grep |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for package in analysis.packages:
        out.append(
            f"| `{package.name}` | {package.status} | {package.files} | {package.lines} | "
            f"{len(package.importers)} | {package.grep_count} |"
        )
    kept = [p for p in analysis.packages if p.kept]
    if kept:
        out += [
            "",
            "## Not dead",
            "",
            "No import reaches them, but the deletion proof keeps them.",
            "",
        ]
        for package in kept:
            out += [f"- `{package.name}`: {line}" for line in package.kept[1:]]
    if pure or impure:
        out += [
            "",
            "## Shim modules",
            "",
            "| Module | Kind | Name | Really defined in |",
            "|---|---|---|---|",
        ]
        for verdict in [*pure, *impure]:
            for r in verdict.reexports:
                target = _origin(r.origin.dotted, r.origin.external, r.origin.found, r.origin.cycle)
                out.append(f"| `{verdict.module}` | {verdict.kind} | `{r.name}` | `{target}` |")
    out += [
        "",
        "## Why grep and the exact count can differ",
        "",
        "The grep counts lines that contain `from PKG`, including the package's imports of "
        "itself and longer names that start the same way; it misses `import PKG.mod` and "
        "relative imports; it reads files unshim does not analyze (they do not parse, or are "
        "excluded). The exact count is of import statements outside the package that reach "
        "it, in every form.",
    ]
    if analysis.not_analyzed:
        out += ["", "## Not analyzed", ""]
        out += [f"- `{p.path}`: {p.reason}" for p in analysis.not_analyzed]
    return "\n".join(out) + "\n"


def _reference(reference: Any) -> dict[str, Any]:
    return {
        "path": reference.location.path,
        "line": reference.location.line,
        "kind": reference.kind,
        "target": reference.target,
        "text": reference.text,
    }


def as_json(analysis: Analysis) -> dict[str, Any]:
    modules = []
    for verdict in analysis.verdicts.values():
        if verdict.kind not in (PURE, IMPURE):
            continue
        modules.append(
            {
                "name": verdict.module,
                "path": verdict.path,
                "kind": verdict.kind,
                "deprecated": verdict.deprecated,
                "reexports": [
                    {
                        "name": r.name,
                        "line": r.line,
                        "module": r.origin.module,
                        "attribute": r.origin.name,
                        "external": r.origin.external,
                        "found": r.origin.found,
                        "cycle": r.origin.cycle,
                        "chain": [f"{m}.{n}" if n else m for m, n in r.origin.chain],
                    }
                    for r in verdict.reexports
                ],
                "defined": list(verdict.defined),
                "points_to": list(verdict.points_to),
                "evidence": list(verdict.evidence),
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "root": str(analysis.index.root),
        "summary": {
            "files": len(analysis.index.modules) + len(analysis.index.stubs),
            "packages": len(analysis.packages),
            "pure_shims": len(_shims(analysis, PURE)),
            "impure_shims": len(_shims(analysis, IMPURE)),
            "shim_layers": sum(p.status == SHIM_LAYER for p in analysis.packages),
            "dead_packages": sum(p.status == DEAD for p in analysis.packages),
            "not_analyzed": len(analysis.not_analyzed),
        },
        "packages": [
            {
                "name": p.name,
                "path": p.path,
                "status": p.status,
                "files": p.files,
                "lines": p.lines,
                "importers": list(p.importers),
                "import_statements": p.import_statements,
                "grep": {"command": p.grep_command, "count": p.grep_count},
                "subpackages": list(p.subpackages),
                "points_to": list(p.points_to),
                "evidence": list(p.evidence),
                "references": [_reference(r) for r in p.dynamic],
            }
            for p in analysis.packages
        ],
        "modules": modules,
        "references": [_reference(r) for r in analysis.references],
        "cycles": list(analysis.cycles),
        "not_analyzed": [{"path": p.path, "reason": p.reason} for p in analysis.not_analyzed],
    }


def json_text(analysis: Analysis) -> str:
    return json.dumps(as_json(analysis), indent=2, sort_keys=False) + "\n"
