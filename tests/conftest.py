# `tests` is a package so that the fake GitHub (tests/fakegithub) is importable from tests and
# from its own extract script; pytester runs small pytest sessions to check the fixture itself.
from __future__ import annotations

import libcst as cst
import pytest

import tests.installed_names  # noqa: F401  (first: this checkout's code as unshim.*)
from unshim.codemods.plan.values import FileTask, RewritePlan
from unshim.codemods.rewrite import bindings
from unshim.codemods.rewrite import transform as rewrite
from unshim.codemods.rewrite.layout import FileView
from unshim.codemods.rewrite.located import Prepared
from unshim.codemods.rewrite.transform import FileRewrite

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
    """Wherever `ast` facts answer which names use an import's binding (`ast_uses`), LibCST's
    scope analysis, which answers otherwise, must find the very same uses."""
    ast_uses = bindings.ast_uses

    def checked(statement: cst.CSTNode, local: str, meta: FileView) -> bindings.Uses | None:
        found = ast_uses(statement, local, meta)
        if found is not None:
            expected = bindings.scope_uses(statement, local, meta)
            assert _shape(found) == _shape(expected), f"the uses of {local} differ"
        return found

    monkeypatch.setattr(bindings, "ast_uses", checked)


def _shape(uses: bindings.Uses) -> tuple[object, ...]:
    """Uses by node identity, with their chains, in no particular order."""
    each = {
        (id(u.node), tuple((k.attr, id(k.node), k.store) for k in u.chain), id(u.annotation))
        for u in uses.uses
    }
    return (frozenset(each), len(uses.uses), len(uses.ambiguous), uses.other)


@pytest.fixture(autouse=True)
def own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test's runs (in process or in a subprocess, which inherits the environment) keep
    their per-file facts in a folder of their own, never in the user's cache."""
    from unshim.codemods.scan.cache import ENV_DIR

    monkeypatch.setenv(ENV_DIR, str(tmp_path_factory.mktemp("cache")))
