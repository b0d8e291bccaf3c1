"""Shim classification and canonical resolution, one shape per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.treemaker import make_tree
from unshim.codemods.analyze.analysis import Analysis, analyze
from unshim.codemods.analyze.shims import FACADE, IMPURE, NOT_A_SHIM, PURE, literal_all

REAL = {
    "app/__init__.py": "",
    "app/real/__init__.py": "",
    "app/real/core.py": """
        __all__ = ["Core", "helper"]
        class Core: ...
        def helper(): ...
        def _private(): ...
    """,
    "app/real/extra.py": """
        class Extra: ...
        def public(): ...
    """,
    "app/old/__init__.py": "",
}


def build(tmp_path: Path, files: dict[str, str]) -> Analysis:
    return analyze(make_tree(tmp_path, {**REAL, **files}))


def origins(analysis: Analysis, module: str) -> dict[str, str]:
    return {r.name: r.origin.dotted for r in analysis.verdicts[module].reexports}


SHAPES = [
    pytest.param("from app.real.core import Core\n", {"Core": "app.real.core.Core"}, id="plain"),
    pytest.param(
        "from app.real.core import Core as OldCore\n",
        {"OldCore": "app.real.core.Core"},
        id="aliased",
    ),
    pytest.param("from ..real.core import Core\n", {"Core": "app.real.core.Core"}, id="relative"),
    pytest.param(
        "from app.real.core import *\n",
        {"Core": "app.real.core.Core", "helper": "app.real.core.helper"},
        id="star-with-all",
    ),
    pytest.param(
        "from app.real.extra import *\n",
        {"Extra": "app.real.extra.Extra", "public": "app.real.extra.public"},
        id="star-public-names",
    ),
    pytest.param(
        "from app.real.core import Core as _C\nOldCore = _C\n",
        {"OldCore": "app.real.core.Core"},
        id="alias-assignment",
    ),
    pytest.param(
        'import warnings\nfrom app.real.core import Core\nwarnings.warn("moved", '
        "DeprecationWarning, stacklevel=2)\n",
        {"Core": "app.real.core.Core"},
        id="deprecation-warning",
    ),
    pytest.param(
        '"""Moved."""\nfrom app.real.core import Core\n__all__ = ["Core"]\n',
        {"Core": "app.real.core.Core"},
        id="docstring-and-all",
    ),
    pytest.param(
        '_MOVED = {"Core": "app.real.core"}\n'
        "def __getattr__(name):\n"
        "    import importlib\n"
        "    return getattr(importlib.import_module(_MOVED[name]), name)\n",
        {"Core": "app.real.core.Core"},
        id="getattr-name-table",
    ),
    pytest.param(
        "try:\n    from app.real.core import Core\nexcept ImportError:\n    Core = None\n",
        {"Core": "app.real.core.Core"},
        id="guarded-import",
    ),
]


@pytest.mark.parametrize(("source", "expected"), SHAPES)
def test_pure_shim_shape_resolves_to_definer(
    tmp_path: Path, source: str, expected: dict[str, str]
) -> None:
    analysis = build(tmp_path, {"app/old/shim.py": source})
    assert analysis.verdicts["app.old.shim"].kind == PURE
    assert origins(analysis, "app.old.shim") == expected


def test_getattr_forwarder_to_module_is_pure_shim(tmp_path: Path) -> None:
    analysis = build(
        tmp_path,
        {
            "app/old/lazy.py": """
                import importlib
                def __getattr__(name):
                    return getattr(importlib.import_module("app.real.core"), name)
            """,
            "app/use.py": "from app.old.lazy import Core\n",
        },
    )
    verdict = analysis.verdicts["app.old.lazy"]
    assert verdict.kind == PURE
    assert any("forwards to app.real.core" in e for e in verdict.evidence)
    assert analysis.resolver.resolve("app.old.lazy", "Core").dotted == "app.real.core.Core"


def test_sys_modules_alias_resolves_through_target(tmp_path: Path) -> None:
    analysis = build(
        tmp_path,
        {
            "app/old/alias.py": """
                import sys
                from app.real import core
                sys.modules[__name__] = core
            """,
        },
    )
    assert analysis.verdicts["app.old.alias"].kind == PURE
    assert analysis.resolver.resolve("app.old.alias", "Core").dotted == "app.real.core.Core"


def test_chain_of_shims_resolves_to_the_definer(tmp_path: Path) -> None:
    analysis = build(
        tmp_path,
        {
            "app/old/first.py": "from app.old.second import Core as First\n",
            "app/old/second.py": "from app.old.third import Core\n",
            "app/old/third.py": "from app.real.core import Core\n",
        },
    )
    origin = analysis.resolver.resolve("app.old.first", "First")
    assert origin.dotted == "app.real.core.Core"
    assert [m for m, _ in origin.chain] == [
        "app.old.first",
        "app.old.second",
        "app.old.third",
        "app.real.core",
    ]


def test_package_init_reexport_is_followed(tmp_path: Path) -> None:
    analysis = build(
        tmp_path,
        {
            "app/old/__init__.py": "from .inner import Core\n",
            "app/old/inner.py": "from app.real.core import Core\n",
        },
    )
    assert analysis.verdicts["app.old"].kind == PURE
    assert origins(analysis, "app.old") == {"Core": "app.real.core.Core"}


def test_cycle_is_reported_not_looped(tmp_path: Path) -> None:
    analysis = build(
        tmp_path,
        {
            "app/old/one.py": "from app.old.two import X\n",
            "app/old/two.py": "from app.old.one import X\n",
        },
    )
    origin = analysis.resolver.resolve("app.old.one", "X")
    assert origin.cycle
    assert analysis.cycles


def test_module_outside_repository_is_an_endpoint(tmp_path: Path) -> None:
    analysis = build(tmp_path, {"app/old/paths.py": "from os.path import join\n"})
    origin = analysis.resolver.resolve("app.old.paths", "join")
    assert (origin.dotted, origin.external) == ("os.path.join", True)


def test_private_submodule_reexport_is_a_facade(tmp_path: Path) -> None:
    analysis = build(
        tmp_path,
        {
            "app/real/sub/__init__.py": "from ._impl import Thing\n",
            "app/real/sub/_impl.py": "class Thing: ...\n",
        },
    )
    assert analysis.verdicts["app.real.sub"].kind == FACADE


def test_reexport_with_real_code_is_impure(tmp_path: Path) -> None:
    analysis = build(
        tmp_path,
        {
            "app/old/mixed.py": """
                from app.real.core import Core
                __all__ = ["Core", "local"]
                def local(): ...
            """,
        },
    )
    verdict = analysis.verdicts["app.old.mixed"]
    assert verdict.kind == IMPURE
    assert origins(analysis, "app.old.mixed") == {"Core": "app.real.core.Core"}
    assert "local" in verdict.defined
    assert any("defines local" in e for e in verdict.evidence)


def test_module_that_uses_its_imports_is_not_a_shim(tmp_path: Path) -> None:
    analysis = build(
        tmp_path,
        {"app/service.py": "from app.real.core import Core\ndef make(): return Core()\n"},
    )
    assert analysis.verdicts["app.service"].kind == NOT_A_SHIM


def test_names_others_import_through_a_real_module_make_it_impure(tmp_path: Path) -> None:
    analysis = build(
        tmp_path,
        {
            "app/service.py": "from app.real.core import Core\ndef make(): return Core()\n",
            "app/user.py": "from app.service import Core\n",
        },
    )
    assert analysis.verdicts["app.service"].kind == IMPURE


# A module of real code (its `def` seen without parsing it) that hands on, under a name other
# modules import from it, something it imported: Django's `django/http/cookie.py`
# (`SimpleCookie = cookies.SimpleCookie`). The fast path must not call it surely not a shim.
HANDED_ON = [
    pytest.param("Alias = real.Core\n", IMPURE, id="alias"),
    pytest.param("Alias: type = real.Core  # kept for old callers\n", IMPURE, id="annotated"),
    pytest.param("Alias = (\n    real.Core\n)\n", IMPURE, id="over-lines"),
    pytest.param("if True:\n    Alias = real.Core\n", NOT_A_SHIM, id="under-if-no-single-home"),
    pytest.param("Alias = real.Core; other = 1\n", IMPURE, id="semicolon"),
    pytest.param("other = 1; Alias = real.Core\n", IMPURE, id="after-a-semicolon"),
    pytest.param("élan = real\nAlias = élan.Core\n", IMPURE, id="not-ascii"),
    pytest.param("_core = real.Core\nAlias = _core\n", IMPURE, id="alias-of-an-alias"),
    pytest.param("Alias = real.Core()\n", NOT_A_SHIM, id="a-call-is-its-own"),
    pytest.param("class Local: ...\nAlias = Local\n", NOT_A_SHIM, id="alias-of-its-own"),
    pytest.param('"""\nAlias : the old name\n"""\nAlias = 1\n', NOT_A_SHIM, id="docstring"),
]


@pytest.mark.parametrize(("binding", "kind"), HANDED_ON)
def test_a_name_a_real_module_binds_to_an_imported_one_is_handed_on(
    tmp_path: Path, binding: str, kind: str
) -> None:
    service = "import app.real.core as real\n\ndef make(): ...\n\n" + binding
    analysis = build(
        tmp_path, {"app/service.py": service, "app/user.py": "from app.service import Alias\n"}
    )
    verdict = analysis.verdicts["app.service"]
    assert verdict.kind == kind
    if kind == IMPURE:
        assert origins(analysis, "app.service") == {"Alias": "app.real.core.Core"}


def test_a_module_a_real_module_loads_by_name_is_handed_on(tmp_path: Path) -> None:
    service = (
        'import importlib\n\ndef make(): ...\n\nmod = importlib.import_module("app.real.core")\n'
    )
    analysis = build(
        tmp_path, {"app/service.py": service, "app/user.py": "from app.service import mod\n"}
    )
    assert analysis.verdicts["app.service"].kind == IMPURE
    assert origins(analysis, "app.service") == {"mod": "app.real.core"}


def test_verdict_evidence_names_file_and_line(tmp_path: Path) -> None:
    analysis = build(tmp_path, {"app/old/shim.py": "# moved\n\nfrom app.real.core import Core\n"})
    assert analysis.verdicts["app.old.shim"].evidence == (
        "app/old/shim.py:3 re-exports Core from app.real.core.Core",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('__all__ = ["a", "b"]\n', ("a", "b")),
        ("__all__ = (\n    'a',  # first\n    'b',\n)\n", ("a", "b")),
        ('__all__: list[str] = ["a"]\n', ("a",)),
        ('__all__ = ["a"]\n__all__ += ["b"]\n', None),
        ("__all__ = names()\n", None),
        ("x = 1\n", None),
    ],
)
def test_plain_all_is_read_without_parsing(text: str, expected: tuple[str, ...] | None) -> None:
    assert literal_all(text) == expected


CONDITIONAL = [
    pytest.param(
        "try:\n    from fastcore import Core\nexcept ImportError:\n"
        "    from app.real.core import Core\n",
        ("app.real.core.Core", "fastcore.Core"),
        id="native-with-fallback",
    ),
    pytest.param(
        "import sys\nif sys.version_info >= (3, 12):\n    from app.real.core import Core\n"
        "else:\n    from app.real.extra import Extra as Core\n",
        ("app.real.core.Core", "app.real.extra.Extra"),
        id="version-switch",
    ),
    pytest.param(
        "try:\n    from fastcore import native as mod\nexcept ImportError:\n"
        "    from app.real import core as mod\nCore = mod.Core\n",
        ("app.real.core", "fastcore.native"),
        id="alias-of-a-switched-module",
    ),
    # A module of the repository can fail to import (its own dependencies): a fallback that
    # brings another module in its place is a real alternative (Django's tests/gis_tests/admin).
    pytest.param(
        "try:\n    from app.real.core import Core\nexcept ImportError:\n"
        "    from app.real.extra import Extra as Core\n",
        ("app.real.core.Core", "app.real.extra.Extra"),
        id="repository-import-with-another-module-in-its-place",
    ),
]


@pytest.mark.parametrize(("source", "choices"), CONDITIONAL)
def test_conditionally_bound_name_has_no_single_home(
    tmp_path: Path, source: str, choices: tuple[str, ...]
) -> None:
    analysis = build(tmp_path, {"app/old/switch.py": source})
    origin = analysis.resolver.resolve("app.old.switch", "Core")
    assert (origin.found, origin.conditional) == (False, choices)
    assert analysis.verdicts["app.old.switch"].kind != PURE
