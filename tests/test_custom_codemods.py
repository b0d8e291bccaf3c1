"""A team's own LibCST codemods (`codemods = ["package.module:Command"]`) run in the same pass."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.apply_support import CANONICAL, dedent, run
from unshim.codemods.rewrite.custom import CodemodSpecError, load_codemod

RENAME = """\
    import libcst as cst
    from libcst.codemod import ContextAwareTransformer


    class RenameOldName(ContextAwareTransformer):
        def leave_Name(self, original_node, updated_node):
            if updated_node.value == "old_name":
                return updated_node.with_changes(value="new_name")
            return updated_node


    class NotACodemod:
        pass
    """


@pytest.fixture(autouse=True)
def _own_sys_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))


def test_team_codemod_runs_on_the_files_being_rewritten(tmp_path: Path) -> None:
    files = {
        **CANONICAL,
        "team_codemods_a.py": RENAME,
        "app/use.py": "from old.one import Real\nold_name = Real\n",
        "app/untouched.py": "old_name = 1\n",
    }
    run(tmp_path, files, codemods=("team_codemods_a:RenameOldName",))
    assert (tmp_path / "app/use.py").read_text() == "from real.core import Real\nnew_name = Real\n"
    assert (tmp_path / "app/untouched.py").read_text() == "old_name = 1\n"


def test_team_codemod_runs_in_workers_too(tmp_path: Path) -> None:
    consumers = {f"app/use{n}.py": "from old.one import Real\nold_name = Real\n" for n in range(20)}
    files = {**CANONICAL, "team_codemods_b.py": RENAME, **consumers}
    run(tmp_path, files, codemods=("team_codemods_b:RenameOldName",), jobs=2)
    assert all("new_name = Real" in (tmp_path / p).read_text() for p in consumers)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        pytest.param("team_codemods_c", "must look like", id="no_colon"),
        pytest.param("team_codemods_c:", "must look like", id="no_class"),
        pytest.param("no_such_module_here:Thing", "cannot import", id="missing_module"),
        pytest.param("team_codemods_c:NotACodemod", "not a libcst.codemod", id="not_codemod"),
        pytest.param("team_codemods_c:Missing", "not a libcst.codemod.Codemod", id="missing_class"),
    ],
)
def test_bad_spec_is_one_clear_error(tmp_path: Path, spec: str, message: str) -> None:
    (tmp_path / "team_codemods_c.py").write_text(dedent(RENAME))
    with pytest.raises(CodemodSpecError, match=message):
        load_codemod(spec, tmp_path)
