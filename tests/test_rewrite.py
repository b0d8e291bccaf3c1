"""Rewrite semantics across the import shapes (each shape's own cases are in tests/shapes/):
one behaviour per test, the consumer before and after."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply_support import CANONICAL, dedent, rewritten, run


def test_line_split_per_module_keeps_comments_and_indentation(tmp_path: Path) -> None:
    before = dedent("""\
        def f():
            # the helpers
            from old.shim import Real, extra  # noqa: F401
            return Real, extra
        """)
    after = dedent("""\
        def f():
            # the helpers
            from real.core import Real  # noqa: F401
            from real.more import extra  # noqa: F401
            return Real, extra
        """)
    assert rewritten(tmp_path, before) == after


def test_split_parenthesized_import_keeps_inner_comments(tmp_path: Path) -> None:
    before = dedent("""\
        from old.shim import (  # what we need
            Real,  # the class
            extra,  # the function
            helper,
        )
        """)
    after = dedent("""\
        from real.core import (  # what we need
            Real,  # the class
            helper,
        )
        from real.more import (
            extra,  # the function
        )
        """)
    assert rewritten(tmp_path, before) == after


def test_name_already_imported_from_canonical_is_not_imported_twice(tmp_path: Path) -> None:
    before = "from real.core import Real\nfrom old.one import Real, helper\n"
    after = "from real.core import Real\nfrom real.core import helper\n"
    assert rewritten(tmp_path, before) == after


def test_whole_import_dropped_when_every_name_is_already_imported(tmp_path: Path) -> None:
    before = "import os\nfrom real.core import Real\n# kept comment\nfrom old.one import Real\n"
    before += "x = 1\n"
    after = "import os\nfrom real.core import Real\n# kept comment\nx = 1\n"
    assert rewritten(tmp_path, before) == after


def test_function_level_copy_of_a_canonical_import_is_dropped(tmp_path: Path) -> None:
    before = "from real.core import Real\ndef f():\n    from old.one import Real\n    return Real\n"
    after = "from real.core import Real\ndef f():\n    return Real\n"
    assert rewritten(tmp_path, before) == after


def test_block_left_empty_by_a_dropped_import_gets_pass(tmp_path: Path) -> None:
    before = "from real.core import Real\nif True:\n    from old.one import Real\n"
    after = "from real.core import Real\nif True:\n    pass\n"
    assert rewritten(tmp_path, before) == after


def test_rewritten_imports_keep_their_own_structure(tmp_path: Path) -> None:
    before = "from old.one import Real\ndef f():\n    from old.one import Real\n    return Real\n"
    after = before.replace("old.one", "real.core")
    assert rewritten(tmp_path, before) == after


def test_import_needed_against_a_rebinding_is_not_dropped(tmp_path: Path) -> None:
    before = dedent("""\
        from real.core import Real

        def outer():
            def Real():
                from old.one import Real
                return Real()
            return Real
        """)
    after = before.replace("from old.one import Real", "from real.core import Real")
    assert rewritten(tmp_path, before) == after


def test_renamed_name_keeps_consumer_binding_instead_of_shadowing(tmp_path: Path) -> None:
    before = "from old.renamed import Thing\nReal = 'a local that must not be shadowed'\n"
    after = "from real.core import Real as Thing\nReal = 'a local that must not be shadowed'\n"
    assert rewritten(tmp_path, before) == after


def test_relative_import_stays_relative_inside_top_level_package(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/real/__init__.py": "",
        "pkg/real/core.py": "class Real: ...\n",
        "pkg/old/__init__.py": "",
        "pkg/old/one.py": "from ..real.core import Real\n",
        "pkg/app/__init__.py": "",
    }
    after = rewritten(
        tmp_path, "from ..old.one import Real\n", files, path="pkg/app/use.py", shims=("pkg.old",)
    )
    assert after == "from ..real.core import Real\n"


def test_relative_import_becomes_absolute_across_top_level_packages(tmp_path: Path) -> None:
    files = {"app/old/__init__.py": "", "app/old/one.py": "from real.core import Real\n"}
    after = rewritten(
        tmp_path, "from ..old.one import Real\n", files, path="app/sub/use.py", shims=("app.old",)
    )
    assert after == "from real.core import Real\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "def f():\n    from old.one import Real\n    return Real\n",
            "def f():\n    from real.core import Real\n    return Real\n",
            id="inside_function",
        ),
        pytest.param(
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from old.one import Real\n",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from real.core import Real\n",
            id="under_type_checking",
        ),
        pytest.param(
            "try:\n    from old.one import Real\nexcept ImportError:\n    Real = None\n",
            "try:\n    from real.core import Real\nexcept ImportError:\n    Real = None\n",
            id="in_try_except_import_error",
        ),
    ],
)
def test_import_keeps_its_place(tmp_path: Path, before: str, after: str) -> None:
    assert rewritten(tmp_path, before) == after


def test_impure_shim_keeps_its_own_names_and_reports_them(tmp_path: Path) -> None:
    files = {"old/mixed.py": "from real.core import Real\n\ndef local_helper(): ...\n"}
    before = "from old.mixed import Real, local_helper\n"
    applied = run(tmp_path, {**CANONICAL, **files, "app/use.py": before})
    after = (tmp_path / "app/use.py").read_text()
    assert after == "from real.core import Real\nfrom old.mixed import local_helper\n"
    reasons = [k.reason for k in applied.outcome.kept if k.subject == "old.mixed"]
    assert any("defines local_helper" in r for r in reasons)
    assert applied.outcome.refused


def test_shim_with_import_time_side_effects_is_not_bypassed(tmp_path: Path) -> None:
    files = {
        "old/plugin.py": """\
            from real.core import Real
            import real.core

            real.core.REGISTRY = [Real]
            """
    }
    before = "from old.plugin import Real\n"
    applied = run(tmp_path, {**CANONICAL, **files, "app/use.py": before})
    assert (tmp_path / "app/use.py").read_text() == before
    kept = [k for k in applied.outcome.kept if k.subject == "old.plugin"]
    assert any("top-level code" in k.reason and str(k.location) == "old/plugin.py:4" for k in kept)


def test_move_rewrites_imports_and_attribute_chains(tmp_path: Path) -> None:
    files = {"newpkg/__init__.py": "", "newpkg/sub/__init__.py": "", "newpkg/sub/mod.py": "X = 1\n"}
    before = dedent("""\
        import oldpkg.sub.mod
        import oldpkg.sub.mod as alias
        from oldpkg.sub.mod import X
        from oldpkg.sub import mod
        print(oldpkg.sub.mod.X, alias.X, "oldpkg.sub.mod.X")
        """)
    after = dedent("""\
        import newpkg.sub.mod
        import newpkg.sub.mod as alias
        from newpkg.sub.mod import X
        from newpkg.sub import mod
        print(newpkg.sub.mod.X, alias.X, "oldpkg.sub.mod.X")
        """)
    assert rewritten(tmp_path, before, files, shims=(), moves=(("oldpkg", "newpkg"),)) == after


def test_move_keeps_relative_imports_relative(tmp_path: Path) -> None:
    files = {
        "top/__init__.py": "",
        "top/newpkg/__init__.py": "",
        "top/newpkg/mod.py": "X = 1\n",
        "top/app/__init__.py": "",
    }
    after = rewritten(
        tmp_path,
        "from ..oldpkg.mod import X\nfrom .. import oldpkg\n",
        files,
        path="top/app/use.py",
        shims=(),
        moves=(("top.oldpkg", "top.newpkg"),),
    )
    assert after == "from ..newpkg.mod import X\nfrom .. import newpkg as oldpkg\n"


def test_stub_files_are_rewritten(tmp_path: Path) -> None:
    before = "from old.renamed import Thing as Thing\n"
    after = rewritten(tmp_path, before, path="app/use.pyi")
    assert after == "from real.core import Real as Thing\n"


def test_private_definer_is_imported_from_its_public_reexporter(tmp_path: Path) -> None:
    files = {
        "lib/__init__.py": "from lib._impl import Engine\n",
        "lib/_impl.py": "class Engine: ...\n",
        "old/engine.py": "from lib import Engine\n",
    }
    after = rewritten(tmp_path, "from old.engine import Engine\n", files)
    assert after == "from lib import Engine\n"


def test_unresolvable_name_is_kept_with_its_location(tmp_path: Path) -> None:
    files = {"old/broken.py": "from real.core import Real, Missing\n"}
    before = "from old.broken import Real, Missing\n"
    applied = run(tmp_path, {**CANONICAL, **files, "app/use.py": before})
    assert (tmp_path / "app/use.py").read_text() == (
        "from real.core import Real\nfrom old.broken import Missing\n"
    )
    where = {str(k.location) for k in applied.outcome.kept if k.subject == "old.broken"}
    assert {"old/broken.py:1", "app/use.py:1"} <= where


NO_CHANGE = [
    pytest.param("import os\nfrom real.core import Real\n", id="canonical_imports"),
    pytest.param("# from old.one import Real\nx = 'old.one.Real'\n", id="comments_and_strings"),
    pytest.param("def f(old):\n    return old.one.Real\n", id="parameter_named_like_package"),
    pytest.param("from oldish import Real\n", id="similar_package_name"),
    pytest.param("from . import one\n", id="relative_import_of_an_unrelated_module"),
]


@pytest.mark.parametrize("source", NO_CHANGE)
def test_unrelated_code_is_not_changed(tmp_path: Path, source: str) -> None:
    files = {**CANONICAL, "oldish/__init__.py": "Real = 1\n", "app/one.py": ""}
    assert rewritten(tmp_path, source, files) == source


def test_private_definer_is_imported_from_the_public_package_above_it(tmp_path: Path) -> None:
    extra = {
        "lib/__init__.py": "",
        "lib/parts/__init__.py": "from ._base import Base\n",
        "lib/parts/_base.py": "class Base: ...\n",
        "old/base.py": "from lib.parts._base import Base\n",
    }
    consumer = "from old.base import Base\n"
    assert rewritten(tmp_path, consumer, extra) == "from lib.parts import Base\n"


@pytest.mark.parametrize(
    ("decorator", "bypassed"),
    [
        pytest.param("@REGISTRY.register", False, id="registering_attribute"),
        pytest.param("@receiver('saved')", False, id="registering_call"),
        pytest.param("@dataclass", True, id="dataclass_only_shapes"),
        pytest.param("@functools.lru_cache(maxsize=None)", True, id="cache_only_shapes"),
    ],
)
def test_decorator_that_may_register_keeps_the_shim_imported(
    tmp_path: Path, decorator: str, bypassed: bool
) -> None:
    files = {
        "old/plugin.py": f"from real.core import Real\n\n{decorator}\ndef handler(): ...\n",
    }
    before = "from old.plugin import Real\n"
    after = rewritten(tmp_path, before, files)
    assert after == ("from real.core import Real\n" if bypassed else before)
