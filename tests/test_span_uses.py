"""The uses of a module binding found with `ast` as byte spans (`codemods.rewrite.spans`) are
exactly those LibCST's scope analysis finds, at the same places, with the same chains; where a
scope subtlety could make them differ, the span finder declines and the whole module is
parsed (as it always was)."""

from __future__ import annotations

import ast
import textwrap

import libcst as cst
import pytest

from tests.test_sole_uses import DECLINED as SOLE_DECLINED
from tests.test_sole_uses import DOTTED, TAKEN, _import_of
from unshim.codemods.rewrite.bindings import Node, Span, Uses, scope_uses
from unshim.codemods.rewrite.layout import Metadata
from unshim.codemods.rewrite.located import split_lines
from unshim.codemods.rewrite.spans import SpanFinder

Place = tuple[int, int]  # (line, column) where a node starts


def _place(node: Node, meta: Metadata, starts: list[int]) -> Place:
    if isinstance(node, Span):
        line = node.line
        return line, node.start - starts[line - 1]
    position = meta.positions[node]
    return position.start.line, position.start.column


def _shape(uses: Uses, meta: Metadata, starts: list[int]) -> tuple[object, ...]:
    each = sorted(
        (
            _place(use.node, meta, starts),
            tuple((link.attr, _place(link.node, meta, starts), link.store) for link in use.chain),
        )
        for use in uses.uses
    )
    return tuple(each), len(uses.ambiguous), uses.other


def _both(source: str, local: str = "m") -> tuple[Uses | None, Uses, Metadata, list[int]]:
    data = textwrap.dedent(source).encode()
    meta = Metadata(cst.parse_module(data), data)
    statement = _import_of(meta, local)
    tree = ast.parse(data)
    physical = split_lines(data)
    starts = [0]
    for line in physical:
        starts.append(starts[-1] + len(line))
    finder = SpanFinder(tree, physical)
    spans = finder.uses(meta.line(statement), local)
    return spans, scope_uses(statement, local, meta), meta, starts


# Another binding of the name in a function, a lambda or a nested function: the reads there
# are that binding's, the others the import's.
SHADOWED = [
    pytest.param("import old.one as m\ndef f(m):\n    return m.x\nm.Real\n", 1, id="parameter"),
    pytest.param("import old.one as m\nlambda m: m\nm.Real\n", 1, id="lambda_parameter"),
    pytest.param("import old.one as m\ndef f():\n    m = 1\n    return m\ndef g():\n"
                 "    return m.Real\n", 1, id="local_of_another_function"),
    pytest.param("import old.one as m\ndef f(m=m.Real, *, k: m.Other = 1) -> m.Real:\n"
                 "    return m\n", 3, id="defaults_and_annotations_read_outside"),
    pytest.param("import old.one as m\n@m.deco\ndef f(m):\n    return m\n", 1,
                 id="decorator_outside"),
    pytest.param("import old.one as m\ndef f(m):\n    def g():\n        return m.x\n"
                 "    return g\nm.Real\n", 1, id="closure_over_the_parameter"),
    pytest.param("import old.one as m\ndef f():\n    for m in y:\n        pass\n"
                 "    return m\nm.Real\n", 1, id="loop_variable_in_a_function"),
    pytest.param("import old.one as m\ndef f():\n    import other as m\n    return m\n"
                 "m.Real\n", 1, id="import_in_a_function"),
    pytest.param("import old.one as m\nclass C:\n    def f(self, m):\n        return m\n"
                 "    r = m.Real\n", 1, id="method_parameter_and_class_body"),
    pytest.param("import old.one as m\ndef f():\n    try:\n        pass\n    except E as m:\n"
                 "        pass\nx = [m.Real for _ in ()]\n", 1, id="except_as_in_a_function"),
    # A string in a function's code, outside annotations, calls and subscripts, is no use.
    pytest.param("import old.one as m\ndef f():\n    return {'m': 1, 'k': m.Real}\n", 1,
                 id="dict_key_in_a_function"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "count"), [*TAKEN, *SHADOWED])
def test_spans_are_the_scope_analysis_uses(source: str, count: int) -> None:
    spans, scope, meta, starts = _both(source)
    if "f'" in source:
        assert spans is None  # `ast` gives no positions inside an f-string before 3.12
        return
    assert spans is not None, "the span finder should answer here"
    assert _shape(spans, meta, starts) == _shape(scope, meta, starts)
    assert len(spans.uses) == count


@pytest.mark.parametrize(("source", "count", "other"), DOTTED)
def test_dotted_spans_are_counted_as_the_scope_analysis_counts_them(
    source: str, count: int, other: int
) -> None:
    spans, scope, meta, starts = _both(source, "a.b.c")
    assert spans is not None, "the span finder should answer here"
    assert _shape(spans, meta, starts) == _shape(scope, meta, starts)
    assert (len(spans.uses), spans.other) == (count, other)


# What sends the `ast` facts to the scope analysis sends the span finder there too, but for a
# name also bound inside a function (SHADOWED); and what is the span finder's own.
DECLINED = [
    *(p for p in SOLE_DECLINED if p.id not in {"parameter", "lambda_parameter"}),
    pytest.param("def f():\n    return m.Real\nimport old.one as m\n", id="function_before_it"),
    pytest.param("import old.one as m\ndef f():\n    return [(m := 3) for _ in ()]\n",
                 id="walrus_in_a_comprehension"),
    pytest.param("import old.one as m\nx = f'{m.Real}'\n", id="f_string"),
    pytest.param("import old.one as m\nx = ('\u00e9', m.Real)\n", id="not_ascii_line"),
    pytest.param("import old.one as m\ndef f(x):\n    return cast('m.Real', x)\n",
                 id="string_in_a_call"),
    pytest.param("import old.one as m\ndef f():\n    x: 'm.Real' = g()\n",
                 id="local_string_annotation"),
    pytest.param("import old.one as m\ndef f() -> 'm.Real':\n    pass\n", id="return_annotation"),
    pytest.param("import old.one as m\ndef f():\n    return List['m.Real']\n",
                 id="string_in_a_subscript"),
    pytest.param("import old.one as m\nclass C:\n    k = 'm.Real'\n", id="string_in_a_class_body"),
]  # fmt: skip


@pytest.mark.parametrize("source", DECLINED)
def test_the_whole_module_decides_where_a_scope_subtlety_may_differ(source: str) -> None:
    spans, _, _, _ = _both(source)
    assert spans is None
