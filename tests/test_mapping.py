"""`unshim mapping` publishes where a library's shim names live now; `unshim apply --mapping`
rewrites a downstream tree from it, without the library's source."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest

from tests.treemaker import make_tree
from unshim.bot.cli import main

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "demo"
SCHEMA = json.loads((ROOT / "docs" / "mapping.schema.json").read_text(encoding="utf-8"))
SHIM = "src.app.infrastructure.exchange.mexc"
OLD = "src.app.infrastructure.exchange.mexc"
NEW = "src.app.infrastructure.external.mexc"

DOWNSTREAM = f'''\
"""A downstream project's module that imports the demo's shims."""
import os  # stays
from {OLD} import MexcClient  # the client
from {OLD}.http.signing import sign_params as sp
import {OLD}._shared.symbols as sym

pair = sym.split_symbol("BTC_USDT")
'''

REWRITTEN = f'''\
"""A downstream project's module that imports the demo's shims."""
import os  # stays
from {NEW}.client import MexcClient  # the client
from {NEW}.signing import sign_params as sp
import {NEW}.symbols as sym

pair = sym.split_symbol("BTC_USDT")
'''


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's mapping, made from a copy of the demo."""
    base = tmp_path_factory.mktemp("library")
    shutil.copytree(DEMO, base / "demo", ignore=shutil.ignore_patterns(".git", "__pycache__"))
    out = base / "mapping.json"
    assert main(["mapping", str(base / "demo"), "--shim", SHIM, "-o", str(out), "-q"]) == 0
    return out


def _downstream(tmp_path: Path, text: str) -> Path:
    return make_tree(tmp_path / "downstream", {"app/__init__.py": "", "app/use.py": text})


