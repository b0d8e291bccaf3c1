"""The bot's one edit of a configuration file: deleted shims join `[tool.unshim] removed`,
every other byte of the file as it was."""

from __future__ import annotations

from pathlib import Path

from unshim.bot.config import load_config
from unshim.bot.guard_config import add_removed

PYPROJECT = """\
[project]
name = "app"  # the distribution

[tool.unshim]
# The shims of the 2025 refactor.
shims = ['app.legacy']

[tool.ruff]
line-length = 100
"""


def test_removed_is_added_keeping_comments_quotes_and_order(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(PYPROJECT, encoding="utf-8")
    assert add_removed(path, ["app.legacy=app.core"]) == ("app.legacy=app.core",)
    text = path.read_text(encoding="utf-8")
    assert text == PYPROJECT.replace(
        "shims = ['app.legacy']\n", "shims = ['app.legacy']\nremoved = [\"app.legacy=app.core\"]\n"
    )
    assert load_config(tmp_path).removed == ("app.legacy=app.core",)


def test_a_module_already_listed_is_not_added_twice(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.unshim]\nremoved = ["app.legacy"]  # gone\n', encoding="utf-8")
    assert add_removed(path, ["app.legacy=app.core"]) == ()
    assert add_removed(path, ["app.old"]) == ("app.old",)
    assert load_config(tmp_path).removed == ("app.legacy", "app.old")
    assert "# gone" in path.read_text(encoding="utf-8")


def test_a_pyproject_without_the_table_gets_one(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "app"\n', encoding="utf-8")
    add_removed(path, ["app.legacy"])
    assert path.read_text(encoding="utf-8").startswith('[project]\nname = "app"\n')
    assert load_config(tmp_path).removed == ("app.legacy",)


def test_an_unshim_toml_gets_a_top_level_key_and_keeps_crlf(tmp_path: Path) -> None:
    path = tmp_path / ".unshim.toml"
    path.write_bytes(b'shims = ["app.legacy"]\r\n')
    add_removed(path, ["app.legacy"])
    assert path.read_bytes() == b'shims = ["app.legacy"]\r\nremoved = ["app.legacy"]\r\n'


def test_a_file_that_is_not_toml_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.unshim\n", encoding="utf-8")
    assert add_removed(path, ["app.legacy"]) == ()
    assert path.read_text(encoding="utf-8") == "[tool.unshim\n"
