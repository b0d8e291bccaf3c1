"""docs/config.schema.json is the configuration's one description: bot/config.py accepts and
rejects what it does, key by key, with the same defaults; the README's tables are generated
from it; a misspelt key gets "did you mean"."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from unshim.bot.config import Config, PullRequestConfig, VerifyConfig, config_keys, parse_config
from unshim.bot.errors import UsageError

ROOT = Path(__file__).parent.parent
SCHEMA = json.loads((ROOT / "docs/config.schema.json").read_text())
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def _tables() -> Any:
    spec = importlib.util.spec_from_file_location("config_tables", ROOT / "docs/config_tables.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["config_tables"] = module
    spec.loader.exec_module(module)
    return module


# Values a TOML file can hold, each wrong for most keys and right for some.
PROBES: list[Any] = [
    True, False, 0, 1, 2.5, -3, "", " ", "x", "a.b", "a b", "a.b=c.d", "src",
    "libcst", "bowler", "static", "import", "draft", "skip",
    [], ["x"], ["a.b"], ["a.b=c.d"], [" a.b = c "], ["a=b=c"], ["1a"], ["a b"], [""], [" "],
    [1], ["x", 2], [["x"]], {}, {"a": "b"}, {"a": ""}, {"a": 1}, {"": "b"},
]  # fmt: skip

TABLES = {
    "tool.unshim": (SCHEMA["properties"], Config, lambda key, value: {key: value}),
    "tool.unshim.verify": (
        SCHEMA["properties"]["verify"]["properties"],
        VerifyConfig,
        lambda key, value: {"verify": {key: value}},
    ),
    "tool.unshim.pr": (
        SCHEMA["properties"]["pr"]["properties"],
        PullRequestConfig,
        lambda key, value: {"pr": {key: value}},
    ),
}


def _cases() -> list[tuple[str, str]]:
    return [(table, key) for table, keys in config_keys().items() for key in keys]


def test_the_schema_is_draft_07_with_an_id() -> None:
    # Draft 7 with an absolute $id: what validate-pyproject, Taplo and SchemaStore take.
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert SCHEMA["$id"].startswith("https://")


def _validate_pyproject(path: Path) -> subprocess.CompletedProcess[str]:
    program = Path(sys.executable).with_name("validate-pyproject")
    tool = f"unshim={(ROOT / 'docs/config.schema.json').as_uri()}"
    return subprocess.run(
        [str(program), "--tool", tool, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("table", "error"),
    [
        ('shims = ["app.legacy"]\n', None),
        ('shim = ["app.legacy"]\n', "`tool.unshim` must not contain {'shim'} properties"),
        ("[tool.unshim.verify]\ntimeout = 0\n", "`tool.unshim.verify.timeout` must be"),
        ('kind = "service"\n', "`tool.unshim.kind` must be one of"),
    ],
    ids=["valid", "misspelt", "out-of-range", "not-one-of"],
)
def test_validate_pyproject_checks_the_table_with_the_published_schema(
    tmp_path: Path, table: str, error: str | None
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    header = "" if table.startswith("[") else "[tool.unshim]\n"
    pyproject.write_text(f'[project]\nname = "app"\nversion = "1.0"\n\n{header}{table}')
    done = _validate_pyproject(pyproject)
    if error is None:
        assert done.returncode == 0, done.stdout + done.stderr
    else:
        assert done.returncode == 1 and error in done.stdout + done.stderr


def test_validate_pyproject_accepts_the_demo_and_this_repository() -> None:
    for path in (ROOT / "demo/pyproject.toml", ROOT / "pyproject.toml"):
        done = _validate_pyproject(path)
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_and_the_checks_know_the_same_keys() -> None:
    for table, (properties, _, _) in TABLES.items():
        documented = {k for k in properties if table != "tool.unshim" or k not in ("verify", "pr")}
        assert documented == set(config_keys()[table]), table


@pytest.mark.parametrize(("table", "key"), _cases())
def test_the_schema_and_the_checks_accept_the_same_values(table: str, key: str) -> None:
    properties, _, document = TABLES[table]
    node = properties[key]
    probes = [*PROBES, *([node["default"]] if "default" in node else [])]
    for value in probes:
        data = document(key, value)
        by_schema = VALIDATOR.is_valid(data)
        try:
            parse_config(data, "pyproject.toml")
            by_checks = True
        except UsageError:
            by_checks = False
        assert by_schema == by_checks, f"{table} {key} = {value!r}"


@pytest.mark.parametrize(("table", "key"), _cases())
def test_the_schema_and_the_checks_have_the_same_default(table: str, key: str) -> None:
    properties, values, _ = TABLES[table]
    attribute = {f.name: f for f in dataclasses.fields(values)}[key.replace("-", "_")]
    default = values().__dict__[attribute.name]
    if isinstance(default, tuple):  # lists are tuples once read; moves are (old, new) pairs
        default = dict(default) if key == "moves" else list(default)
    if "default" in properties[key]:
        assert properties[key]["default"] == default
    else:
        assert default is None  # computed at run time; the schema's description says how


def test_a_project_configuration_validates(tmp_path: Path) -> None:
    table = {
        "source-roots": ["src"],
        "shims": ["app.legacy"],
        "moves": {"app.old": "app.new"},
        "removed": ["app.gone=app.core"],
        "verify": {"commands": ["python -m pytest --co -q"], "timeout": 120},
        "pr": {"labels": ["unshim", "refactor"], "on-failure": "skip"},
    }
    VALIDATOR.validate(table)
    parse_config(table, "pyproject.toml")


def test_the_readme_tables_are_the_schemas() -> None:
    tables = _tables()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert tables.updated(readme, SCHEMA) == readme, "run python docs/config_tables.py"
    assert tables.main(["--check"]) == 0


def test_the_readme_check_fails_when_a_key_is_missing() -> None:
    tables = _tables()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    schema = json.loads(json.dumps(SCHEMA))
    schema["properties"]["verify"]["properties"]["retries"] = {
        "type": "integer",
        "default": 0,
        "description": "how often a failed command is run again",
    }
    assert "| `retries` | integer | `0` | how often" in tables.updated(readme, schema)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"shim": ["a"]}, "[tool.unshim]: unknown key 'shim'; did you mean 'shims'?"),
        ({"source_roots": ["."]}, "unknown key 'source_roots'; did you mean 'source-roots'?"),
        ({"verfy": {}}, "[tool.unshim]: unknown key 'verfy'; did you mean 'verify'?"),
        ({"pr": {"label": ["x"]}}, "[tool.unshim.pr]: unknown key 'label'; did you mean 'labels'?"),
        ({"zzz": 1}, "[tool.unshim]: unknown key 'zzz' (known keys: auto, cache, codemods, "),
    ],
)
def test_an_unknown_key_gets_did_you_mean(table: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_config(table, "pyproject.toml")
    assert message in str(raised.value)
    assert len(str(raised.value).splitlines()) == 1
    assert not VALIDATOR.is_valid(table)
