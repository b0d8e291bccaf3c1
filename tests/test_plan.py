"""The rewrite plan: pure decisions from an analysis and a request."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply_support import CANONICAL, run, write_tree
from unshim.codemods.analyze.analysis import analyze
from unshim.codemods.analyze.resolve import Origin
from unshim.codemods.plan.build import build_plan
from unshim.codemods.plan.targets import public_target
from unshim.codemods.plan.values import PlanError, PlanRequest, parse_move

LAYER = {
    "layer/__init__.py": "from real.core import Real\nfrom .sub import helper\n",
    "layer/sub.py": "from real.core import helper\n",
    "layer/lazy.py": """\
        import importlib

        def __getattr__(name):
            return getattr(importlib.import_module("real.more"), name)
        """,
    "layer/stars.py": "from real.core import *  # noqa: F403\n",
    "layer/stars.pyi": "from real.core import Real as Real\n",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a.b=c.d", ("a.b", "c.d")),
        (" a = b.c ", ("a", "b.c")),
    ],
)
def test_move_is_parsed(text: str, expected: tuple[str, str]) -> None:
    assert parse_move(text) == expected


@pytest.mark.parametrize("text", ["a.b", "a.b=", "=c", "a.b=c d", "a-b=c", "a=a", "1a=b"])
def test_malformed_move_is_refused(text: str) -> None:
    with pytest.raises(PlanError):
        parse_move(text)


def test_private_definer_stays_when_no_public_module_reexports_it() -> None:
    origin = Origin("lib._impl", "Engine", (("old.x", "Engine"), ("lib._impl", "Engine")))
    assert public_target(origin, frozenset({"old"}), {}).module == "lib._impl"


def test_private_definer_is_reached_through_the_nearest_public_reexporter() -> None:
    chain = (("old.x", "E"), ("lib", "E"), ("lib.api", "Engine"), ("lib._impl", "Engine"))
    target = public_target(Origin("lib._impl", "Engine", chain), frozenset({"old"}), {})
    assert (target.module, target.name) == ("lib.api", "Engine")


def test_nothing_asked_is_a_plan_error(tmp_path: Path) -> None:
    write_tree(tmp_path, CANONICAL)
    with pytest.raises(PlanError, match="nothing to do"):
        build_plan(analyze(tmp_path), PlanRequest())


def test_whole_layer_is_bypassed_and_offered_for_deletion(tmp_path: Path) -> None:
    consumer = """\
        from layer import Real, helper
        from layer.lazy import extra
        from layer.stars import Other
        import layer.sub as sub
        print(Real, helper, extra, Other, sub.helper)
        """
    stub = "from layer.stars import Real as Real\n"
    applied = run(
        tmp_path,
        {**CANONICAL, **LAYER, "app/use.py": consumer, "app/use.pyi": stub},
        shims=("layer",),
    )
    after = analyze(tmp_path)
    through = [r for r in after.refs if r.target.startswith("layer") and r.path.startswith("app/")]
    assert through == []
    assert applied.plan.delete == ("layer",)
    assert not applied.outcome.refused
