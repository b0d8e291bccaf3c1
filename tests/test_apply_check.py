"""`unshim apply --check` and `--format json|github`: CI gating, through `bot.cli.main`."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest

from tests.apply_support import CANONICAL, write_tree
from unshim.bot.cli import main

SCHEMA = json.loads((Path(__file__).parent.parent / "docs/apply.schema.json").read_text())

CONSUMER = {**CANONICAL, "app/use.py": "import os\nfrom old.one import (\n    Real,\n)\n"}
# A module that defines code of its own is kept, with the line of that code.
REFUSED = {
    "real/__init__.py": "",
    "real/core.py": "class Real: ...\n",
    "old/__init__.py": "",
    "old/mixed.py": "from real.core import Real\n\nX = 1\n",
    "app/__init__.py": "",
    "app/b.py": "from old.mixed import X\n",
}


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def apply(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["apply", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_prints_each_edit_and_deletion_writes_nothing_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, CONSUMER)
    before = snapshot(tmp_path)
    code, out, err = apply(tmp_path, capsys, "--shim", "old.one", "--check")
    assert code == 1
    assert out == (
        "app/use.py:2: from old.one import (Real) -> from real.core import (Real)\n"
        "old/one.py: would be deleted\n"
    )
    assert "check failed: unshim apply would rewrite 1 import in 1 file and delete 1 file\n" in err
    assert "refused" not in err
    assert snapshot(tmp_path) == before


def test_check_on_a_clean_tree_is_exit_0_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {**CANONICAL, ".unshim.toml": 'shims = ["already.removed"]\n'})
    code, out, err = apply(tmp_path, capsys, "--check")
    assert (code, out) == (0, "")
    assert "check passed: nothing would change" in err


def test_check_after_apply_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {**CONSUMER, ".unshim.toml": 'shims = ["old.one"]\n'})
    assert apply(tmp_path, capsys, "--check")[0] == 1
    assert apply(tmp_path, capsys)[0] == 0
    assert apply(tmp_path, capsys, "--check")[:2] == (0, "")


def test_check_says_a_refusal_is_a_refusal_not_a_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        tmp_path,
        {
            "fmt/__init__.py": "",
            "fmt/slow.py": "def render(): ...\n",
            "fmt/compat.py": "try:\n    from fast import render\nexcept ImportError:\n"
            "    from fmt.slow import render\n",
            "app.py": "from fmt.compat import render\n",
        },
    )
    code, out, err = apply(tmp_path, capsys, "--shim", "fmt.compat", "--check")
    assert (code, out) == (1, "")
    assert "kept: fmt/compat.py:2: fmt.compat: not a shim: binds render under try" in err
    assert "check failed: nothing would change, but unshim refused part of the job" in err


def test_an_edit_into_two_statements_reads_as_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {**CANONICAL, **REFUSED, "app/b.py": "from old.mixed import Real, X\n"})
    _, out, _ = apply(tmp_path, capsys, "--shim", "old", "--check")
    assert out.splitlines()[0] == (
        "app/b.py:1: from old.mixed import Real, X -> "
        "from real.core import Real; from old.mixed import X"
    )


def test_check_names_both_when_it_would_change_and_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {**REFUSED, **CANONICAL, "app/use.py": "from old.one import Real\n"})
    code, out, err = apply(tmp_path, capsys, "--shim", "old", "--check")
    assert code == 1
    assert out.startswith("app/use.py:1: from old.one import Real -> from real.core import Real\n")
    assert "check failed: unshim apply would rewrite 1 import in 1 file and delete " in err
    assert "; and unshim refused part of the job" in err


@pytest.mark.parametrize("mode", ["write", "dry-run", "check"])
def test_json_follows_the_documented_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    write_tree(tmp_path, {**REFUSED, **CANONICAL, "app/use.py": "from old.one import Real\n"})
    flags = {"write": [], "dry-run": ["--dry-run"], "check": ["--check"]}[mode]
    code, out, _ = apply(tmp_path, capsys, "--shim", "old", "--format", "json", *flags)
    assert code == 1  # old.mixed is refused in every mode
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert document["mode"] == mode
    assert (document["changed"], document["refused"]) == (True, True)
    assert document["edits"] == [
        {
            "path": "app/use.py",
            "line": 1,
            "before": "from old.one import Real",
            "after": "from real.core import Real",
            "notes": [],
        }
    ]
    assert {
        "subject": "old.mixed",
        "reason": "not a shim: defines X: real code; it stays",
        "location": {"path": "old/mixed.py", "line": 3},
    } in document["kept"]
    written = (tmp_path / "app/use.py").read_text()
    assert (written == "from real.core import Real\n") == (mode == "write")


def test_json_lists_each_patch_target_it_rewrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    test = "from unittest import mock\nfrom old.one import Real\n\n"
    test += "@mock.patch('old.one.Real')\ndef test_it(m): ...\n"
    write_tree(tmp_path, {**CANONICAL, "app/test_use.py": test})
    code, out, _ = apply(tmp_path, capsys, "--shim", "old", "--check", "--format", "json")
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert code == 1
    assert document["patch_targets"] == [
        {
            "path": "app/test_use.py",
            "line": 4,
            "before": "'old.one.Real'",
            "after": "'real.core.Real'",
            "notes": [],
        }
    ]
    assert [e["after"] for e in document["edits"]] == ["from real.core import Real"]


def test_check_lists_the_patch_targets_with_the_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    test = "from unittest import mock\nfrom old.one import Real\n\n"
    test += "@mock.patch('old.one.Real')\ndef test_it(m): ...\n"
    write_tree(tmp_path, {**CANONICAL, "app/test_use.py": test})
    code, out, err = apply(tmp_path, capsys, "--shim", "old", "--check")
    assert code == 1
    assert out.splitlines()[:2] == [
        "app/test_use.py:2: from old.one import Real -> from real.core import Real",
        "app/test_use.py:4: patch target 'old.one.Real' -> 'real.core.Real'",
    ]
    assert "patch target:" not in err  # once, on stdout
    assert err.splitlines()[-2] == (
        "check failed: unshim apply would rewrite 1 import in 1 file, retarget 1 test patch"
        " and delete 4 files"
    )
    code, out, _ = apply(tmp_path, capsys, "--shim", "old", "--check", "--format", "github")
    assert (
        "::error file=app/test_use.py,line=4,title=unshim::would retarget the patch"
        " 'old.one.Real' -> 'real.core.Real' with the imports it patches"
    ) in out.splitlines()


def test_json_of_a_clean_tree_has_no_edits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {**CANONICAL, ".unshim.toml": 'shims = ["already.removed"]\n'})
    code, out, _ = apply(tmp_path, capsys, "--check", "--format", "json")
    document = json.loads(out)
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert code == 0
    assert (document["changed"], document["edits"], document["deleted_files"]) == (False, [], [])


def test_github_annotates_edits_deletions_and_what_was_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {**REFUSED, **CANONICAL, "app/use.py": "from old.one import Real\n"})
    code, out, _ = apply(tmp_path, capsys, "--shim", "old", "--check", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "::error file=app/use.py,line=1,title=unshim::"
        "would rewrite from old.one import Real -> from real.core import Real"
    )
    assert "::error file=old/one.py,title=unshim::would be deleted" in out
    assert any(
        line.startswith("::warning file=old/mixed.py,line=3,title=unshim::kept: old.mixed: ")
        for line in lines
    )
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_github_escapes_as_the_runner_parses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {**CANONICAL, "app/use.py": "from old.one import (Real,  # 100%\n)\n"})
    _, out, _ = apply(tmp_path, capsys, "--shim", "old.one", "--check", "--format", "github")
    assert out.splitlines()[0] == (
        "::error file=app/use.py,line=1,title=unshim::"
        "would rewrite from old.one import (Real,  # 100%25) -> "
        "from real.core import (Real,  # 100%25)"
    )


def test_github_without_check_is_exit_2_and_touches_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, CONSUMER)
    before = snapshot(tmp_path)
    code, out, err = apply(tmp_path, capsys, "--shim", "old.one", "--format", "github")
    assert (code, out) == (2, "")
    assert err == "error: --format github annotates what would change: use it with --check\n"
    assert snapshot(tmp_path) == before
