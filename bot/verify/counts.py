"""Import counts of a package in one analyzed tree: the exact count, the grep a reviewer would
run, and why the two differ. Pure functions of an Analysis."""

from __future__ import annotations

from collections.abc import Iterator

from bot.verify.checks import Counts, Gap
from codemods.analyze.analysis import Analysis
from codemods.analyze.graph import ImportRef
from codemods.analyze.inventory import grep_command, grep_count
from codemods.names import within

# Why grep and the exact count differ. bot.report words each one.
OWN = "own"  # grep counts the package's imports of itself
LOOKALIKE = "lookalike"  # grep counts `from app.compatibility` when looking for `app.compat`
TEXT = "text"  # grep counts comments, strings and docstrings that contain the phrase
PLAIN_IMPORT = "plain-import"  # grep misses `import app.compat.x`
RELATIVE = "relative"  # grep misses `from ..compat import x`
SPLIT = "split"  # grep misses `from` and the name on different lines or spaced differently
GREP_ROOT = "."


def _refs_into(analysis: Analysis, package: str) -> Iterator[ImportRef]:
    for ref in analysis.refs:
        if within(ref.target, package) and not within(ref.importer, package):
            yield ref


def package_counts(analysis: Analysis, package: str, shims: tuple[str, ...] = ()) -> Counts:
    """The counts of `package` (a package or a module) in the analyzed tree. `shims` are the
    shim layers being removed: their own imports of `package` are counted apart."""
    report = next((p for p in analysis.packages if p.name == package), None)
    refs = list(_refs_into(analysis, package))
    in_shims = [r for r in refs if any(within(r.importer, s) for s in shims)]
    if report is not None:
        importers, statements = len(report.importers), report.import_statements
        command, grep = report.grep_command, report.grep_count
    else:
        # Not a package of this tree (a module, or a package already deleted): the same
        # counting, over the import graph.
        importers = len({r.importer for r in refs})
        statements = len({(r.path, r.line) for r in refs})
        command, grep = grep_command(package, GREP_ROOT), grep_count(analysis.index, package)
    present = analysis.index.is_module(package)
    return Counts(
        package=package,
        present=present,
        importers=importers,
        statements=statements,
        shim_importers=len({r.importer for r in in_shims}),
        shim_statements=len({(r.path, r.line) for r in in_shims}),
        grep=grep,
        grep_command=command,
        gaps=grep_gaps(analysis, package, refs) if grep != statements else (),
    )


def _grep_lines(analysis: Analysis, package: str) -> Iterator[tuple[str, str, int, str]]:
    """(module, path, line number, text) of every line `grep_count` counts."""
    needle = f"from {package}"
    index = analysis.index
    for info in (*index.modules.values(), *index.stubs.values()):
        if needle not in info.text:
            continue
        for number, line in enumerate(info.text.splitlines(), 1):
            if needle in line:
                yield info.name, info.path, number, line


def _names_other(line: str, package: str) -> bool:
    """Every occurrence of `from package` on the line continues into a longer name."""
    needle = f"from {package}"
    start = line.find(needle)
    while start >= 0:
        end = start + len(needle)
        if end >= len(line) or not (line[end].isalnum() or line[end] == "_"):
            return False
        start = line.find(needle, end)
    return True


def grep_gaps(analysis: Analysis, package: str, refs: list[ImportRef]) -> tuple[Gap, ...]:
    """Line by line, what the grep counts that is not an import of the package from outside
    it, and which of those imports it misses."""
    found: dict[str, list[str]] = {}
    statement_lines = {(r.path, r.line): r for r in refs}
    seen: set[tuple[str, int]] = set()
    for module, path, number, line in _grep_lines(analysis, package):
        where = f"{path}:{number}"
        if within(module, package):
            found.setdefault(OWN, []).append(where)
        elif _names_other(line, package):
            found.setdefault(LOOKALIKE, []).append(where)
        elif (path, number) in statement_lines:
            seen.add((path, number))
        else:
            found.setdefault(TEXT, []).append(where)
    for key, ref in sorted(statement_lines.items()):
        if key in seen:
            continue
        reason = PLAIN_IMPORT if not ref.stmt.is_from else RELATIVE if ref.stmt.level else SPLIT
        found.setdefault(reason, []).append(f"{ref.path}:{ref.line}")
    order = (OWN, LOOKALIKE, TEXT, PLAIN_IMPORT, RELATIVE, SPLIT)
    return tuple(Gap(r, len(found[r]), found[r][0]) for r in order if r in found)
