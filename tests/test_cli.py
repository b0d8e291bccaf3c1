"""The command line as a newcomer meets it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import config_keys

ROOT = Path(__file__).parent.parent


def test_python_dash_m_bot_is_the_unshim_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=False
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

    monkeypatch.setattr("bot.commands.run_analysis", explode)
    assert main(["analyze", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert err.strip() == "error: internal error: RuntimeError: boom (rerun with --debug)"


def test_readme_documents_every_configuration_key() -> None:
    readme = (ROOT / "README.md").read_text()
    for table, keys in config_keys().items():
        section = readme.split(f"### `[{table}]`", 1)[1].split("###", 1)[0]
        documented = set(re.findall(r"^\| `([a-z-]+)` \|", section, re.M))
        assert documented == set(keys), table
