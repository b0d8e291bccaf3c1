"""The fast scanner against the ast reading it replaces: same facts, or no answer."""

from __future__ import annotations

import ast
import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

from unshim.codemods.scan import lexer
from unshim.codemods.scan.body import module_body
from unshim.codemods.scan.collector import file_facts, parse
from unshim.codemods.scan.facts import Facts
from unshim.codemods.scan.scanner import (
    scan,
    scan_file_bytes,
    shim_candidate,
    top_level_definitions,
)

needs_fast = pytest.mark.skipif(
    not lexer.FAST, reason="the scanner needs Python 3.11+ (possessive quantifiers)"
)


def reference(text: str) -> Facts:
    return file_facts(parse(text), with_body=False)


def parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


# name -> source. Each must give exactly the ast facts, and not fall back (None).
EXACT = {
    "absolute": """
        import os
        import os.path as osp, sys
        import a.b.c as d
        from __future__ import annotations
    """,
    "relative": """
        from . import a
        from .. import b as c
        from ...pkg.mod import (x, y as z,)
        from .sub.mod import w
        from m import *
    """,
    "multi-line parenthesized with comments": """
        from pkg.mod import (  # why
            a,  # first
            # a comment line
            b as c,
        )
        from pkg.other import (
            d
        )  # after
    """,
    "backslash continuations": """
        from a import b, \\
            c
        import d, \\
            e
        x = 1 + \\
            2
        import f
    """,
    "function level": """
        def f():
            import json
            from os import path
            return json

        def g(
            a,
            b,
        ):
            import re
    """,
    "class level": """
        class C:
            import json

            def m(self):
                from os import sep

                class D:
                    import inner
        def outer():
            class Local:
                import deep
    """,
    "type checking": """
        from typing import TYPE_CHECKING
        import typing
        if TYPE_CHECKING:
            from a import B
        if typing.TYPE_CHECKING:
            import c
        if (TYPE_CHECKING):
            import d
        if not TYPE_CHECKING:
            import e
        else:
            import f
        if x:
            pass
        elif TYPE_CHECKING:
            import g
        if TYPE_CHECKING:  # a comment
            import h
        if TYPE_CHECKING or x:
            import i
    """,
    "try except ImportError": """
        try:
            import ujson as json
        except ImportError:
            import json
        try:
            import a
        except (ValueError, ModuleNotFoundError) as error:
            pass
        try:
            import b
        except ValueError:
            import c
        else:
            import d
        finally:
            import e
        try:
            import f
        except:
            pass
        try:
            import g
        except builtins.Exception:
            pass
        try:
            import h
        finally:
            pass
        try:
            try:
                import i
            except KeyError:
                pass
        except ImportError:
            pass
    """,
    "try except other error": """
        try:
            import a
        except ValueError:
            a = None
        try:
            import b
        except (KeyError, TypeError):
            b = None
    """,
    "nested blocks": """
        import sys
        if sys.version_info >= (3, 11):
            import tomllib
        elif sys.platform == "win32":
            import nt
        else:
            import tomli as tomllib
        for x in y:
            import a
        else:
            import b
        while True:
            import c
            break
        with ctx() as value:
            import d
    """,
    "strings holding import text": """
        x = "import os"
        y = 'from a import b'
        z = '''
        import fake
        from fake import thing
        '''
        import real
    """,
    "docstrings with import lines": '''
        """Module doc.

        from fake import thing
        import other
        """
        def f():
            """
            from inner import x
            """
            import real
    ''',
    "comments with quotes": """
        # don't "import" this
        import a  # it's 'fine'
        x = "#"
        import b
    """,
    "decorators": """
        @decorator
        @other(1, key="value")
        def f():
            import x

        @dataclass
        class C:
            from y import z
    """,
    "async def": """
        async def f():
            import x
            async with a:
                import y
            async for i in b:
                import z
    """,
    "match statements": """
        match command:
            case "go":
                import x
            case {"k": v}:
                from y import z
            case _:
                pass
        match = re.match(pattern, text)
        case = 1
    """,
    "dotted strings and dynamic imports": """
        import importlib
        mod = importlib.import_module("pkg.sub")
        plain = importlib.import_module("numpy")
        __import__("os")
        spec = importlib.util.find_spec("a.b")
        runpy.run_module("pkg.main")
        setattr(obj, "x", 1)
        setattr("a", "b.c", 1)
        name = "pkg.module:attr"
        other = "not dotted"
        number = "1.5"
        x = {"a.b": "c.d", "e.f": "g.h"}
        cases = [("x.y", 1), ("z.w", 2)]
        pair = "sympy.core" if flag else "sympy.polys"
    """,
    "mock patch": """
        from unittest import mock

        @mock.patch("pkg.mod.func")
        @mock.patch.object(target, "attr")
        def test(m, n):
            with mock.patch.dict("os.environ", {}):
                pass
    """,
    "decorator and body strings order": """
        @register("outer.name")
        def f(a="x.y", *, b="z.w") -> "r.t":
            return "in.body"
    """,
    "implicit concatenation": """
        a = "pkg" ".mod"
        b = ("pkg."
             "mod")
        c = "pkg." "mod" + "x"
        d = "a" f".b{x}"
    """,
    "escapes and prefixes": r"""
        a = "pkg\x2emod"
        b = r"pkg.mod"
        c = b"pkg.mod"
        d = rb"pkg.mod"
        e = u"pkg.mod"
        f = "\N{FULL STOP}"
        h = "tab\there.x"
        i = R"x.y"
        j = "octal\056dot"
    """,
    "string continued inside its quotes": 'g = "a\\\n.b"\nh = """c\\\n.d"""\nimport a\n',
    "f-strings": """
        a = f"{x}.{y}"
        b = f"a.b"
        c = f"{d['k.v']}"
        e = f"{value:.2f}"
        g = f'{a["b"]}'
        h = f"{x!r:>{width}}"
        i = f"{obj.attr} and {call(1)}"
        j = f\"\"\"
        {x}.y
        \"\"\"
        k = f"{x:a.b}"
        m = f"<{type(self).__name__} at {id(self):#x}>"
        n = f'({",".join([f"{obj}.{f.name}" for f in fields])},)'
        o = f"{name}={value or ','.join(part.split('}')[-1] for part in parts)}"
        p = f\"\"\"{", ".join(["Symbol(" + repr(n) + ")" for n in names])}\"\"\"
        q = f"one {x} \\
        two"
    """,
    "raw f-strings": r"""
        key = rf"Software\Python\{tag}\InstallPath"
        other = fr'\d+\.{x}'
        import a
    """,
    "tab indentation": "def f():\n\tif y:\n\t\timport a\n\telse:\n\t\tpass\n\timport b\nimport c\n",
    "tabs in strings and blank lines": (
        's = """\n\tindented text\n"""\nx = 1\n\t# c\n  \t\nimport a\n'
    ),
    "inline bodies": """
        try: import x
        except ImportError: x = None
        if TYPE_CHECKING: import y
        class A: pass
        def f(): import z
        for i in range(3): import w
        if flag: value = 1
        else: value = 2
    """,
    "semicolons": """
        import a; import b
        x = 1; from c import d
        y = "s;t"
    """,
    "deep brackets": """
        x = ((((((((1))))))))
        import a
        y = [[[[[[[["a.b"]]]]]]]]
        def f():
            z = {1: [(((((((2, "c.d")))))))]}
            import b
        if ((((((((flag)))))))):
            import c
    """,
    "continuation lines starting with keywords": """
        result = [x
        for x in y
        if x]
        value = (a
                 if b
                 else c)
        def f():
            import a
    """,
    "module getattr": """
        def __getattr__(name):
            from .impl import thing
            return thing

        def __dir__():
            return ["thing"]
    """,
    "except star": """
        try:
            import a
        except* ImportError:
            pass
    """,
    "lambda and walrus": """
        f = lambda: 0
        if (n := len(x)) > 2:
            import a
        g = lambda s="a.b": s
    """,
    "empty": "",
    "only comments": """
        # nothing
        # at all
    """,
    "no final newline": "import a\nfrom b import c",
    "crlf line endings": "import a\r\nfrom b import (\r\n    c,\r\n)\r\nx = 'p.q'\r\n",
    "unicode names": """
        from módulo import x
        import café
        y = "naïve.name"
    """,
    "bare string statements": '''
        "a.b"
        def f():
            "c.d"
            """e.f"""
            f"g.h"
            return 1
        x = "kept.one"
    ''',
    "triple quoted with escaped quotes": (
        'x = """a\\"""b"""\n'
        "y = '''it\\'''s'''\n"
        'z = """ends with a backslash pair\\\\"""\n'
        "import a\n"
    ),
    "module name templates": """
        a = "%s.formats" % ("app.conf.locale.%s" % loc)
        b = "{}.formats".format(loc)
        c = f"app.conf.locale.{loc}"
        d = "app.conf." + loc + ".formats"
        e = f"{x:.{prec}f}" + f"{loc}.tags"
        f = name.startswith("app.conf.")
        g = "%(app)s.%(mod)s" % names
        import a
    """,
    "bytes that may hold module names": """
        a = b"capp.core.multiarray\\n_reconstruct\\n"
        b = rb"no dots here"
        c = b"escaped\\x2ename"
        b"bare bytes.statement"
        import a
    """,
    "string continued on the next line": """
        x = "abc\\
        def"
        import a
    """,
}

