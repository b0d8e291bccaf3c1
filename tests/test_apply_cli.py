"""`unshim apply` exit codes and output, through `bot.cli.main`."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

from tests.apply_support import CANONICAL, write_tree
from unshim.bot.cli import main

CONSUMER = {**CANONICAL, "app/use.py": "from old.one import Real\n"}


def snapshot(root: Path) -> dict[str, bytes]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def test_done_is_exit_0_with_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, CONSUMER)
    assert main(["apply", str(tmp_path), "--shim", "old"]) == 0
    assert (tmp_path / "app/use.py").read_text() == "from real.core import Real\n"
    out, err = capsys.readouterr()
    assert out == "" and "rewrote 1 import in 1 file" in err


def test_nothing_to_do_is_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, CANONICAL)
    assert main(["apply", str(tmp_path), "--move", "gone.module=real.core"]) == 0
    assert "nothing to do: no import goes through gone.module" in capsys.readouterr().err


def test_configured_shim_removed_by_an_earlier_run_is_nothing_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {**CANONICAL, ".unshim.toml": 'shims = ["already.removed"]\n'})
    assert main(["apply", str(tmp_path)]) == 0
    assert "already.removed (from the configuration) no longer exists" in capsys.readouterr().err


def test_dry_run_prints_the_diff_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, CONSUMER)
    before = snapshot(tmp_path)
    assert main(["apply", str(tmp_path), "--shim", "old", "--dry-run"]) == 0
    assert snapshot(tmp_path) == before
    out = capsys.readouterr().out
    assert "--- a/app/use.py\n+++ b/app/use.py\n" in out
    assert "-from old.one import Real\n+from real.core import Real\n" in out


def test_refused_part_is_exit_1_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        tmp_path,
        {
            **CANONICAL,
            "old/mixed.py": "from real.core import Real\n\nX = 1\n",
            "app/use.py": "from old.mixed import Real, X\n",
        },
    )
    assert main(["apply", str(tmp_path), "--shim", "old"]) == 1
    err = capsys.readouterr().err
    assert "old/mixed.py:3: old.mixed: impure shim: defines X" in err
    assert "app/use.py:1: old.mixed: still imports X from it" in err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(["--shim", "nowhere.to.be.found"], "no such module", id="unknown_module"),
        pytest.param(["--move", "old.one"], "expected OLD.DOTTED=NEW.DOTTED", id="malformed_move"),
        pytest.param(["--move", "old.one=real core"], "expected OLD.DOTTED", id="move_not_dotted"),
        pytest.param([], "nothing to do: give --shim", id="no_action"),
        pytest.param(["--shim", "old", "--delete", "gone.pkg"], "no such module", id="bad_delete"),
        pytest.param(["--shim", "old", "--engine", "bowler"], "--move only", id="bowler_shim"),
        pytest.param(
            ["--move", "old.one=real.missing"],
            "--move old.one=real.missing: real.missing is not a module or package under",
            id="move_to_a_module_the_tree_does_not_have",
        ),
    ],
)
def test_usage_errors_are_exit_2_and_touch_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    write_tree(tmp_path, CONSUMER)
    before = snapshot(tmp_path)
    assert main(["apply", str(tmp_path), *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert snapshot(tmp_path) == before


def test_a_request_for_nothing_is_refused_before_the_tree_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # On Django the refusal used to come after the whole tree was read (2.6 s).
    from unshim.codemods.analyze import analysis

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("the tree was read")

    monkeypatch.setattr(analysis, "start_index", refused)
    write_tree(tmp_path, CONSUMER)
    assert main(["apply", str(tmp_path)]) == 2
    assert "nothing to do: give --shim" in capsys.readouterr().err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_consumer_only_the_compiler_refuses_is_left_untouched_and_keeps_the_shim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    # `ast.parse` accepts a `return` outside any function; `compileall` does not. Long enough
    # to be scanned, not parsed, when the tree is read; enough consumers for the workers.
    broken = "from old.one import Real\n\n" + "".join(
        f"def f{i}(x):\n    return x + {i}\n\n" for i in range(60)
    )
    broken += "return Real\n"
    others = {f"app/use{i}.py": "from old.one import Real\n" for i in range(20)}
    write_tree(tmp_path, {**CANONICAL, **others, "app/broken.py": broken})
    assert main(["apply", str(tmp_path), "--shim", "old", "-j", jobs]) == 1
    err = capsys.readouterr().err
    assert (
        "app/broken.py: mentions old, old.one but does not parse (syntax error at line 183: "
        "'return' outside function); left untouched"
    ) in err
    assert (tmp_path / "app/broken.py").read_text() == broken
    assert (tmp_path / "app/use0.py").read_text() == "from real.core import Real\n"
    assert (tmp_path / "old/one.py").exists()


def test_shim_with_nothing_under_it_that_re_exports_is_exit_2_naming_each_module(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, CONSUMER)
    before = snapshot(tmp_path)
    assert main(["apply", str(tmp_path), "--shim", "real"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: --shim real: not a shim: no module under it re-exports a name that lives "
        "elsewhere; nothing changed",
        "error:   real/__init__.py: real: not a shim: re-exports nothing (no import it hands on, "
        "no code); it stays",
        "error:   real/core.py:1: real.core: not a shim: defines Real: real code; it stays",
        "error:   real/more.py:1: real.more: not a shim: defines extra: real code; it stays",
    ]
    assert snapshot(tmp_path) == before


def test_shim_whose_only_home_is_conditional_is_exit_1_naming_the_module_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "fmt/__init__.py": "",
        "fmt/slow.py": "def render(): ...\n",
        "fmt/compat.py": """\
            __all__ = ["render"]
            try:
                from fast import render
            except ImportError:
                from fmt.slow import render
            """,
        "app.py": "from fmt.compat import render\n",
    }
    write_tree(tmp_path, files)
    before = snapshot(tmp_path)
    assert main(["apply", str(tmp_path), "--shim", "fmt.compat"]) == 1
    err = capsys.readouterr().err
    assert (
        "kept: fmt/compat.py:3: fmt.compat: not a shim: binds render under try/except or "
        "if/else, to one of fast.render, fmt.slow.render: no single home; it stays"
    ) in err
    assert snapshot(tmp_path) == before


def test_one_refused_shim_does_not_stop_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, CONSUMER)
    assert main(["apply", str(tmp_path), "--shim", "real.more", "--shim", "old"]) == 1
    assert (tmp_path / "app/use.py").read_text() == "from real.core import Real\n"
    err = capsys.readouterr().err
    assert "kept: real/more.py:1: real.more: not a shim: defines extra: real code; it stays" in err


def test_move_to_a_missing_module_runs_with_allow_missing_target(tmp_path: Path) -> None:
    write_tree(tmp_path, CONSUMER)
    arguments = ["apply", str(tmp_path), "--move", "old.one=real.later", "--allow-missing-target"]
    assert main(arguments) == 0
    assert (tmp_path / "app/use.py").read_text() == "from real.later import Real\n"


def test_configured_move_to_a_missing_module_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {**CONSUMER, ".unshim.toml": '[moves]\n"old.one" = "real.missing"\n'})
    before = snapshot(tmp_path)
    assert main(["apply", str(tmp_path)]) == 2
    assert "real.missing is not a module or package" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


def test_missing_path_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apply", str(tmp_path / "absent"), "--shim", "old"]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_bad_codemod_spec_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {**CONSUMER, ".unshim.toml": 'codemods = ["no_colon_here"]\n'})
    before = snapshot(tmp_path)
    assert main(["apply", str(tmp_path), "--shim", "old"]) == 2
    assert "package.module:Command" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


def test_configured_shims_apply_when_no_flag_is_given(tmp_path: Path) -> None:
    write_tree(tmp_path, {**CONSUMER, ".unshim.toml": 'shims = ["old"]\n'})
    assert main(["apply", str(tmp_path)]) == 0
    assert (tmp_path / "app/use.py").read_text() == "from real.core import Real\n"


def test_configured_moves_apply_when_no_flag_is_given(tmp_path: Path) -> None:
    files = {
        "new/__init__.py": "",
        "new/mod.py": "X = 1\n",
        "app/use.py": "from gone.mod import X\n",
        ".unshim.toml": '[moves]\n"gone" = "new"\n',
    }
    write_tree(tmp_path, files)
    assert main(["apply", str(tmp_path)]) == 0
    assert (tmp_path / "app/use.py").read_text() == "from new.mod import X\n"


def test_quiet_prints_no_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, CONSUMER)
    assert main(["apply", str(tmp_path), "--shim", "old", "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_auto_rewrites_every_pure_shim_that_is_imported(tmp_path: Path) -> None:
    files = {
        **CANONICAL,
        "app/use.py": "from old.one import Real\nReal()\n",
        "app/other.py": "from old.renamed import Thing\nThing()\n",
        "app/only_imports.py": "from real.core import Real\n",  # pure by shape, imported by no one
        "main.py": "from old.one import Real\n",  # an entry point
        "api/__init__.py": "from real.core import Real\n",  # a package's public API
        "app/client.py": "from api import Real\nReal()\n",
    }
    write_tree(tmp_path, files)
    assert main(["apply", str(tmp_path), "--auto"]) == 0
    assert (tmp_path / "app/use.py").read_text() == "from real.core import Real\nReal()\n"
    other = (tmp_path / "app/other.py").read_text()
    assert other == "from real.core import Real as Thing\nThing()\n"
    assert (tmp_path / "main.py").read_text() == "from real.core import Real\n"
    assert (tmp_path / "app/only_imports.py").read_text() == files["app/only_imports.py"]
    assert (tmp_path / "app/client.py").read_text() == files["app/client.py"]


def test_bowler_engine_without_the_extra_is_exit_2_with_the_install_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "bowler", None)  # as if the extra were not installed
    write_tree(tmp_path, CONSUMER)
    before = snapshot(tmp_path)
    assert main(["apply", str(tmp_path), "--move", "old=real", "--engine", "bowler"]) == 2
    assert "pip install 'unshim[bowler]'" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


MOVED = {
    "newpkg/__init__.py": "",
    "newpkg/mod.py": "X = 1\n",
    "app/__init__.py": "",
    "app/use.py": "from oldpkg.mod import X\nimport oldpkg.mod\nprint(oldpkg.mod.X)\n",
}


def test_bowler_engine_runs_the_moves(tmp_path: Path) -> None:
    pytest.importorskip("bowler")
    write_tree(tmp_path, MOVED)
    assert main(["apply", str(tmp_path), "--move", "oldpkg=newpkg", "--engine", "bowler"]) == 0
    assert (tmp_path / "app/use.py").read_text() == (
        "from newpkg.mod import X\nimport newpkg.mod\nprint(newpkg.mod.X)\n"
    )


def test_bowler_engine_reports_every_file_it_cannot_parse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("bowler")
    source = "from oldpkg.mod import X\nmatch X:\n    case 1:\n        pass\n"
    write_tree(tmp_path, {**MOVED, "app/matching.py": source})
    assert main(["apply", str(tmp_path), "--move", "oldpkg=newpkg", "--engine", "bowler"]) == 1
    assert (tmp_path / "app/matching.py").read_text() == source
    assert "app/matching.py: mentions oldpkg but Bowler cannot parse it" in capsys.readouterr().err


def test_conditionally_bound_name_is_kept_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "real/__init__.py": "",
        "real/core.py": "class Real: ...\nclass Other: ...\n",
        "old/__init__.py": "",
        "old/plain.py": "from real.core import Other\n",
        "old/fast.py": "try:\n    from fastreal import Real\nexcept ImportError:\n"
        "    from real.core import Real\n",
        "app/__init__.py": "",
        "app/use.py": "from old.fast import Real\nfrom old.plain import Other\n",
    }
    write_tree(tmp_path, files)
    assert main(["apply", str(tmp_path), "--shim", "old"]) == 1
    assert (tmp_path / "app/use.py").read_text() == (
        "from old.fast import Real\nfrom real.core import Other\n"
    )
    assert (tmp_path / "old/fast.py").exists()
    assert "only conditionally" in capsys.readouterr().err


def test_the_trees_own_syntax_warnings_do_not_reach_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = 'from old.one import Real\nPATTERN = "\\d"\nassert (Real, "always true")\nx = 1 is 1\n'
    write_tree(tmp_path, {**CANONICAL, "app/use.py": source})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["apply", str(tmp_path), "--shim", "old", "-j", "1"]) == 0
    assert [str(w.message) for w in caught] == []
    assert "Warning" not in capsys.readouterr().err
    assert (tmp_path / "app/use.py").read_text().startswith("from real.core import Real\n")


FACADE_TREE = {
    "num/__init__.py": "",
    "num/lib/__init__.py": "",
    "num/lib/_impl.py": "def byte_bounds(a): ...\n",
    "num/lib/array_utils.py": "from ._impl import byte_bounds\n",
    "num/ma.py": "from num.lib.array_utils import byte_bounds\n",
}


def test_a_public_facade_named_by_shim_is_taken_with_one_info_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, FACADE_TREE)
    assert main(["apply", str(tmp_path), "--shim", "num.lib.array_utils"]) == 0
    assert (tmp_path / "num/ma.py").read_text() == "from num.lib._impl import byte_bounds\n"
    err = capsys.readouterr().err
    assert (
        "taken: num.lib.array_utils is a public facade over num.lib._impl; rewritten because "
        "--shim names it\n"
    ) in err
    assert "kept:" not in err


def test_a_public_facade_is_never_taken_by_auto(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, FACADE_TREE)
    before = snapshot(tmp_path)
    assert main(["apply", str(tmp_path), "--auto"]) == 0
    assert snapshot(tmp_path) == before
    assert "taken:" not in capsys.readouterr().err


def test_no_syntax_warning_of_the_tree_reaches_stderr_from_workers_or_fragments(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # Enough files for the rewrite's worker processes; an `if` test and an `__all__` that the
    # scanner and the verdicts parse on their own, each with an invalid escape sequence.
    noisy = (
        "from typing import TYPE_CHECKING\nfrom old.one import Real\n"
        'if TYPE_CHECKING or "\\d":\n    import os\nPATTERN = "\\d"\nx = 1 is 1\n'
    )
    files: dict[str, str] = {**CANONICAL, "app/listing.py": 'import os\n__all__ = ["os\\d"]\n'}
    files.update({f"app/use_{n}.py": noisy for n in range(20)})
    write_tree(tmp_path, files)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # inherited by the forked workers
        assert main(["apply", str(tmp_path), "--shim", "old", "-j", "2"]) == 0
    assert [str(w.message) for w in caught] == []
    assert "Warning" not in capfd.readouterr().err
    assert (tmp_path / "app/use_19.py").read_text().count("from real.core import Real\n") == 1
