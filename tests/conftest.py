# `tests` is a package so that the fake GitHub (tests/fakegithub) is importable from tests and
# from its own extract script; pytester runs small pytest sessions to check the fixture itself.
from __future__ import annotations

from collections.abc import Sequence

import pytest
from libcst.codemod import Codemod

from codemods import rewrite
from codemods.located import Prepared
from codemods.plan import FileTask, RewritePlan
from codemods.rewrite import FileRewrite

pytest_plugins = ["pytester", "tests.fakegithub.fixtures"]


@pytest.fixture(autouse=True)
def both_rewrite_paths_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file any test rewrites (in this process or in workers it starts) is rewritten
    twice: from its import lines alone (what `apply` does when it can) and from the whole
    module. The two must agree byte for byte, and in what they report, or the test fails."""
    original = rewrite.rewrite_prepared

    def checked(
        prepared: Prepared,
        task: FileTask,
        plan: RewritePlan,
        codemods: Sequence[type[Codemod]] = (),
        *,
        whole: bool = False,
    ) -> FileRewrite:
        done = original(prepared, task, plan, codemods, whole=whole)
        entire = original(prepared, task, plan, codemods, whole=True)
        assert done == entire, f"{task.path}: the import-lines rewrite differs from the whole one"
        return done

    monkeypatch.setattr(rewrite, "rewrite_prepared", checked)
