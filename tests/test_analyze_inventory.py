"""The import graph, references, package inventory and the `analyze` command."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest

from tests.treemaker import make_tree as make
from unshim.bot.cli import main
from unshim.codemods import workers
from unshim.codemods.analyze.analysis import Analysis, analyze
from unshim.codemods.analyze.inventory import ACTIVE, DEAD, SHIM_LAYER
from unshim.codemods.scan.build import CHECK_BATCH

SCHEMA = json.loads((Path(__file__).parent.parent / "docs/analyze.schema.json").read_text())


LAYOUT = {
    "app/__init__.py": "",
    "app/real/__init__.py": "",
    "app/real/core.py": "class Core: ...\ndef helper(): ...\n",
    "app/real/net.py": "class Net: ...\n",
    "app/old/__init__.py": "",
    "app/old/core.py": "from app.real.core import Core, helper\n",
    "app/old/net.py": "from app.real.net import Net as OldNet\n",
}


def refs_of(analysis: Analysis, importer: str) -> set[tuple[str, str | None]]:
    return {(r.target, r.name) for r in analysis.refs if r.importer == importer}


IMPORT_FORMS = [
    ("from app.old.core import Core", {("app.old.core", "Core")}),
    ("from ..old.core import Core", {("app.old.core", "Core")}),
    ("from ..old import core", {("app.old.core", None)}),
    ("import app.old.core", {("app.old.core", None)}),
    ("import app.old.core as c", {("app.old.core", None)}),
    ("def f():\n    from app.old.core import helper", {("app.old.core", "helper")}),
    (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.old.net import OldNet",
        {("typing", "TYPE_CHECKING"), ("app.old.net", "OldNet")},
    ),
    (
        "try:\n    from app.old.net import OldNet\nexcept ImportError:\n    OldNet = None",
        {("app.old.net", "OldNet")},
    ),
]


@pytest.mark.parametrize(("source", "expected"), IMPORT_FORMS)
def test_every_import_form_is_resolved(
    tmp_path: Path, source: str, expected: set[tuple[str, str | None]]
) -> None:
    analysis = analyze(
        make(tmp_path, {**LAYOUT, "app/svc/__init__.py": "", "app/svc/use.py": source + "\n"})
    )
    assert refs_of(analysis, "app.svc.use") == expected


def test_import_contexts_are_marked(tmp_path: Path) -> None:
    source = """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from app.old.net import OldNet
        try:
            import app.old.core
        except ImportError:
            pass
        def f():
            from app.old.core import helper
    """
    analysis = analyze(make(tmp_path, {**LAYOUT, "app/use.py": source}))
    stmts = {r.line: r.stmt for r in analysis.refs if r.importer == "app.use"}
    assert stmts[3].type_checking and not stmts[3].guarded
    assert stmts[5].guarded and not stmts[5].type_checking
    assert stmts[9].in_function


def test_dynamic_references_are_marked_by_kind(tmp_path: Path) -> None:
    source = """
        import importlib
        from unittest import mock
        importlib.import_module("app.old.core")
        __import__("app.old.net")
        with mock.patch("app.old.core.helper"):
            pass
        HANDLER = "app.old.core:helper"
        OTHER = "app.older.thing"
    """
    analysis = analyze(make(tmp_path, {**LAYOUT, "app/use.py": source}))
    kinds = {(r.text, r.kind) for r in analysis.references if r.location.path == "app/use.py"}
    assert kinds == {
        ("app.old.core", "import_module"),
        ("app.old.net", "__import__"),
        ("app.old.core.helper", "mock.patch"),
        ("app.old.core:helper", "string"),
    }


def test_prefix_sharing_string_is_not_a_reference(tmp_path: Path) -> None:
    analysis = analyze(make(tmp_path, {**LAYOUT, "app/use.py": 'X = "app.oldies.core"\n'}))
    assert not [r for r in analysis.references if r.location.path == "app/use.py"]


def test_shim_layer_points_at_canonical_package(tmp_path: Path) -> None:
    analysis = analyze(make(tmp_path, {**LAYOUT, "app/use.py": "from app.old.core import Core\n"}))
    old = next(p for p in analysis.packages if p.name == "app.old")
    assert old.status == SHIM_LAYER
    assert old.points_to == ("app.real",)
    assert old.importers == ("app.use",)


def test_unimported_subpackage_is_dead_with_evidence(tmp_path: Path) -> None:
    analysis = analyze(
        make(tmp_path, {**LAYOUT, "app/unused/__init__.py": "", "app/unused/x.py": "X = 1\n"})
    )
    unused = next(p for p in analysis.packages if p.name == "app.unused")
    assert unused.status == DEAD
    assert "no module outside the package imports it" in unused.evidence[0]


def test_string_reference_keeps_package_alive(tmp_path: Path) -> None:
    files = {
        **LAYOUT,
        "app/unused/__init__.py": "",
        "app/loader.py": 'import importlib\nimportlib.import_module("app.unused")\n',
    }
    unused = next(p for p in analyze(make(tmp_path, files)).packages if p.name == "app.unused")
    assert unused.status == ACTIVE
    assert [r.kind for r in unused.dynamic] == ["import_module"]


def test_entry_point_in_pyproject_is_a_reference(tmp_path: Path) -> None:
    files = {
        **LAYOUT,
        "app/old/cli.py": "from app.real.core import helper\n",
        "pyproject.toml": '[project.scripts]\nold = "app.old.cli:helper"\n',
        "README.md": "The old layer lives in app/old and app.old.core.\n",
    }
    analysis = analyze(make(tmp_path, files))
    kinds = {(r.location.path, r.kind) for r in analysis.references}
    assert ("pyproject.toml", "config") in kinds
    assert ("README.md", "prose") in kinds
    old = next(p for p in analysis.packages if p.name == "app.old")
    assert [r.location.path for r in old.dynamic] == ["pyproject.toml"]


def test_grep_count_and_exact_count_differ_where_grep_is_blind(tmp_path: Path) -> None:
    files = {
        **LAYOUT,
        "app/a.py": "import app.old.core\n",
        "app/b.py": "from app.old.core import Core\n",
        "app/svc/__init__.py": "",
        "app/svc/c.py": "from ..old.net import OldNet\n",
    }
    old = next(p for p in analyze(make(tmp_path, files)).packages if p.name == "app.old")
    assert len(old.importers) == 3
    assert old.grep_count == 1
    assert old.grep_command == 'grep -rhaF "from app.old" --include="*.py" . | wc -l'


BROKEN = [
    ("syntax.py", b"def f(:\n", "syntax error at line 1"),
    ("python2.py", b'print "hello"\n', "syntax error at line 1"),
    ("nul.py", b"x = 1\x00\n", "NUL"),
    ("latin.py", b"x = '\xe9'\n", "cannot be decoded"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BROKEN)
def test_unparseable_file_is_listed_and_run_goes_on(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    analysis = analyze(make(tmp_path, {**LAYOUT, f"app/{name}": data}))
    assert [(p.path, reason in p.reason) for p in analysis.not_analyzed] == [(f"app/{name}", True)]
    assert "app.real.core" in analysis.index.modules


def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    make(tmp_path, LAYOUT)
    os.symlink(tmp_path / "app", tmp_path / "app" / "loop")
    assert "app.real.core" in analyze(tmp_path).index.modules


def test_git_ignored_files_are_not_indexed(tmp_path: Path) -> None:
    make(tmp_path, {**LAYOUT, "build_out/gen.py": "x = 1\n", ".gitignore": "build_out/\n"})
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    analysis = analyze(tmp_path)
    assert "build_out.gen" not in analysis.index.modules
    assert "app.old.core" in analysis.index.modules


def test_namespace_package_is_a_package(tmp_path: Path) -> None:
    analysis = analyze(make(tmp_path, {"ns/pkg/mod.py": "X = 1\n"}))
    assert {"ns", "ns.pkg"} <= analysis.index.packages


def test_json_output_matches_the_documented_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {**LAYOUT, "app/use.py": "from app.old.core import Core\n", "app/bad.py": b"def (\n"}
    assert main(["analyze", str(make(tmp_path, files)), "--format", "json", "-q"]) == 0
    document = json.loads(capsys.readouterr().out)
    jsonschema.validate(document, SCHEMA)
    assert document["summary"]["shim_layers"] == 1


def test_markdown_output_written_to_file(tmp_path: Path) -> None:
    make(tmp_path, {**LAYOUT, "app/use.py": "from app.old.core import Core\n"})
    out = tmp_path / "docs" / "infrastructure.md"
    out.parent.mkdir()
    assert main(["analyze", str(tmp_path), "--format", "markdown", "-o", str(out), "-q"]) == 0
    text = out.read_text()
    assert "### `app.old`" in text
    assert "**Status**: SHIM LAYER" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["analyze", "/no/such/dir"], "/no/such/dir: no such file or directory"),
        (["analyze", "{empty}"], "no Python files to analyze"),
        (["analyze", "{tree}", "--format", "yaml"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    (tmp_path / "empty").mkdir()
    make(tmp_path / "tree", LAYOUT)
    argv = [a.format(empty=tmp_path / "empty", tree=tmp_path / "tree") for a in argv]
    with pytest.raises(SystemExit) if "--format" in argv else _nothing() as raised:
        assert main(argv) == 2
    if raised is not None:
        assert raised.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[tool.unshim]\nshim = ["a"]\n', "unknown key 'shim'"),
        ('[tool.unshim]\nsource-roots = "src"\n', "'source-roots' must be a list of non-empty"),
        ("[tool.unshim.verify]\ntimeout = -1\n", "'timeout' must be a positive number"),
        ("[tool.unshim\n", "not valid TOML"),
    ],
)
def test_configuration_errors_name_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str, message: str
) -> None:
    make(tmp_path, {**LAYOUT, "pyproject.toml": table})
    assert main(["analyze", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "pyproject.toml" in err
    assert len(err.strip().splitlines()) == 1


def test_source_root_flag_overrides_configuration(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/m.py": "X = 1\n",
            ".unshim.toml": 'source-roots = ["."]\n',
        },
    )
    assert main(["analyze", str(tmp_path), "--source-root", "src", "-q", "-o", "/dev/null"]) == 0
    assert "pkg.m" in analyze(tmp_path, ("src",)).index.modules


def test_file_that_does_not_compile_is_found_by_the_parallel_check(tmp_path: Path) -> None:
    # Enough files for the worker processes to check grammar while the analysis runs.
    files: dict[str, str | bytes] = {f"app/m{i}.py": f"X{i} = {i}\n" for i in range(250)}
    files["app/__init__.py"] = ""
    files["app/legacy.py"] = 'import os\nprint "hello"\n'
    analysis = analyze(make(tmp_path, files), jobs=2)
    assert [(p.path, p.reason.startswith("syntax error")) for p in analysis.not_analyzed] == [
        ("app/legacy.py", True)
    ]
    assert "app.legacy" not in analysis.index.modules
    assert "app.m249" in analysis.index.modules


def test_files_that_do_not_compile_are_found_in_every_batch_of_the_parallel_check(
    tmp_path: Path,
) -> None:
    # Files long enough for the check to go to the workers in several batches as the reading
    # goes, with a broken file among the first, the middle and the last read.
    filler = "".join(f"def f{n}(x):\n    return x + {n}\n\n" for n in range(150))
    files: dict[str, str | bytes] = {f"app/m{i:03}.py": filler for i in range(300)}
    files["app/__init__.py"] = ""
    broken = ["app/m000.py", "app/m150.py", "app/m299.py"]
    for path in broken:
        files[path] = filler + "return 1\n"
    assert sum(len(text) for text in files.values()) > 4 * CHECK_BATCH
    analysis = analyze(make(tmp_path, files), jobs=2)
    assert [(p.path, "'return' outside function" in p.reason) for p in analysis.not_analyzed] == [
        (path, True) for path in broken
    ]
    assert "app.m001" in analysis.index.modules and "app.m150" not in analysis.index.modules


def test_the_grammar_check_workers_run_at_a_lower_priority() -> None:
    with workers.pool(1, nice=3) as pool:
        niceness = pool.submit(os.nice, 0).result()
    assert niceness == os.nice(0) + 3


# What `ast.parse` accepts and only the compiler refuses, as `compileall` reports it.
COMPILER_ONLY = [
    pytest.param("return 1\n", "'return' outside function", id="return"),
    pytest.param("await f()\n", "'await' outside function", id="await"),
    pytest.param("nonlocal z\n", "nonlocal declaration not allowed at module level", id="nonlocal"),
    pytest.param("for x in y:\n    pass\nbreak\n", "'break' outside loop", id="break"),
]
# The three ways a file is read: a short module (its body parsed as a shim candidate), a
# line nested deeper than the scanner follows (read by `ast`), a longer module (scanned).
READINGS = {
    "short": "import os\n",
    "deep": "import os\nx = ((((((((((1))))))))))\n",
    "scanned": "import os\n\n"
    + "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(60)),
}


@pytest.mark.parametrize("reading", ["short", "deep", "scanned"])
@pytest.mark.parametrize(("statement", "error"), COMPILER_ONLY)
def test_a_file_only_the_compiler_refuses_is_not_analyzed(
    tmp_path: Path, reading: str, statement: str, error: str
) -> None:
    body = READINGS[reading] + statement
    with pytest.raises(SyntaxError, match=error):
        compile(body, "m.py", "exec", dont_inherit=True)
    analysis = analyze(make(tmp_path, {"app/__init__.py": "", "app/m.py": body}))
    assert [(p.path, error in p.reason) for p in analysis.not_analyzed] == [("app/m.py", True)]
