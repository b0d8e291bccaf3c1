"""The program `--resolve import` runs with the target's interpreter: it imports each shim and
the modules its names may come from, and says, by object identity, where each name lives.

It is run as `python -B -c <this file's text>`, never imported by unshim: it must work on the
target's Python with the standard library alone, so it uses nothing of unshim's. Questions come
as JSON on stdin; the answers go, as JSON, on the last line of stdout after MARKER, so that what
the target's code prints while being imported cannot be mistaken for them.
"""

from __future__ import annotations

import importlib
import json
import sys
import traceback
import warnings
from typing import Any

MARKER = "@@unshim-answers@@ "
_MISSING = object()


def last_line(error: BaseException) -> str:
    return traceback.format_exception_only(type(error), error)[-1].strip()


def describe(value: Any) -> str:
    """What an object is, as a reviewer recognises it: `function pkg.mod.wrap.<locals>.inner`."""
    kind = type(value).__name__
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    if isinstance(module, str) and isinstance(qualname, str):
        return f"{kind} {module}.{qualname}"
    if kind == "module":
        return f"module {getattr(value, '__name__', '?')}"
    return f"a {kind} value"


def ambiguous(value: Any) -> bool:
    """Values Python shares between unrelated bindings (None, booleans, small ints, interned
    strings, empty tuples): finding one of them in a module proves nothing about where it lives."""
    if value is None or isinstance(value, bool) or any(value is v for v in ((), b"", "")):
        return True
    if isinstance(value, int) and -5 <= value <= 256:
        return True
    return isinstance(value, str) and (len(value) <= 1 or value.isidentifier())


def lookup(module: str, name: str | None) -> Any:
    imported = importlib.import_module(module)
    return imported if name is None else getattr(imported, name)


def where(value: Any, name: str, candidates: list[str]) -> str | None:
    """The first candidate module whose attribute `name` is `value` itself."""
    for candidate in candidates:
        try:
            imported = importlib.import_module(candidate)
        except BaseException:  # a candidate that does not import is no answer
            continue
        if getattr(imported, name, _MISSING) is value:
            return candidate
    return None


def answer_name(shim: Any, question: dict[str, Any], candidates: list[str]) -> dict[str, Any]:
    name = question["name"]
    try:
        value = getattr(shim, name)
    except BaseException as error:  # __getattr__ may raise anything
        return {"verdict": "missing", "module": None, "detail": last_line(error)}
    static = question["static"]
    if static is not None:
        try:
            expected = lookup(static[0], static[1])
        except BaseException as error:
            return {"verdict": "error", "module": None, "detail": last_line(error)}
        if value is expected:
            return {"verdict": "same", "module": static[0], "detail": ""}
        found = where(value, name, [c for c in candidates if c != static[0]])
        return {"verdict": "different", "module": found, "detail": describe(value)}
    if ambiguous(value):
        return {"verdict": "not found", "module": None, "detail": f"{value!r}: a shared value"}
    # The module a function or class says it was defined in comes last: private, most often.
    definer = getattr(value, "__module__", None)
    found = where(value, name, candidates + ([definer] if isinstance(definer, str) else []))
    return {"verdict": "found" if found else "not found", "module": found, "detail": ""}


def answer_shim(question: dict[str, Any]) -> dict[str, Any]:
    try:
        shim = importlib.import_module(question["module"])
    except BaseException as error:  # SystemExit from a module is an answer too
        return {"error": last_line(error), "names": {}}
    candidates = list(question["candidates"])
    names = {q["name"]: answer_name(shim, q, candidates) for q in question["names"]}
    return {"error": None, "names": names}


def main() -> None:
    questions = json.loads(sys.stdin.read())
    # The tree's source roots, not the folder it runs in, say where its modules are.
    sys.path[:] = [*questions["path"], *(p for p in sys.path if p != "")]
    output = sys.stdout
    sys.stdout = sys.stderr  # what the imported code prints is not an answer
    answers = {}
    # A deprecation warning on import is what a shim is expected to say: never an error here,
    # whatever -W or PYTHONWARNINGS asks.
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        for question in questions["shims"]:
            answers[question["module"]] = answer_shim(question)
    output.write("\n" + MARKER + json.dumps({"shims": answers}) + "\n")
    output.flush()


if __name__ == "__main__":
    main()
