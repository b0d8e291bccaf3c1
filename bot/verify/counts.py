"""Import counts of a package in one analyzed tree: the exact count, the grep a reviewer would
run, and why the two differ. Pure functions of an Analysis and of the lines grep reads
(`codemods.scan.grep_lines`): `tree_counts` takes every package's counts from one pass over those
lines and one over the imports; `package_counts` is one package's.

The grep count is what the printed command prints in the tree: it reads every `*.py` file
there, those unshim could not parse, excludes or does not list included, byte for byte."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from unshim.bot.verify.checks import Counts, Gap
from unshim.codemods.analyze.analysis import Analysis
from unshim.codemods.analyze.graph import ImportRef
from unshim.codemods.names import within
from unshim.codemods.scan.grep_lines import GREP_ROOT, GrepTree, Spelled, grep_command

# Why grep and the exact count differ. bot.report words each one.
OWN = "own"  # grep counts the package's imports of itself
LOOKALIKE = "lookalike"  # grep counts `from app.compatibility` when looking for `app.compat`
TEXT = "text"  # grep counts comments, strings and docstrings that contain the phrase
PLAIN_IMPORT = "plain-import"  # grep misses `import app.compat.x`
RELATIVE = "relative"  # grep misses `from ..compat import x`
SPLIT = "split"  # grep misses `from` and the name on different lines or spaced differently
UNREAD = "unread"  # grep counts files unshim does not read (unparseable, excluded, not listed)


GrepLine = tuple[str, str, int, str]  # (module, path, line number, text) of a line grep counts


def _refs_into(analysis: Analysis, packages: set[str]) -> dict[str, list[ImportRef]]:
    """For each package, the imports that reach it from outside it, in the graph's order."""
    found: dict[str, list[ImportRef]] = {p: [] for p in packages}
    for ref in analysis.refs:
        parts = ref.target.split(".")
        for depth in range(1, len(parts) + 1):
            package = ".".join(parts[:depth])
            if package in packages and not within(ref.importer, package):
                found[package].append(ref)
    return found


def _grep_lines(
    analysis: Analysis, grep: GrepTree, packages: set[str]
) -> dict[str, list[GrepLine]]:
    """For each package, every line that its grep command prints, in one pass over the lines
    holding `from ` of the files grep reads. The module is the file's in the index, "" for a
    file the index does not hold."""
    index = analysis.index
    module_of = {i.path: i.name for i in (*index.modules.values(), *index.stubs.values())}
    spelled = Spelled(packages)
    found: dict[str, list[GrepLine]] = defaultdict(list)
    for path in sorted(grep.lines):
        module = module_of.get(path, "")
        for number, line in grep.lines[path]:
            for package in spelled(line):
                text = line.decode("utf-8", "replace")
                found[package].append((module, path, number, text))
    return found


def tree_counts(
    analysis: Analysis, grep: GrepTree, packages: Iterable[str], shims: tuple[str, ...] = ()
) -> dict[str, Counts]:
    """The counts of each of `packages` (packages or modules) in the analyzed tree, from one
    pass over the lines grep reads in it and one over its imports. `shims` are the shim layers
    being removed: their own imports of a package are counted apart."""
    wanted = set(packages)
    refs_of = _refs_into(analysis, wanted)
    lines_of = _grep_lines(analysis, grep, wanted)
    counts = {}
    for package in sorted(wanted):
        refs, lines = refs_of[package], lines_of.get(package, [])
        in_shims = [r for r in refs if any(within(r.importer, s) for s in shims)]
        statements = len({(r.path, r.line) for r in refs})
        counts[package] = Counts(
            package=package,
            present=analysis.index.is_module(package),
            # The inventory's definitions (`inventory.package_reports`): modules outside the
            # package that import it, and their distinct import statements.
            importers=len({r.importer for r in refs}),
            statements=statements,
            shim_importers=len({r.importer for r in in_shims}),
            shim_statements=len({(r.path, r.line) for r in in_shims}),
            grep=len(lines),
            grep_command=grep_command(package, GREP_ROOT),
            gaps=grep_gaps(package, refs, lines) if len(lines) != statements else (),
        )
    return counts


def package_counts(
    analysis: Analysis, grep: GrepTree, package: str, shims: tuple[str, ...] = ()
) -> Counts:
    """The counts of `package` (a package or a module) in the analyzed tree."""
    return tree_counts(analysis, grep, [package], shims)[package]


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


def grep_gaps(package: str, refs: list[ImportRef], lines: list[GrepLine]) -> tuple[Gap, ...]:
    """Line by line, what the grep counts that is not an import of the package from outside
    it, and which of those imports it misses."""
    found: dict[str, list[str]] = {}
    statement_lines = {(r.path, r.line): r for r in refs}
    seen: set[tuple[str, int]] = set()
    for module, path, number, line in lines:
        where = f"{path}:{number}"
        if not module:
            found.setdefault(UNREAD, []).append(where)
        elif within(module, package):
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
    order = (UNREAD, OWN, LOOKALIKE, TEXT, PLAIN_IMPORT, RELATIVE, SPLIT)
    return tuple(Gap(r, len(found[r]), found[r][0]) for r in order if r in found)
