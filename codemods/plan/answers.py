"""The plan after `--resolve import`: the answers of an import of the tree applied to it.

A static answer the import confirms stands. One it contradicts is taken back: the name stays
imported from the shim, and the reason names the shim's line and both answers. A name the static
model could not place is rewritten to the module whose attribute is the shim's very object. When
the shim does not import (or the import as a whole fails) every import of it stays. Pure.
"""

from __future__ import annotations

from dataclasses import replace

from unshim.codemods.names import within
from unshim.codemods.outcome import Kept, Location
from unshim.codemods.plan.questions import (
    FOUND,
    SAME,
    NameAnswer,
    NameQuestion,
    Reply,
    ShimQuestion,
)
from unshim.codemods.plan.values import RewritePlan, ShimModule, Target


def _static(target: Target) -> str:
    return f"{target.module}.{target.name}" if target.name else target.module


def _contradiction(shim: str, question: NameQuestion, answer: NameAnswer) -> str:
    assert question.static is not None
    static = _static(question.static)
    if answer.verdict == "missing":
        runtime = f"importing {shim} shows no {question.name} ({answer.detail})"
    elif answer.verdict == "error":
        runtime = f"importing {static} failed ({answer.detail})"
    else:
        where = f", the one in {answer.module}" if answer.module else ""
        runtime = f"importing it, {shim}.{question.name} is another object ({answer.detail}{where})"
    return f"the static answer is {static}, but {runtime}: it stays imported from {shim}"


def _failed(shim: ShimModule, question: ShimQuestion, error: str) -> tuple[ShimModule, Kept]:
    unresolved = dict(shim.unresolved)
    for name in shim.names:
        unresolved[name] = f"importing {shim.module} to confirm where it lives failed"
    kept = Kept(
        shim.module,
        f"importing {shim.module} to confirm its names failed ({error}); every import of it "
        "is kept. Check that the interpreter (--python) has the project's dependencies",
        Location(question.path, 0),
    )
    return _demoted(shim, {}, unresolved), kept


def _demoted(shim: ShimModule, names: dict[str, Target], unresolved: dict[str, str]) -> ShimModule:
    return replace(
        shim,
        names=names,
        unresolved=unresolved,
        module_target=None,
        star_module=None,
        deleting=False,
    )


def _confirmed(
    shim: ShimModule, question: ShimQuestion, answers: dict[str, NameAnswer]
) -> tuple[ShimModule, list[Kept], set[tuple[str, str]]]:
    """The shim's table after the answers, what is now kept, and the plan's reasons that no
    longer hold (names the import placed)."""
    names, unresolved = dict(shim.names), dict(shim.unresolved)
    kept: list[Kept] = []
    settled: set[tuple[str, str]] = set()
    contradicted = False
    for asked in question.names:
        answer = answers.get(asked.name)
        if answer is None:
            continue
        where = Location(question.path, asked.line)
        if asked.static is not None and answer.verdict != SAME:
            why = _contradiction(shim.module, asked, answer)
            names.pop(asked.name, None)
            unresolved[asked.name] = why
            kept.append(Kept(shim.module, f"{asked.name} stays: {why}", where))
            contradicted = True
        elif asked.static is None:
            old = unresolved.get(asked.name, "")
            found = answer.module if answer.verdict == FOUND else None
            if found is not None and any(within(found, m) for m in question.layer):
                found = None  # the shim layer is what the rewrite leaves
            settled.add((shim.module, f"{asked.name} stays: {old}"))
            if found is not None:
                del unresolved[asked.name]
                names[asked.name] = Target(found, asked.name)
                continue
            why = f"{old}; importing it, no module it imports from holds that very object"
            if answer.verdict != FOUND and answer.detail:
                why += f" ({answer.detail})"
            unresolved[asked.name] = why
            kept.append(Kept(shim.module, f"{asked.name} stays: {why}", where))
    if contradicted:
        return _demoted(shim, names, unresolved), kept, settled
    return replace(shim, names=names, unresolved=unresolved), kept, settled


def _delete(plan: RewritePlan, shims: dict[str, ShimModule]) -> tuple[str, ...]:
    """The deletion candidates without the shims that now stay: a package that holds one is
    replaced by its modules that still go."""
    staying = [m for m, s in shims.items() if plan.shims[m].deleting and not s.deleting]
    names: list[str] = []
    for entry in plan.delete:
        if not any(within(m, entry) for m in staying):
            names.append(entry)
            continue
        names.extend(m for m, s in sorted(shims.items()) if s.deleting and within(m, entry))
    return tuple(dict.fromkeys(names))


def apply_reply(plan: RewritePlan, asked: tuple[ShimQuestion, ...], reply: Reply) -> RewritePlan:
    shims = dict(plan.shims)
    kept: list[Kept] = []
    settled: set[tuple[str, str]] = set()
    for question in asked:
        shim = shims[question.module]
        answer = reply.shims.get(question.module)
        error = reply.failure or (answer.error if answer else "the import gave no answer for it")
        if reply.failure is not None or answer is None or answer.error is not None:
            shims[question.module], reason = _failed(shim, question, error or "")
            kept.append(reason)
            continue
        shims[question.module], more, done = _confirmed(shim, question, dict(answer.names))
        kept.extend(more)
        settled |= done
    return replace(
        plan,
        shims=shims,
        kept=(*(k for k in plan.kept if (k.subject, k.reason) not in settled), *kept),
        delete=_delete(plan, shims),
    )
