"""Why a module named by `--shim` is not rewritten as a shim: its verdict, and the line that
decides it, as the user reads it (`pkg/x.py:10: pkg.x: not a shim: defines f: real code`).

Pure functions of the analysis' verdicts (`codemods.analyze.shims.Verdict`), which they only
read: `codemods.plan.build` asks them about every module under a refused `--shim`.
"""

from __future__ import annotations

from unshim.codemods.analyze.analysis import Analysis
from unshim.codemods.analyze.resolve import Origin
from unshim.codemods.analyze.shims import FACADE, Reexport, Verdict
from unshim.codemods.outcome import Kept, Location


def _conditional(analysis: Analysis, verdict: Verdict) -> tuple[str, int, Origin] | None:
    """The first name it hands on that it binds only conditionally (`try: from fast import f`
    / `except ImportError: from slow import f`), with the line of its first binding."""
    info = analysis.index.load(verdict.module, stubs=False)
    if info is None:
        return None
    lines: dict[str, int] = {}
    for stmt in info.facts.imports:
        if stmt.nested and not (stmt.in_function or stmt.in_class):
            for alias in stmt.names:
                lines.setdefault(alias.asname or alias.name.split(".")[0], stmt.line)
    for name in sorted(analysis.resolver.exports(verdict.module) & set(lines)):
        origin = analysis.resolver.resolve(verdict.module, name)
        if origin.conditional:
            return name, lines[name], origin
    return None


def looks_like_a_shim(analysis: Analysis, verdict: Verdict) -> bool:
    """It hands on names bound elsewhere (re-exports, a `__getattr__` forwarder, a name table,
    a `sys.modules` alias, a conditional import), even if the verdict is that it is no shim to
    remove."""
    if verdict.reexports or verdict.kind == FACADE:
        return True
    if _conditional(analysis, verdict) is not None:
        return True
    body = analysis.index.body(verdict.module)
    forwarding = {"getattr", "table", "sys_modules"}
    return body is not None and any(s.kind in forwarding for s in body.statements)


def _reexport(r: Reexport) -> str:
    origin = r.origin
    if origin.conditional:
        return (
            f"binds {r.name} under try/except or if/else, to one of "
            f"{', '.join(origin.conditional)}: no single home"
        )
    if origin.cycle:
        return f"re-exports {r.name} through an import cycle: no home to point to"
    if not origin.found:
        return f"re-exports {r.name} from {origin.module}, which does not bind it"
    return f"re-exports {r.name} from {origin.dotted}"


def _why(analysis: Analysis, verdict: Verdict) -> tuple[str, int]:
    """(the reason, the line it points to)."""
    body = analysis.index.body(verdict.module)
    code = [s for s in body.statements if s.kind == "code"] if body is not None else []
    odd = [r for r in verdict.reexports if r.origin.conditional or r.origin.cycle]
    if odd:
        first = odd[0]
        return _reexport(first), first.line
    conditional = _conditional(analysis, verdict)
    if conditional is not None:
        name, line, origin = conditional
        return _reexport(Reexport(name, origin, line)), line
    if code:
        first_code = code[0]
        names = ", ".join(first_code.names)
        reexports = (
            "; it re-exports only names of its own package ("
            + _reexport(verdict.reexports[0])
            + ")"
            if verdict.reexports
            else ""
        )
        return (
            (f"defines {names}: real code" if names else "runs top-level code of its own")
            + reexports,
            first_code.line,
        )
    if verdict.kind == FACADE and verdict.reexports:
        first = verdict.reexports[0]
        return (
            f"{_reexport(first)}, inside its own package: a public facade, not a shim",
            first.line,
        )
    if verdict.evidence:
        return f"{verdict.evidence[0]}, but nothing it hands on lives elsewhere", 0
    if body is None:
        return "its body could not be read", 0
    return "re-exports nothing (no import it hands on, no code)", 0


def not_a_shim(analysis: Analysis, verdict: Verdict) -> Kept:
    """The module stays: its verdict, and why, at file:line."""
    why, line = _why(analysis, verdict)
    return Kept(
        verdict.module,
        f"{verdict.kind}: {why}; it stays",
        Location(verdict.path, line),
    )
