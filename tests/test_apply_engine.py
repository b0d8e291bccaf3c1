"""The file engine and `codemods.apply`: writes, failures as values, workers, deletion hand-off."""

from __future__ import annotations

import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.apply_support import CANONICAL, run, write_tree
from unshim.codemods.analyze.graph import all_refs
from unshim.codemods.outcome import Kept, Location
from unshim.codemods.rewrite.results import Failed
from unshim.codemods.scan.index import Index


@dataclass(frozen=True)
class FakeDeletion:
    deleted_files: tuple[str, ...] = ()
    deleted_folders: tuple[str, ...] = ()
    kept: tuple[Kept, ...] = ()
    mentions: tuple[Location, ...] = ()


class RecordingDelete:
    """Stands in for the deletion proof: records what it was asked, deletes nothing."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[str, ...], bool, Index]] = []

    def __call__(self, index: Index, packages: tuple[str, ...], dry_run: bool) -> FakeDeletion:
        self.calls.append((packages, dry_run, index))
        return FakeDeletion(deleted_files=("old/one.py",))


def test_writes_leave_no_temporary_files_and_keep_the_mode(tmp_path: Path) -> None:
    write_tree(tmp_path, {**CANONICAL, "app/use.py": "from old.one import Real\n"})
    (tmp_path / "app/use.py").chmod(0o640)
    run(tmp_path, {})
    assert stat.S_IMODE((tmp_path / "app/use.py").stat().st_mode) == 0o640
    assert sorted(p.name for p in (tmp_path / "app").iterdir()) == ["__init__.py", "use.py"]


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    before = "from old.one import Real\n"
    applied = run(tmp_path, {**CANONICAL, "app/use.py": before}, dry_run=True)
    assert (tmp_path / "app/use.py").read_text() == before
    assert applied.outcome.changed_files == ("app/use.py",)


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param("from old.one import Real\ndef f(:\n", id="absolute"),
        pytest.param("import old\ndef f(:\n", id="top_level"),
        pytest.param("from ..old import one\ndef f(:\n", id="relative"),
    ],
)
def test_unparseable_file_naming_the_shim_is_untouched_and_keeps_it(
    tmp_path: Path, broken: str
) -> None:
    delete = RecordingDelete()
    applied = run(
        tmp_path,
        {**CANONICAL, "app/broken.py": broken, "app/use.py": "from old.one import Real\n"},
        delete=delete,
    )
    assert (tmp_path / "app/broken.py").read_text() == broken
    assert (tmp_path / "app/use.py").read_text() == "from real.core import Real\n"
    problem = applied.outcome.not_parsed[0]
    assert problem.subject == "app/broken.py" and problem.reason.startswith("mentions old")
    assert applied.outcome.refused
    assert delete.calls == []  # the shim it names is kept: nothing to delete


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param("# the bold and the old\ndef f(:\n", id="word_in_a_comment"),
        pytest.param("x = 'old'\ndef f(:\n", id="word_in_a_string"),
    ],
)
def test_unparseable_file_that_may_name_a_shim_is_reported_without_refusing(
    tmp_path: Path, broken: str
) -> None:
    applied = run(
        tmp_path, {**CANONICAL, "app/broken.py": broken, "app/use.py": "from old.one import Real\n"}
    )
    assert [k.subject for k in applied.outcome.not_parsed] == ["app/broken.py"]
    assert not applied.outcome.refused


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param("def f(:\n", id="no_mention"),
        pytest.param("import oldish\ndef f(:\n", id="longer_name"),
        pytest.param("import bold\ndef f(:\n", id="name_ending_like_it"),
    ],
)
def test_file_that_cannot_name_a_shim_is_not_read(tmp_path: Path, broken: str) -> None:
    """apply reads the files whose text may name a shim; `analyze` and `verify` check them all."""
    applied = run(
        tmp_path, {**CANONICAL, "app/broken.py": broken, "app/use.py": "from old.one import Real\n"}
    )
    assert applied.outcome.not_parsed == ()
    assert not applied.outcome.refused
    assert (tmp_path / "app/use.py").read_text() == "from real.core import Real\n"


def test_failing_codemod_is_that_files_failure(tmp_path: Path) -> None:
    files = {
        **CANONICAL,
        "failing_codemod_mod.py": """\
            from libcst.codemod import Codemod

            class Boom(Codemod):
                def transform_module_impl(self, tree):
                    raise RuntimeError("boom")
            """,
        "app/use.py": "from old.one import Real\n",
    }
    applied = run(tmp_path, files, codemods=("failing_codemod_mod:Boom",))
    result = next(r for r in applied.files if r.path == "app/use.py")
    assert isinstance(result, Failed) and "boom" in result.reason
    assert (tmp_path / "app/use.py").read_text() == "from old.one import Real\n"


def test_workers_give_the_same_result(tmp_path: Path) -> None:
    """Whole-module rewrites, import-line rewrites and a file that does not parse, with and
    without workers."""
    consumers = {f"app/use{n}.py": "import old.shim as m\nm.Real(m.extra())\n" for n in range(10)}
    consumers |= {f"app/line{n}.py": "from old.one import Real\n" for n in range(10)}
    consumers["app/broken.py"] = "from old.one import Real\ndef f(:\n"
    one = run(tmp_path / "one", {**CANONICAL, **consumers}, jobs=1, dry_run=True)
    two = run(tmp_path / "two", {**CANONICAL, **consumers}, jobs=2, dry_run=True)
    assert one.files == two.files
    assert len(two.outcome.changed_files) == 20
    assert [k.subject for k in two.outcome.not_parsed] == ["app/broken.py"]


def test_deletion_gets_the_analysis_of_the_rewritten_tree(tmp_path: Path) -> None:
    delete = RecordingDelete()
    applied = run(
        tmp_path,
        {**CANONICAL, "app/use.py": "from old.one import Real\n"},
        delete=delete,
        dry_run=True,
    )
    ((packages, dry_run, after),) = delete.calls
    assert packages == ("old",) and dry_run
    importers = {ref.importer for ref in all_refs(after) if ref.target.startswith("old")}
    assert "app.use" not in importers  # the overlay: the rewrite is seen before it is written
    assert applied.outcome.deleted_files == ("old/one.py",)


def test_only_files_that_import_a_shim_are_parsed(tmp_path: Path) -> None:
    files = {**CANONICAL, "app/use.py": "from old.one import Real\n", "app/other.py": "x = 1\n"}
    applied = run(tmp_path, files, dry_run=True)
    assert [task.path for task in applied.plan.files] == ["app/use.py"]


def test_no_consumer_triggers_the_deprecation_warning_after_the_rewrite(tmp_path: Path) -> None:
    files = {
        **CANONICAL,
        "old/warned.py": """\
            import warnings

            from real.core import Real

            warnings.warn("old.warned is deprecated", DeprecationWarning, stacklevel=2)
            """,
        "app/use.py": "from old.warned import Real\nimport old.warned as w\nprint(w.Real)\n",
    }
    run(tmp_path, files)
    check = [sys.executable, "-W", "error::DeprecationWarning", "-c", "import app.use"]
    done = subprocess.run(check, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_script_that_is_no_module_is_reported_only_when_it_may_name_the_shim(
    tmp_path: Path,
) -> None:
    """A file the listing leaves out (its name is no module name) is never rewritten: when it
    imports the shim, the shim stays; when it cannot name it, apply says nothing of it."""
    files = {
        **CANONICAL,
        "bin/run-tool.py": "from old.one import Real\n",
        "bin/other-tool.py": "import json\n",
        "app/use.py": "from old.one import Real\n",
    }
    delete = RecordingDelete()
    applied = run(tmp_path, files, delete=delete)
    assert [k.subject for k in applied.outcome.not_parsed] == ["bin/run-tool.py"]
    assert applied.outcome.not_parsed[0].reason.startswith("mentions old")
    assert applied.outcome.refused
    assert delete.calls == []
