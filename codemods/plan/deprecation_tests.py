"""A shim's own tests: imports of it run inside a `with` that expects its deprecation warning.

SymPy's `test_deprecated.py` does `with warns_deprecated_sympy(): import sympy.utilities.pytest`,
SciPy's `test_mio.py` `with assert_warns(DeprecationWarning): from ...miobase import X`. Such a
test exists to import the shim and see it warn; rewriting it to the real module makes it fail,
and deleting the shim breaks it. The plan leaves the whole file alone and keeps the shim.

A context manager counts when its name says it expects a warning: it contains `warn` or
`deprecat` (`warns`, `pytest.warns`, `assert_warns`, `assertWarns`, `deprecated_call`,
`warns_deprecated_sympy`). Managers that only silence warnings do not (`ignore_warnings`,
`suppress_warnings`, `filterwarnings`): the import there only wants the names, and the rewritten
one simply no longer warns. `warnings.catch_warnings()` is such a silencer, unless it records
(`catch_warnings(record=True)`): the recorded list is what a test asserts on.

Pure: it reads the text the index already holds.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection

from unshim.codemods.analyze.analysis import Analysis
from unshim.codemods.outcome import Kept, Location
from unshim.codemods.scan.collector import parse

EXPECTS = re.compile(r"warn|deprecat", re.IGNORECASE)
SILENCES = re.compile(r"^(?:ignore|suppress|filter|simplefilter)", re.IGNORECASE)


def _name(call: ast.expr) -> str:
    """The last name of a context manager's callee: `pytest.warns(...)` -> `warns`."""
    target = call.func if isinstance(call, ast.Call) else call
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def _records(call: ast.expr) -> bool:
    return isinstance(call, ast.Call) and any(
        k.arg == "record" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in call.keywords
    )


def expects_warning(manager: ast.expr) -> bool:
    """Does this context manager expect (assert, record) a warning rather than silence it?"""
    name = _name(manager)
    if name == "catch_warnings":
        return _records(manager)
    return bool(EXPECTS.search(name)) and not SILENCES.match(name)


def _bodies(statement: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists a compound statement holds (imports are never inside expressions,
    so these are the only places one can stand)."""
    bodies = [getattr(statement, name, None) for name in ("body", "orelse", "finalbody")]
    found = [body for body in bodies if isinstance(body, list)]
    for clause in getattr(statement, "handlers", ()) or getattr(statement, "cases", ()):
        found.append(clause.body)
    return found


def _warned_lines(body: list[ast.stmt], inside: bool, found: set[int]) -> None:
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            if inside:
                found.add(statement.lineno)
            continue
        within = inside
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            within = inside or any(expects_warning(i.context_expr) for i in statement.items)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            within = False  # a definition inside the `with` runs its imports later, outside it
        for inner in _bodies(statement):
            _warned_lines(inner, within, found)


def warned_import_lines(text: str) -> frozenset[int]:
    """Lines of the import statements that run inside a `with` expecting a warning."""
    if "with" not in text or not EXPECTS.search(text):  # no such `with`: nothing to parse
        return frozenset()
    try:
        tree = parse(text)
    except (SyntaxError, ValueError):
        return frozenset()
    found: set[int] = set()
    _warned_lines(tree.body, False, found)
    return frozenset(found)


def own_tests(analysis: Analysis, shims: Collection[str], skipped: Collection[str]) -> list[Kept]:
    """For each file that imports one of `shims` inside a `with` expecting its warning, one
    `Kept` per shim it imports so, at the first such line (the file's path is the location).
    `skipped`: modules of the layer itself, which are deleted or kept with it, not tests."""
    index = analysis.index
    texts = {i.path: i.text for t in (index.modules, index.stubs) for i in t.values()}
    lines: dict[str, frozenset[int]] = {}
    first: dict[tuple[str, str], int] = {}
    for ref in analysis.refs:
        if ref.importer in skipped:
            continue
        named = f"{ref.target}.{ref.name}" if ref.name and ref.name != "*" else ref.target
        shim = ref.target if ref.target in shims else named if named in shims else None
        # A direct statement of the module body stands in no `with`: its file need not be
        # parsed for this one (most imports are such, and test files are large).
        if shim is None or not ref.stmt.nested:
            continue
        if ref.path not in lines:
            lines[ref.path] = warned_import_lines(texts.get(ref.path, ""))
        if ref.line in lines[ref.path]:
            key = (shim, ref.path)
            first[key] = min(first.get(key, ref.line), ref.line)
    return [
        Kept(
            shim,
            # The location says where: the reason does not name the path a second time.
            "imported here by its own deprecation test (under a `with` that expects its "
            "warning); that file is left alone and the module stays",
            Location(path, line),
        )
        for (shim, path), line in sorted(first.items())
    ]
