"""What `--resolve import` asks of an import of the tree, and the answers, as plain values.

For every shim of the plan: each name's static answer (the module the rewrite would import it
from), to be confirmed by identity, and each name the static model could not place, to be found
among the modules the shim imports from and the packages above them, public ones first. Pure:
the questions come from the plan and the analysis, nothing is imported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from unshim.codemods.analyze.analysis import Analysis
from unshim.codemods.names import within
from unshim.codemods.plan.values import RewritePlan, ShimModule, Target

SAME, DIFFERENT, FOUND, NOT_FOUND, MISSING, ERROR = (
    "same",
    "different",
    "found",
    "not found",
    "missing",
    "error",
)


@dataclass(frozen=True)
class NameQuestion:
    name: str
    static: Target | None  # the static answer to confirm; None: find it by identity
    line: int  # where the shim binds (or hands out) the name, for messages


@dataclass(frozen=True)
class ShimQuestion:
    module: str
    path: str
    names: tuple[NameQuestion, ...]
    candidates: tuple[str, ...]  # where a name may live, best first
    layer: tuple[str, ...] = ()  # never an answer: the shim layer itself


@dataclass(frozen=True)
class NameAnswer:
    verdict: str  # SAME, DIFFERENT, FOUND, NOT_FOUND, MISSING or ERROR
    module: str | None  # where the shim's object was found
    detail: str  # what the object is, or the error's last line


@dataclass(frozen=True)
class ShimAnswer:
    error: str | None  # importing the shim failed: the error's last line
    names: Mapping[str, NameAnswer]


@dataclass(frozen=True)
class Reply:
    shims: Mapping[str, ShimAnswer]
    failure: str | None = None  # no answers at all: the process failed (timeout, crash)


def private(module: str) -> bool:
    return any(p.startswith("_") and not p.endswith("__") for p in module.split("."))


def ranked(modules: Iterable[str]) -> tuple[str, ...]:
    """Public modules first (no `_`-prefixed part), then the shortest: the import a person
    would write."""
    return tuple(sorted(set(modules), key=lambda m: (private(m), m.count("."), len(m), m)))


def _packages(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(len(parts), 0, -1)]


def candidates(analysis: Analysis, module: str, layer: Iterable[str]) -> tuple[str, ...]:
    """The modules the shim imports from, the packages above them and above the shim itself;
    never the shim layer."""
    index = analysis.index
    found: set[str] = set(_packages(module)[1:])
    for ref in analysis.refs:
        if ref.importer != module:
            continue
        named = f"{ref.target}.{ref.name}" if ref.name and ref.name != "*" else None
        for base in (ref.target, named):
            if base is not None and (base == ref.target or index.is_module(base)):
                found.update(_packages(base))
    layer = tuple(layer)
    return ranked(m for m in found if m != module and not any(within(m, s) for s in layer))


def _placeable(analysis: Analysis, module: str, name: str) -> bool:
    """The static model has no answer for `name` (rather than a reason to keep it: a
    conditional binding or a cycle, whose answer an import in this one environment would not
    settle)."""
    if "." in name:
        return False
    origin = analysis.resolver.resolve(module, name)
    return not origin.found and not origin.cycle and not origin.conditional


def shim_questions(
    analysis: Analysis,
    module: str,
    shim: ShimModule,
    layer: Iterable[str],
    lines: Mapping[str, int],
) -> ShimQuestion | None:
    names = [NameQuestion(n, t, lines.get(n, 0)) for n, t in sorted(shim.names.items())]
    names += [
        NameQuestion(n, None, lines.get(n, 0))
        for n in sorted(shim.unresolved)
        if _placeable(analysis, module, n)
    ]
    if not names:
        return None
    layer = tuple(layer)
    return ShimQuestion(
        module, shim.path, tuple(names), candidates(analysis, module, layer), (module, *layer)
    )


def questions(analysis: Analysis, plan: RewritePlan) -> tuple[ShimQuestion, ...]:
    layer = (*plan.shims, *plan.requested)
    asked = []
    for module, shim in sorted(plan.shims.items()):
        verdict = analysis.verdicts.get(module)
        lines = {
            k.reason.partition(" stays: ")[0]: k.location.line
            for k in plan.kept
            if k.subject == module and k.location is not None and " stays: " in k.reason
        }
        lines.update({r.name: r.line for r in verdict.reexports} if verdict is not None else {})
        question = shim_questions(analysis, module, shim, layer, lines)
        if question is not None:
            asked.append(question)
    return tuple(asked)


# --- the wire format ----------------------------------------------------------------------------


def to_json(asked: Iterable[ShimQuestion], path: Iterable[str]) -> dict[str, Any]:
    return {
        "path": list(path),
        "shims": [
            {
                "module": q.module,
                "candidates": list(q.candidates),
                "names": [
                    {
                        "name": n.name,
                        "static": [n.static.module, n.static.name] if n.static else None,
                    }
                    for n in q.names
                ],
            }
            for q in asked
        ],
    }


def reply_of(data: Any) -> Reply:
    """The probe's JSON as values; ValueError when it is not what the probe writes."""
    try:
        shims = {
            module: ShimAnswer(
                shim["error"],
                {
                    name: NameAnswer(str(a["verdict"]), a["module"], str(a["detail"]))
                    for name, a in shim["names"].items()
                },
            )
            for module, shim in data["shims"].items()
        }
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"unexpected answer from the import: {exc!r}") from None
    return Reply(shims)
