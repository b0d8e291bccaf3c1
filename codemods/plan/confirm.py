"""The plan `apply` follows: the static one, or with `--resolve import` the static one confirmed
by importing the shims with the target's interpreter.

`resolve = "static"` (the default) decides from the source alone. `resolve = "import"` then asks
one process (codemods.plan.importer) whether each static answer is the shim's very object, and
where the names the static model could not place live; codemods.plan.answers applies what it
says. Requested modules the static model rejects because a `__getattr__` hides where their
names go are planned too (codemods.plan.unplaced), so that the import can place them.
"""

from __future__ import annotations

from pathlib import Path

from unshim.codemods.analyze.analysis import Analysis
from unshim.codemods.plan.answers import apply_reply
from unshim.codemods.plan.build import build_plan
from unshim.codemods.plan.importer import ImportSettings, run_probe
from unshim.codemods.plan.questions import questions
from unshim.codemods.plan.unplaced import empty_plan, split_request, with_forwarders
from unshim.codemods.plan.values import PlanRequest, RewritePlan


def _asks_nothing(request: PlanRequest) -> bool:
    return not (request.shims or request.moves or request.auto or request.delete)


def planned(
    root: Path,
    analysis: Analysis,
    request: PlanRequest,
    source_roots: tuple[str, ...],
    resolve: ImportSettings | None,
) -> RewritePlan:
    """build_plan, then (with settings for the import) every answer confirmed by importing."""
    if resolve is None:
        return build_plan(analysis, request)
    static, forwarders = split_request(analysis, request)
    if forwarders and _asks_nothing(static):
        plan = empty_plan(analysis, request)
    else:
        plan = build_plan(analysis, static)
    plan = with_forwarders(analysis, plan, forwarders)
    asked = questions(analysis, plan)
    if not asked:
        return plan
    return apply_reply(plan, asked, run_probe(root, source_roots, asked, resolve))
