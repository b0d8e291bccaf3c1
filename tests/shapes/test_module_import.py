"""Module import (`codemods.rewrite.shapes.module_import`): `import shim`, `import pkg.shim as
s`, rebound or dissolved along with the attribute uses that go through it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apply_support import CANONICAL, dedent, rewritten, run

FIXES = [
    pytest.param(
        "import old.one as m\nm.Real(m.helper())\n",
        "import real.core as m\nm.Real(m.helper())\n",
        id="alias_kept_when_uses_resolve_to_one_module",
    ),
    pytest.param(
        "import old.renamed as m\nm.Thing()\n",
        "import real.core as m\nm.Real()\n",
        id="alias_follows_renamed_attribute",
    ),
    pytest.param(
        "import old.shim as m\nm.Real(m.extra())\n",
        "from real.core import Real\nfrom real.more import extra\nReal(extra())\n",
        id="alias_dissolved_when_uses_span_modules",
    ),
    pytest.param(
        "import old.shim as m\nReal = 1\ndef f(extra):\n    return m.Real, m.extra, extra\n",
        """\
        from real.core import Real as m_Real
        from real.more import extra as m_extra
        Real = 1
        def f(extra):
            return m_Real, m_extra, extra
        """,
        id="dissolved_names_never_collide",
    ),
    pytest.param(
        "from real.core import Real as R\nimport old.shim as m\nm.Real(m.extra())\n",
        "from real.core import Real as R\nfrom real.more import extra\nR(extra())\n",
        id="dissolved_alias_reuses_an_existing_import",
    ),
    pytest.param(
        "import old.one as m\ndef f(m):\n    return m.anything\nm.Real()\n",
        "import real.core as m\ndef f(m):\n    return m.anything\nm.Real()\n",
        id="parameter_named_like_alias_is_not_a_use",
    ),
    pytest.param(
        "import old.one\nold.one.Real(old.one.helper())\n",
        "import real.core\nreal.core.Real(real.core.helper())\n",
        id="dotted_import_rewrites_attribute_chains",
    ),
    pytest.param(
        "import old.shim\nold.shim.Real(old.shim.extra())\n",
        "import real.core\nimport real.more\nreal.core.Real(real.more.extra())\n",
        id="dotted_import_of_several_modules_imports_each",
    ),
    pytest.param(
        "import old\nprint(old.one.Real, old.renamed.Thing)\n",
        "import real.core\nprint(real.core.Real, real.core.Real)\n",
        id="chain_through_a_shim_package_reaches_the_definer",
    ),
    pytest.param(
        "import old.shim as m\nx: 'm.Real' = m.extra()\n",
        "from real.core import Real\nfrom real.more import extra\nx: 'Real' = extra()\n",
        id="string_annotation_of_alias_is_rewritten",
    ),
    pytest.param(
        "import old.one as m\nregistry = [m]\n",
        "import real.core as m\nregistry = [m]\n",
        id="bare_module_use_rebinds_to_its_single_module",
    ),
]


@pytest.mark.parametrize(("before", "after"), FIXES)
def test_fix(tmp_path: Path, before: str, after: str) -> None:
    assert rewritten(tmp_path, before) == dedent(after)


def test_fix_moved(tmp_path: Path) -> None:
    files = {"newpkg/__init__.py": "", "newpkg/mod.py": "X = 1\n"}
    before = "import oldpkg.mod as m\nimport oldpkg\nprint(m.X, oldpkg.mod.X)\n"
    after = "import newpkg.mod as m\nimport newpkg\nprint(m.X, newpkg.mod.X)\n"
    assert rewritten(tmp_path, before, files, shims=(), moves=(("oldpkg", "newpkg"),)) == after


def test_move_of_a_top_level_package_rewrites_the_import_and_its_attribute_uses(
    tmp_path: Path,
) -> None:
    # `import modern` is the spelling a human writes after the move; `import modern as legacy`
    # would keep the old name alive in the file for no reason, since every use is rewritten.
    files = {"legacy.py": "def thing(): ...\n", "modern.py": "def thing(): ...\n"}
    before = "import legacy\n\nprint(legacy.thing())\n"
    after = "import modern\n\nprint(modern.thing())\n"
    assert rewritten(tmp_path, before, files, shims=(), moves=(("legacy", "modern"),)) == after


# Each source stays as it is; `reason`: why, as the outcome reports it (None: nothing to say).
NO_CHANGE = [
    pytest.param("import os\nimport real.core as m\nm.Real()\n", None, id="canonical_modules"),
    pytest.param(
        "import old.one\nimport old\nprint(old.one.Real, old.renamed.Thing)\n",
        "other code uses old through this import",
        id="dotted_import_whose_top_name_is_used_otherwise",
    ),
    pytest.param(
        "import old.one as m\nm.Real = object\n",
        "assigns to m.Real",
        id="assignment_to_shim_attribute",
    ),
    pytest.param(
        "import old.shim as m\nregistry = [m]\n",
        "module object m itself",
        id="bare_module_use_whose_names_live_in_several_modules",
    ),
]


@pytest.mark.parametrize(("source", "reason"), NO_CHANGE)
def test_no_change(tmp_path: Path, source: str, reason: str | None) -> None:
    applied = run(tmp_path, {**CANONICAL, "app/use.py": source})
    assert (tmp_path / "app/use.py").read_text() == source
    reasons = [k.reason for k in applied.outcome.kept]
    assert (reasons == []) if reason is None else any(reason in r for r in reasons)