# name -> source the scanner declines (None): the caller reads those with ast.
DECLINED = {
    "form feed in indentation": "if x:\n  \fimport a\n",
    "keyword glued to a string": 'x = 1 if"a"else 2\nimport a\n',
    "null byte": "import a\n\0\n",
}


@needs_fast
@pytest.mark.parametrize("name", sorted(EXACT))
def test_same_facts_as_ast(name: str) -> None:
    text = textwrap.dedent(EXACT[name]).lstrip("\n")
    if not parses(text):
        pytest.skip(f"not valid syntax on Python {sys.version_info[:2]}")
    facts = scan(text)
    assert facts is not None, "the scanner fell back"
    assert facts == reference(text)


@needs_fast
@pytest.mark.parametrize("name", sorted(DECLINED))
def test_declined(name: str) -> None:
    assert scan(DECLINED[name]) is None


@needs_fast
def test_nested_same_quote_fstring_is_declined() -> None:
    # Valid on 3.12+ only: a string pattern would end the literal at the inner quote.
    assert scan('x = f"{d["k.v"]}"\nimport a\n') is None


@needs_fast
def test_contexts_read_without_ast_are_right() -> None:
    text = textwrap.dedent(EXACT["try except ImportError"]).lstrip("\n")
    facts = scan(text)
    assert facts is not None
    guarded = {stmt.names[0].name: stmt.guarded for stmt in facts.imports}
    assert guarded == {
        "ujson": True, "json": False, "a": True, "b": False, "c": False, "d": False,
        "e": False, "f": True, "g": True, "h": False, "i": True,
    }  # fmt: skip


