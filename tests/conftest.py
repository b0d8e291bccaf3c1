# `tests` is a package so that the fake GitHub (tests/fakegithub) is importable from tests and
# from its own extract script; pytester runs small pytest sessions to check the fixture itself.
from __future__ import annotations

from collections.abc import Sequence

import pytest
from libcst.codemod import Codemod

from codemods import engine
from codemods.plan import FileTask, RewritePlan
from codemods.rewrite import FileRewrite, rewrite_source

pytest_plugins = ["pytester", "tests.fakegithub.fixtures"]


@pytest.fixture(autouse=True)
def both_rewrite_paths_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file any test rewrites in this process is rewritten twice: from its import lines
    alone (what `apply` does when it can) and from the whole module. The two must agree byte
    for byte, and in what they report, or the test fails."""

    def checked(
        data: bytes, task: FileTask, plan: RewritePlan, codemods: Sequence[type[Codemod]] = ()
    ) -> FileRewrite:
        done = rewrite_source(data, task, plan, codemods)
        whole = rewrite_source(data, task, plan, codemods, whole=True)
        assert done == whole, f"{task.path}: the import-lines rewrite differs from the whole one"
        return done

    monkeypatch.setattr(engine, "rewrite_source", checked)
