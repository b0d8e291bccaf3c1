"""The uses of an import's binding found with `ast` facts alone (`Metadata.sole_uses`) are
exactly those LibCST's scope analysis finds, and where a binding or use subtlety could make
them differ, the `ast` path declines and the scope analysis decides (as it always did)."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from codemods.rewrite.layout import Metadata


def _import_of(meta: Metadata, local: str) -> cst.CSTNode:
    for statement in meta.statements.imports:
        names = statement.names
        if isinstance(names, cst.ImportStar):
            continue
        for alias in names:
            bound = alias.asname.name if alias.asname else alias.name
            if isinstance(bound, cst.Name) and bound.value == local:
                return statement
    raise AssertionError(f"no import binds {local}")


def _scope_uses(meta: Metadata, statement: cst.CSTNode, local: str) -> set[int]:
    scope = meta.scopes[statement]
    assert scope is not None
    return {
        id(access.node)
        for assignment in scope.assignments[local]
        if getattr(assignment, "node", None) is statement
        for access in assignment.references
    }


def _both(source: str, local: str = "m") -> tuple[list[cst.Name] | None, set[int]]:
    data = textwrap.dedent(source).encode()
    meta = Metadata(cst.parse_module(data), data)
    statement = _import_of(meta, local)
    return meta.sole_uses(statement, local), _scope_uses(meta, statement, local)


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
    assert {id(node) for node in sole} == scope
    assert len(sole) == count


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