@needs_fast
def test_file_bytes_encodings() -> None:
    source = "# -*- coding: latin-1 -*-\nimport a\nx = 'caf\xe9.b'\n"
    assert scan_file_bytes(source.encode("latin-1")) == reference(source)
    bom = b"\xef\xbb\xbfimport a\nfrom b import c\n"
    assert scan_file_bytes(bom) == reference(bom.decode("utf-8-sig"))
    assert scan_file_bytes(b"import a\nx = '\xff'\n") is None  # not UTF-8, no cookie
    assert scan_file_bytes(b"# coding: no-such-codec\nimport a\n") is None


PURE_SHIMS = {
    "star": "from .impl import *\n",
    "names and all": 'from .impl import a, b as c\n__all__ = ["a", "c"]\n',
    "warning": 'import warnings\nwarnings.warn("moved", DeprecationWarning)\nfrom .new import *\n',
    "getattr": "def __getattr__(name):\n    from . import impl\n    return getattr(impl, name)\n",
    "docstring with code-looking text": (
        '"""Old home.\n\ndef looks_like_code():\nclass Nope:\n"""\nfrom .new import x\n'
    ),
    "type checking": (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .impl import T\n"
    ),
    "async getattr": "async def __getattr__(name):\n    return name\n",
}
REAL_CODE = {
    "def": "from .impl import x\n\ndef helper():\n    return x\n",
    "class": "class Thing:\n    pass\n",
    "async def": "async def run():\n    pass\n",
    "decorated": "@cache\ndef f():\n    pass\n",
}


