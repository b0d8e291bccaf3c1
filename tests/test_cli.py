"""The command line as a newcomer meets it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.installed_names import PYTHONPATH
from unshim.bot.cli import main
from unshim.bot.config import config_keys

ROOT = Path(__file__).parent.parent


def test_python_dash_m_unshim_bot_is_the_unshim_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "unshim.bot", "--help"],
        env={**os.environ, "PYTHONPATH": PYTHONPATH},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "unshim removes the leftovers of Python refactors" in result.stdout


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "analyze" in capsys.readouterr().err


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["analyze", "--frobnicate"])
    assert raised.value.code == 2
    assert "unrecognized arguments: --frobnicate" in capsys.readouterr().err


def test_internal_error_is_one_line_with_debug_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "m.py").write_text("X = 1\n")

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("unshim.codemods.analyze.analysis.analyze", explode)
    assert main(["analyze", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert err.strip() == "error: internal error: RuntimeError: boom (rerun with --debug)"


def test_readme_documents_every_configuration_key() -> None:
    readme = (ROOT / "README.md").read_text()
    for table, keys in config_keys().items():
        section = readme.split(f"### `[{table}]`", 1)[1].split("###", 1)[0]
        documented = set(re.findall(r"^\| `([a-z-]+)` \|", section, re.M))
        assert documented == set(keys), table


def test_the_time_analyze_prints_includes_working_out_and_writing_the_inventory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    from unshim.bot.report import inventory

    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    (tmp_path / "app/core.py").write_text("import os\n")
    render = inventory.text

    def slow_text(analysis: object) -> str:  # the inventory's references take this long
        time.sleep(1.0)
        return render(analysis)  # type: ignore[arg-type]

    monkeypatch.setattr(inventory, "text", slow_text)
    assert main(["analyze", str(tmp_path)]) == 0
    printed = re.search(r"analyzed 2 files in ([\d.]+) s", capsys.readouterr().err)
    assert printed is not None and float(printed.group(1)) >= 1.0


def test_a_process_knows_how_long_it_has_run() -> None:
    from unshim.bot.console import process_age

    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time; time.sleep(0.5); from unshim.bot.console import "
            "process_age; print(process_age())",
        ],
        env={**os.environ, "PYTHONPATH": PYTHONPATH},
        capture_output=True,
        text=True,
        check=True,
    )
    assert float(done.stdout) >= (0.45 if sys.platform == "linux" else 0.0)
    assert process_age() >= 0.0