def test_the_mapping_follows_the_schema(published: Path) -> None:
    document = json.loads(published.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    assert document["producer"] == {"distribution": "mexc-trader", "version": "0.4.2"}
    names = {entry["old"]: entry for entry in document["names"]}
    assert names[f"{OLD}.MexcClient"]["new"] == f"{NEW}.client.MexcClient"
    signing = names[f"{OLD}.http.signing.sign_params"]
    assert signing["new"] == f"{NEW}.signing.sign_params"
    assert signing["deprecation"].startswith(f"{OLD}.http.signing is deprecated")
    assert names[f"{OLD}._shared.symbols"]["name"] is None  # the whole module is an alias


def test_the_ruff_table_names_the_new_home(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "demo"
    shutil.copytree(DEMO, library, ignore=shutil.ignore_patterns(".git", "__pycache__"))
    assert main(["mapping", str(library), "--shim", SHIM, "--format", "ruff", "-q"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[tool.ruff.lint.flake8-tidy-imports.banned-api]\n")
    assert (
        f'"{OLD}.MexcClient".msg = "{OLD}.MexcClient moved; import {NEW}.client.MexcClient '
        'instead"\n'
    ) in out


def test_apply_mapping_rewrites_a_downstream_tree_byte_for_byte(
    tmp_path: Path, published: Path
) -> None:
    tree = _downstream(tmp_path, DOWNSTREAM)
    assert main(["apply", str(tree), "--mapping", str(published), "-q"]) == 0
    assert (tree / "app" / "use.py").read_text(encoding="utf-8") == REWRITTEN
    assert sorted(p.name for p in (tree / "app").iterdir()) == ["__init__.py", "use.py"]


def test_a_name_not_in_the_mapping_is_kept_and_reported(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"from {OLD} import MexcClient, NotPublished\n"
    tree = _downstream(tmp_path, text)
    assert main(["apply", str(tree), "--mapping", str(published)]) == 1
    assert (tree / "app" / "use.py").read_text(encoding="utf-8") == (
        f"from {NEW}.client import MexcClient\nfrom {OLD} import NotPublished\n"
    )
    err = capsys.readouterr().err
    assert (
        f"app/use.py:1: {OLD}: still imports NotPublished from it: not in the mapping: kept" in err
    )


def _with_test(tmp_path: Path, use: str, test: str) -> Path:
    files = {"app/__init__.py": "", "app/use.py": use, "tests/test_use.py": test}
    return make_tree(tmp_path / "downstream", files)


def test_a_downstream_tests_patch_follows_the_rewritten_import(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    use = f"def connect():\n    from {OLD} import MexcClient\n    return MexcClient()\n"
    test = f"from unittest import mock\n\n\n@mock.patch('{OLD}.MexcClient')\ndef test_it(m): ...\n"
    tree = _with_test(tmp_path, use, test)
    assert main(["apply", str(tree), "--mapping", str(published)]) == 0
    assert f"from {NEW}.client import MexcClient" in (tree / "app/use.py").read_text()
    assert (tree / "tests/test_use.py").read_text() == test.replace(
        f"'{OLD}.MexcClient'", f"'{NEW}.client.MexcClient'"
    )
    err = capsys.readouterr().err
    assert (
        f"patch target: tests/test_use.py:4: '{OLD}.MexcClient' -> '{NEW}.client.MexcClient'" in err
    )


def _kept(
    tmp_path: Path, published: Path, use: str, test: str, capsys: pytest.CaptureFixture[str]
) -> str:
    """apply --mapping on a tree of `use` and its `test` that must keep both as they are:
    its exit code is 1, and what it said on standard error is returned."""
    tree = _with_test(tmp_path, use, test)
    assert main(["apply", str(tree), "--mapping", str(published)]) == 1
    assert (tree / "app/use.py").read_text() == use
    assert (tree / "tests/test_use.py").read_text() == test
    return capsys.readouterr().err


def test_a_patch_whose_name_stays_imported_through_the_shim_stays_with_its_imports(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    use = f"from {OLD} import MexcClient, NotPublished\n"
    test = "import pytest\n\n\ndef test_it(monkeypatch):\n"
    test += f"    monkeypatch.setattr('{OLD}.MexcClient', 1)\n"
    err = _kept(tmp_path, published, use, test, capsys)
    assert f"tests/test_use.py:5: {OLD}: tests patch names looked up in {OLD}" in err


def test_a_module_loaded_by_name_or_replaced_in_sys_modules_is_reported(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    use = f"import importlib\n\nMOD = importlib.import_module('{OLD}.http.signing')\n"
    test = "import sys\nfrom unittest import mock\n\n"
    test += f"mock.patch.dict(sys.modules, {{'{OLD}': None}})\n"
    err = _kept(tmp_path, published, use, test, capsys)
    signing = f"{OLD}.http.signing"
    assert f"app/use.py:3: {signing}: import_module('{signing}') loads it by name" in err
    assert "tests/test_use.py:4" in err and "in sys.modules cannot be retargeted" in err


@pytest.mark.parametrize(
    ("contents", "message"),
    [
        ("{not json", "not JSON"),
        ('{"schema_version": 7, "names": []}', "schema_version 7 is not 1"),
        ('{"schema_version": 1, "names": [{"old": "a.b", "new": "c d"}]}', "must be a dotted"),
    ],
)
def test_a_bad_mapping_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], contents: str, message: str
) -> None:
    tree = _downstream(tmp_path, DOWNSTREAM)
    bad = tmp_path / "bad.json"
    bad.write_text(contents, encoding="utf-8")
    assert main(["apply", str(tree), "--mapping", str(bad)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert (tree / "app" / "use.py").read_text(encoding="utf-8") == DOWNSTREAM


def test_a_missing_mapping_file_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = _downstream(tmp_path, DOWNSTREAM)
    assert main(["apply", str(tree), "--mapping", str(tmp_path / "none.json")]) == 2
    assert "cannot read the mapping" in capsys.readouterr().err


def test_a_forwarding_getattr_that_lists_no_names_is_reported_as_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = make_tree(
        tmp_path / "lib",
        {
            "pkg/__init__.py": "",
            "pkg/_new/__init__.py": "",
            "pkg/_new/numeric.py": "def f():\n    return 1\n",
            "pkg/old.py": """
                def __getattr__(name):
                    import warnings
                    from pkg._new import numeric
                    warnings.warn("pkg.old is deprecated", DeprecationWarning, stacklevel=2)
                    return getattr(numeric, name)
                """,
        },
    )
    assert main(["mapping", str(library), "--shim", "pkg.old", "-q"]) == 0
    document = json.loads(capsys.readouterr().out)
    jsonschema.validate(document, SCHEMA)
    assert document["names"] == []
    assert document["kept"] == [
        {
            "subject": "pkg.old",
            "reason": "the source places none of its names (its __getattr__ forwards names it "
            "does not list): nothing is mapped for it",
            "at": "pkg/old.py",
        }
    ]


def test_a_mapping_of_the_trees_own_module_is_refused(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "demo"
    shutil.copytree(DEMO, library, ignore=shutil.ignore_patterns(".git", "__pycache__"))
    before = (library / "main.py").read_bytes()
    assert main(["apply", str(library), "--mapping", str(published)]) == 2
    assert "is a module of this tree" in capsys.readouterr().err
    assert (library / "main.py").read_bytes() == before


def test_apply_mapping_check_writes_nothing_and_exits_1(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = _downstream(tmp_path, DOWNSTREAM)
    assert main(["apply", str(tree), "--mapping", str(published), "--check"]) == 1
    assert (tree / "app" / "use.py").read_text(encoding="utf-8") == DOWNSTREAM
    out, err = capsys.readouterr()
    assert (
        f"app/use.py:3: from {OLD} import MexcClient -> from {NEW}.client import MexcClient" in out
    )
    assert "check failed: unshim apply would rewrite 3 imports in 1 file" in err
    assert main(["apply", str(tree), "--mapping", str(published), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["mode"] == "write"
    assert (tree / "app" / "use.py").read_text(encoding="utf-8") == REWRITTEN
