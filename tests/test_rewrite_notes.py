"""What the rewrite tells beyond the edit itself: an import it drops as a duplicate is noted on
the edit, with the line that already imports the name, and `apply` prints it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply_support import CANONICAL, dedent, run, write_tree
from unshim.bot.cli import main


def notes_of(root: Path, consumer: str, extra: dict[str, str] | None = None) -> list[str]:
    applied = run(root, {**CANONICAL, **(extra or {}), "app/use.py": dedent(consumer)})
    return [f"{e.location}: {n}" for e in applied.outcome.edits for n in e.notes]


def test_an_import_already_in_the_file_is_dropped_with_a_note(tmp_path: Path) -> None:
    notes = notes_of(
        tmp_path,
        """\
        import os
        from real.core import Real
        from old.one import Real
        """,
    )
    assert (tmp_path / "app/use.py").read_text() == "import os\nfrom real.core import Real\n"
    assert notes == [
        "app/use.py:3: `from real.core import Real` dropped as a duplicate: line 2 already "
        "imports it"
    ]


def test_two_shims_converging_on_one_target_note_the_second(tmp_path: Path) -> None:
    notes = notes_of(tmp_path, "from old.one import Real\nfrom old.shim import Real\n")
    assert (tmp_path / "app/use.py").read_text() == "from real.core import Real\n"
    assert notes == [
        "app/use.py:2: `from real.core import Real` dropped as a duplicate: the rewrite of "
        "line 1 already imports it"
    ]


def test_a_module_import_dropped_as_a_duplicate_is_noted(tmp_path: Path) -> None:
    extra = {"old/mod.py": "from real import core\n"}
    notes = notes_of(
        tmp_path, "from real import core\nfrom old.mod import core\ncore.Real\n", extra
    )
    assert (tmp_path / "app/use.py").read_text() == "from real import core\ncore.Real\n"
    assert notes == [
        "app/use.py:2: `from real import core` dropped as a duplicate: line 1 already imports it"
    ]


def test_a_name_rebound_elsewhere_keeps_its_import_and_gets_no_note(tmp_path: Path) -> None:
    consumer = """\
        from real.core import Real
        def f():
            Real = 1
            from old.one import Real
            return Real
        """
    assert notes_of(tmp_path, consumer) == []
    assert "    from real.core import Real\n" in (tmp_path / "app/use.py").read_text()


def test_a_plain_repointing_has_no_note(tmp_path: Path) -> None:
    assert notes_of(tmp_path, "from old.one import Real, helper\n") == []


def test_apply_prints_the_note_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    consumer = "from real.core import Real\nfrom old.one import Real\n"
    write_tree(tmp_path, {**CANONICAL, "app/use.py": consumer})
    assert main(["apply", str(tmp_path), "--shim", "old", "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert (
        "note: app/use.py:2: `from real.core import Real` dropped as a duplicate: line 1 "
        "already imports it\n"
    ) in err
    assert main(["apply", str(tmp_path), "--shim", "old", "--dry-run", "-q"]) == 0
    assert "note:" not in capsys.readouterr().err