def has_code(text: str) -> bool:
    return any(s.kind == "code" for s in module_body(parse(text)).statements)


@needs_fast
@pytest.mark.parametrize("name", sorted(PURE_SHIMS))
def test_shim_candidate_keeps_shims(name: str) -> None:
    text = PURE_SHIMS[name]
    assert not has_code(text)
    assert shim_candidate(text)


@needs_fast
@pytest.mark.parametrize("name", sorted(REAL_CODE))
def test_shim_candidate_drops_real_code(name: str) -> None:
    text = REAL_CODE[name]
    assert has_code(text)
    assert not shim_candidate(text)


def defined_at_top(tree: ast.Module) -> frozenset[str]:
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return frozenset(s.name for s in tree.body if isinstance(s, kinds))


@needs_fast
@pytest.mark.parametrize(
    "text",
    [
        pytest.param("def f(): ...\nclass C: ...\nasync def g(): ...\n", id="plain"),
        pytest.param("@cache\ndef f(): ...\n", id="decorated"),
        pytest.param('"""\ndef not_code(): ...\n"""\nclass C: ...\n', id="inside_a_string"),
        pytest.param("if X:\n    def f(): ...\nclass C:\n    def m(self): ...\n", id="nested"),
    ],
)
def test_top_level_definitions_are_the_ones_ast_sees(text: str) -> None:
    assert top_level_definitions(text) == defined_at_top(ast.parse(text))


@needs_fast
def test_sympy_top_level_definitions(sympy_report: dict[str, list[str] | int]) -> None:
    assert sympy_report["wrong_definitions"] == []


@pytest.fixture(scope="module")
def sympy_report() -> dict[str, list[str] | int]:
    """One pass over every file of the installed sympy package, each parsed once with ast."""
    spec = importlib.util.find_spec("sympy")
    if spec is None or spec.origin is None:
        pytest.skip("sympy is not installed (it is in the `test` extra)")
    compared = declined = dropped = 0
    mismatched: list[str] = []
    wrongly_dropped: list[str] = []
    wrong_definitions: list[str] = []
    for path in sorted(Path(spec.origin).parent.rglob("*.py")):
        data = path.read_bytes()
        try:
            tree = parse(data)
            expected = file_facts(tree, with_body=False)
        except (SyntaxError, ValueError, RecursionError):
            continue  # the reference itself cannot read it
        compared += 1
        found = scan_file_bytes(data)
        if found is None:
            declined += 1
        elif found != expected:
            mismatched.append(str(path))
        definitions = top_level_definitions(data.decode("utf-8"))
        if definitions is not None and definitions != defined_at_top(tree):
            wrong_definitions.append(str(path))
        if not shim_candidate(data.decode("utf-8")):
            dropped += 1
            if not any(s.kind == "code" for s in module_body(tree).statements):
                wrongly_dropped.append(str(path))
    return {
        "compared": compared, "declined": declined, "mismatched": mismatched,
        "dropped": dropped, "wrongly_dropped": wrongly_dropped,
        "wrong_definitions": wrong_definitions,
    }  # fmt: skip


@needs_fast
def test_sympy_sources_scan_exactly_or_decline(sympy_report: dict[str, list[str] | int]) -> None:
    """Every file of a large real codebase: the same facts as ast, or None (rarely)."""
    compared, declined = sympy_report["compared"], sympy_report["declined"]
    assert isinstance(compared, int) and isinstance(declined, int)
    assert compared > 1000
    assert sympy_report["mismatched"] == []
    assert declined / compared < 0.05, f"{declined} of {compared} files fell back"


@needs_fast
def test_sympy_sources_shim_candidates(sympy_report: dict[str, list[str] | int]) -> None:
    """`shim_candidate` is False only for modules whose body has real code, and it filters."""
    assert sympy_report["wrongly_dropped"] == []
    dropped = sympy_report["dropped"]
    assert isinstance(dropped, int) and dropped > 500
