"""Files whose imports only need re-pointing are rewritten from their import lines alone.

Every rewrite in the test suite also runs both ways and must agree (`tests/conftest.py`); these
tests pin which files take the short way, and the block shapes only the splice has to get right.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply_support import CANONICAL, dedent, rewritten, write_tree
from unshim.codemods.analyze.analysis import analyze
from unshim.codemods.plan.build import build_plan
from unshim.codemods.plan.values import PlanRequest
from unshim.codemods.rewrite.located import prepare
from unshim.codemods.rewrite.transform import rewrite_import_lines, rewrite_source

CONSUMER = "app/use.py"


def by_import_lines(root: Path, consumer: bytes) -> bool:
    """Whether `apply --shim old` rewrites the consumer from its import lines alone."""
    write_tree(root, {**CANONICAL, CONSUMER: consumer})
    plan = build_plan(analyze(root), PlanRequest(shims=("old",)))
    task = next(t for t in plan.files if t.path == CONSUMER)
    short = rewrite_import_lines(prepare(consumer), task, plan)
    assert short is None or short == rewrite_source(consumer, task, plan, whole=True)
    return short is not None


@pytest.mark.parametrize(
    "consumer",
    [
        pytest.param(b"from old.one import Real\n", id="from_import"),
        pytest.param(b"from old.shim import Real, extra  # why\n", id="split_line"),
        pytest.param(b"def f():\n    from old.one import Real\n    return Real\n", id="nested"),
        pytest.param(b"import os; from old.one import Real\n", id="semicolons"),
        pytest.param(b"\xef\xbb\xbffrom old.one import Real\r\n", id="bom_and_crlf"),
        pytest.param(b"from old.one import (\n    Real,\n)\nx = f(1,\n  2)\n", id="brackets"),
        # A module binding's uses found with `ast` (`codemods.rewrite.spans`), respelled in place.
        pytest.param(b"import old.one as m\nm.Real()\n", id="module_alias_uses"),
        pytest.param(b"from old import one\none.Real()\n", id="module_from_package_uses"),
        pytest.param(b"import old.shim\nold.shim.Real()\n", id="attribute_chains"),
        pytest.param(b"import old.one\n", id="dotted_import"),
        pytest.param(b"import old.renamed as m\ndef f(m): m.Thing\nm.Thing\n", id="shadowed"),
        pytest.param(b"import old.renamed as m\nx = (m\n  .Thing)\n", id="respelled_over_lines"),
        pytest.param(b"import old.renamed as m\n@m.Thing\ndef f(): m.Thing\n", id="decorator"),
        pytest.param(b"\xef\xbb\xbfimport old.shim\r\nold.shim.Real()\r\n", id="bom_crlf_uses"),
    ],
)
def test_import_only_edits_skip_the_whole_module_parse(tmp_path: Path, consumer: bytes) -> None:
    assert by_import_lines(tmp_path, consumer)


@pytest.mark.parametrize(
    "consumer",
    [
        pytest.param(b"import old.one as m\nclass C:\n    m = 1\nm.Real\n", id="class_binding"),
        pytest.param(b"import old.renamed as m\nx = f'{m.Thing}'\n", id="use_in_f_string"),
        pytest.param(b"import old.renamed as m\nx = ('\xc3\xa9', m.Thing)\n", id="not_ascii"),
        pytest.param(b"import old.renamed as m; x = m.Thing\n", id="use_on_the_import_line"),
        pytest.param(b"import old.shim as m\nm.Real, m.extra\n", id="dissolved_needs_free_names"),
        pytest.param(b"from old.shim import *\nReal()\n", id="star_import_of_several_modules"),
        pytest.param(b"if True: from old.one import Real\n", id="one_line_suite"),
        pytest.param(b"try: from old.one import Real\nexcept ImportError: pass\n", id="try_suite"),
        pytest.param(
            b"# -*- coding: latin-1 -*-\nfrom old.one import Real\ns = '\xe9'\n", id="latin1"
        ),
        pytest.param(b"x = 1\rfrom old.one import Real\n", id="lone_carriage_return"),
        pytest.param(b"x = 1\nfrom old.one import Real", id="import_on_last_line_no_newline"),
        pytest.param(b"from old.one import Real \\\n; x = 1\n", id="continued_after_import"),
    ],
)
def test_files_needing_more_than_their_import_lines_are_parsed_whole(
    tmp_path: Path, consumer: bytes
) -> None:
    assert not by_import_lines(tmp_path, consumer)


def test_emptied_function_block_keeps_a_pass(tmp_path: Path) -> None:
    before = dedent("""\
        from real.core import Real

        def f():
            # the shim's name
            from old.one import Real
        x = 1
        """)
    after = dedent("""\
        from real.core import Real

        def f():
            # the shim's name
            pass
        x = 1
        """)
    assert rewritten(tmp_path, before) == after


def test_removed_duplicate_line_leaves_comments_and_neighbours(tmp_path: Path) -> None:
    before = dedent("""\
        import os
        from real.core import Real
        # comment above the line that goes
        from old.one import Real
        from old.more_names import nothing  # untouched: not a shim
        """)
    after = dedent("""\
        import os
        from real.core import Real
        # comment above the line that goes
        from old.more_names import nothing  # untouched: not a shim
        """)
    extra = {"old/more_names.py": "nothing = None\nprint('code')\n"}
    assert rewritten(tmp_path, before, extra) == after


def test_every_line_of_an_if_block_going_leaves_pass_with_its_indent(tmp_path: Path) -> None:
    before = "from real.core import Real\nif True:\n\tfrom old.one import Real\n\tfrom old.one import Real\nelse:\n\tpass\n"  # noqa: E501
    after = "from real.core import Real\nif True:\n\tpass\nelse:\n\tpass\n"
    assert rewritten(tmp_path, before) == after


def test_import_after_a_form_feed_keeps_the_form_feed(tmp_path: Path) -> None:
    before = "x = 1\n\x0c\nfrom old.one import Real\n"
    assert rewritten(tmp_path, before) == "x = 1\n\x0c\nfrom real.core import Real\n"


def test_multiline_string_before_import_on_the_same_line(tmp_path: Path) -> None:
    before = 'x = """a\nb"""; from old.one import Real\n'
    assert rewritten(tmp_path, before) == 'x = """a\nb"""; from real.core import Real\n'
