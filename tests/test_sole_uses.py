"""The uses of an import's binding found with `ast` facts alone (`Metadata.sole_uses`) are
exactly those LibCST's scope analysis finds, and where a binding or use subtlety could make
them differ, the `ast` path declines and the scope analysis decides (as it always did)."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from unshim.codemods.rewrite.bindings import Uses, ast_uses, scope_uses
from unshim.codemods.rewrite.layout import Metadata


def _import_of(meta: Metadata, local: str) -> cst.CSTNode:
    for statement in meta.statements.imports:
        names = statement.names
        if isinstance(names, cst.ImportStar):
            continue
        for alias in names:
            bound = alias.asname.name if alias.asname else alias.name
            if meta.module.code_for_node(bound) == local:
                return statement
    raise AssertionError(f"no import binds {local}")


def _shape(uses: Uses) -> tuple[object, ...]:
    each = {
        (id(u.node), tuple((k.attr, id(k.node), k.store) for k in u.chain), id(u.annotation))
        for u in uses.uses
    }
    return (frozenset(each), len(uses.uses), len(uses.ambiguous), uses.other)


def _both(source: str, local: str = "m") -> tuple[Uses | None, Uses]:
    data = textwrap.dedent(source).encode()
    meta = Metadata(cst.parse_module(data), data)
    statement = _import_of(meta, local)
    return ast_uses(statement, local, meta), scope_uses(statement, local, meta)


# Sources where nothing but the import binds `m`: `ast` answers, with LibCST's uses.
TAKEN = [
    pytest.param("import old.one as m\nm.Real(m.helper())\n", 2, id="attribute_uses"),
    pytest.param("from old import m\nprint(m)\nx = [m.a for _ in ()]\n", 2, id="comprehension"),
    pytest.param("import old.one as m\nclass C:\n    r = m.Real\n    def f(self):\n"
                 "        return m.helper()\n", 2, id="class_body_and_method"),
    pytest.param("import old.one as m\nf(m=1)\nobj.m\n", 0, id="keyword_and_attribute_named_m"),
    pytest.param("import old.one as m\nx = f'{m.Real}'\n", 1, id="f_string"),
    pytest.param("import old.one as m\n'''The m module is old.'''\n", 0, id="docstring_naming_m"),
    pytest.param("try:\n    import old.one as m\nexcept ImportError:\n    raise\nm.Real\n", 1,
                 id="import_in_try"),
    pytest.param("import old.one as m\n@m.deco\ndef f(x=m.Real) -> m.Other:\n    pass\n", 3,
                 id="decorator_default_annotation"),
    pytest.param("import old.one as m\nlambda x: m.Real\n", 1, id="lambda_body"),
    pytest.param("import old.one as m\nfrom m import x\n", 0, id="from_import_of_same_spelling"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "count"), TAKEN)
def test_ast_facts_give_the_scope_analysis_uses(source: str, count: int) -> None:
    sole, scope = _both(source)
    assert sole is not None, "the ast path should answer here"
    assert _shape(sole) == _shape(scope)
    assert len(sole.uses) == count


# `import a.b.c`: (uses of a.b.c, uses of a shorter prefix) as LibCST counts them.
DOTTED = [
    pytest.param("import a.b.c\na.b.c.X(a.b.c.Y)\n", 2, 0, id="chains"),
    pytest.param("import a.b.c\nprint(a.b.q, a)\n", 0, 2, id="shorter_prefixes"),
    pytest.param("import a.b.c\ndef f():\n    return a.b.c.X\n", 1, 0, id="in_a_function"),
    pytest.param("import a.b.c\na.b.c.f(x).y\n", 1, 0, id="call_on_the_chain"),
    pytest.param("import a.b.c\nx[a.b.c].y\n", 0, 1, id="inside_a_subscript_of_an_attribute"),
    pytest.param("import a.b.c\na.b.c[0].d\n", 0, 1, id="subscripted_then_attribute"),
    pytest.param("import a.b.c\n(a.b.c + 1).real\n", 0, 1, id="operand_then_attribute"),
    pytest.param("import a.b.c\nf(a.b.c).y\n", 1, 0, id="argument_of_a_call"),
    pytest.param("import a.b.c\na.b.c.X = 1\n", 1, 0, id="assigned_attribute"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "count", "other"), DOTTED)
def test_dotted_import_uses_are_counted_as_the_scope_analysis_counts_them(
    source: str, count: int, other: int
) -> None:
    sole, scope = _both(source, "a.b.c")
    assert sole is not None, "the ast path should answer here"
    assert _shape(sole) == _shape(scope)
    assert (len(sole.uses), sole.other) == (count, other)


# Sources where a second binding, an order or a string could make the answers differ.
DECLINED = [
    pytest.param("import old.one as m\ndef f(m):\n    return m.x\n", id="parameter"),
    pytest.param("import old.one as m\nclass C:\n    m = 1\n    y = m\n", id="class_scope_binding"),
    pytest.param("import old.one as m\nx = [m for m in y]\n", id="comprehension_variable"),
    pytest.param("import old.one as m\ndef f():\n    global m\n    m = 2\n", id="global"),
    pytest.param("import old.one as m\ndef f():\n    m = 1\n    def g():\n        nonlocal m\n",
                 id="nonlocal"),
    pytest.param("import old.one as m\ndel m\n", id="del"),
    pytest.param("import old.one as m\nm += 1\n", id="augmented_assignment"),
    pytest.param("import old.one as m\nfrom elsewhere import *\nm.Real\n", id="star_import"),
    pytest.param("import old.one as m\n__all__ = ['m']\n", id="all_entry"),
    pytest.param("import old.one as m\nx: 'm.Real' = 1\n", id="string_annotation"),
    pytest.param("print(m)\nimport old.one as m\nm.Real\n", id="use_before_the_import"),
    pytest.param("import old.one as m\nif (m := 3):\n    pass\n", id="walrus"),
    pytest.param("import old.one as m\ntry:\n    pass\nexcept E as m:\n    pass\n", id="except_as"),
    pytest.param("import old.one as m\nmatch x:\n    case m:\n        pass\n", id="match_capture"),
    pytest.param("import old.one as m\nlambda m: m\n", id="lambda_parameter"),
    # LibCST counts the keyword of a class pattern as a use; `ast` has no name there.
    pytest.param("import old.one as m\nmatch x:\n    case C(m=1):\n        m.Real\n",
                 id="match_keyword"),
    pytest.param("import old.one as m\nimport other as m\n", id="second_import"),
    pytest.param("import old.one as m\nfor m in y:\n    pass\n", id="loop_variable"),
    pytest.param("import old.one as m\nwith f() as m:\n    pass\n", id="with_as"),
    pytest.param("def f():\n    import old.one as m\n    return m.Real\n", id="import_in_function"),
    pytest.param("class C:\n    import old.one as m\n    r = m.Real\n", id="import_in_class"),
]  # fmt: skip


@pytest.mark.parametrize("source", DECLINED)
def test_the_scope_analysis_decides_where_a_binding_subtlety_may_differ(source: str) -> None:
    sole, _ = _both(source)
    assert sole is None


def test_a_second_import_under_the_same_head_leaves_it_to_the_scope_analysis() -> None:
    sole, _ = _both("import old.one\nimport old.two\nold.one.X\n", "old.one")
    assert sole is None
