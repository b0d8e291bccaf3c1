"""A file only Python 3.12 parses, read by unshim on an older Python: the reason names the
construct and its line and the interpreter that reads it; the file is never written, and a shim
or package it names is kept (the rewrite and the deletion go on without it)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from tests.apply_support import CANONICAL, write_tree
from unshim.bot.cli import main
from unshim.codemods.delete.removal import prove_and_delete
from unshim.codemods.rewrite.located import prepare
from unshim.codemods.scan.build import build_index
from unshim.codemods.scan.newer import syntax_problem

pytestmark = pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="the running ast reads Python 3.12 syntax"
)
RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


def reason(source: str) -> str:
    with pytest.raises(SyntaxError) as raised:
        ast.parse(source)
    return syntax_problem(raised.value, source)


def newer(line: int, what: str) -> str:
    return (
        f"uses Python 3.12 syntax (line {line}: {what}); unshim runs on Python {RUNNING}: run "
        "it with Python 3.12 or newer to rewrite this file"
    )


@pytest.mark.parametrize(
    ("source", "line", "what"),
    [
        pytest.param("import os\ntype Alias = int\n", 2, "type statement", id="type_statement"),
        pytest.param("type Pair[T] = tuple[T, T]\n", 1, "type statement", id="generic_alias"),
        pytest.param(
            "x = 1\ndef first[T](items: list[T]) -> T:\n    return items[0]\n",
            2,
            "type parameters of def first",
            id="generic_def",
        ),
        pytest.param(
            "class Box[T]:\n    item: T\n", 1, "type parameters of class Box", id="generic_class"
        ),
        pytest.param(
            'd = {}\nx = f"{d["key"]}"\n', 2, "f-string nesting the same quotes", id="same_quotes"
        ),
        pytest.param(
            "x = f'{a:{'>'}10}'\n", 1, "f-string nesting the same quotes", id="same_quotes_in_spec"
        ),
        pytest.param(
            'print(1,\n      f"{", ".join(names)}",\n      2)\n',
            2,
            "f-string nesting the same quotes",
            id="same_quotes_inside_a_call",
        ),
        pytest.param(
            "x = f\"{'\\n'.join(lines)}\"\n",
            1,
            "backslash in an f-string expression",
            id="backslash",
        ),
        pytest.param('x = f"{a  # why\n}"\n', 1, "comment in an f-string expression", id="comment"),
        pytest.param(
            'x = f"{a +\n      b}"\n', 1, "f-string expression over several lines", id="multiline"
        ),
    ],
)
def test_each_python_3_12_form_is_named_with_its_line(source: str, line: int, what: str) -> None:
    assert reason(source) == newer(line, what)


@pytest.mark.parametrize(
    ("source", "error"),
    [
        pytest.param("x = = 1\n", "syntax error at line 1: invalid syntax", id="plain_error"),
        pytest.param(
            "x = (\ntype Alias = int\n",
            "syntax error at line 1: '(' was never closed",
            id="error_before_the_construct",
        ),
        pytest.param(
            "type Alias = int\nx = )\n",
            "syntax error at line 2: unmatched ')'",
            id="error_after_the_construct",
        ),
        pytest.param(
            "type Alias = int\ndef f(:\n    pass\n",
            "syntax error at line 1: invalid syntax",
            id="construct_and_an_error_of_its_own",
        ),
    ],
)
def test_a_file_with_a_syntax_error_of_its_own_keeps_that_reason(source: str, error: str) -> None:
    assert reason(source) == error


def test_what_this_python_parses_is_no_newer_syntax() -> None:
    for source in ("type = 1\nprint(type)\n", 'x = f"""{d["a"]}"""\n', "x = f'{a!r:>{w}}'\n"):
        ast.parse(source)  # raises if the examples were wrong


def test_the_rewrite_never_writes_such_a_file_and_says_why() -> None:
    assert prepare(b"from old.one import Real\ntype Alias = Real\n").problem == newer(
        2, "type statement"
    )


def test_apply_keeps_the_shim_a_newer_file_imports_and_rewrites_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer_file = "from old.one import Real\n\ntype Alias = list[Real]\n"
    write_tree(
        tmp_path,
        {**CANONICAL, "app/new.py": newer_file, "app/use.py": "from old.one import Real\n"},
    )
    assert main(["apply", str(tmp_path), "--shim", "old"]) == 1
    err = capsys.readouterr().err
    assert (
        f"not parsed: app/new.py: mentions old but {newer(3, 'type statement')}; the shim it "
        "imports is kept\n"
    ) in err
    assert (tmp_path / "app/new.py").read_text() == newer_file
    assert (tmp_path / "app/use.py").read_text() == "from real.core import Real\n"
    assert (tmp_path / "old/one.py").exists()


def test_the_deletion_keeps_a_package_a_newer_file_names(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "dead/__init__.py": "",
            "dead/mod.py": "x = 1\n",
            "app.py": "import dead.mod\n\nclass Box[T]:\n    item: T\n",
        },
    )
    result = prove_and_delete(build_index(root), ("dead",), dry_run=True)
    assert result.deleted_files == ()
    assert [(str(k.location), k.reason) for k in result.kept] == [
        (
            "app.py:1",
            f"was not analyzed ({newer(3, 'type parameters of class Box')}) and mentions dead",
        )
    ]
