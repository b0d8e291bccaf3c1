# `tests` is a package so that the fake GitHub (tests/fakegithub) is importable from tests and
# from its own extract script; pytester runs small pytest sessions to check the fixture itself.
from __future__ import annotations

import libcst as cst
import pytest

from codemods.plan.values import FileTask, RewritePlan
from codemods.rewrite import transform as rewrite
from codemods.rewrite.layout import Metadata
from codemods.rewrite.located import Prepared
from codemods.rewrite.transform import FileRewrite

pytest_plugins = ["pytester", "tests.fakegithub.fixtures"]


@pytest.fixture(autouse=True)
def both_rewrite_paths_agree(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """Every file any test rewrites from its import lines alone (what `apply` does when it
    can) is rewritten from the whole module too. The two must agree byte for byte, and in
    what they report, or the test fails. A test marked `many_runs` rewrites the same few
    import shapes again and again: once is checked elsewhere."""
    if request.node.get_closest_marker("many_runs"):
        return
    lines_only = rewrite.rewrite_import_lines
    whole = rewrite.rewrite_prepared

    def checked(prepared: Prepared, task: FileTask, plan: RewritePlan) -> FileRewrite | None:
        done = lines_only(prepared, task, plan)
        if done is not None:
            entire = whole(prepared, task, plan, whole=True)
            assert done == entire, f"{task.path}: the import-lines rewrite differs from the whole"
        return done

    monkeypatch.setattr(rewrite, "rewrite_import_lines", checked)


@pytest.fixture(autouse=True)
def ast_uses_agree_with_scopes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wherever `ast` facts answer which names use an import's binding (`sole_uses`), LibCST's
    scope analysis, which answers otherwise, must find the very same nodes."""
    sole_uses = Metadata.sole_uses

    def checked(meta: Metadata, statement: cst.CSTNode, local: str) -> list[cst.Name] | None:
        found = sole_uses(meta, statement, local)
        if found is not None:
            scope = meta.scopes[statement]
            assert scope is not None
            expected = {
                id(access.node)
                for assignment in scope.assignments[local]
                if getattr(assignment, "node", None) is statement
                for access in assignment.references
            }
            assert {id(node) for node in found} == expected, f"the uses of {local} differ"
        return found

    monkeypatch.setattr(Metadata, "sole_uses", checked)
