"""What a module binds, evaluated statement by statement, and exact resolution through it: one
shape of shim (or of a module that only looks like one) per test, with the consumer before and
after `apply`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.apply_support import dedent, run, write_tree
from unshim.codemods.analyze.analysis import analyze
from unshim.codemods.analyze.resolve import Origin, Resolver
from unshim.codemods.analyze.shims import FACADE, IMPURE, NOT_A_SHIM, PURE
from unshim.codemods.apply import Applied, ApplyOptions, apply
from unshim.codemods.plan.values import PlanRequest
from unshim.codemods.scan.build import build_index
from unshim.codemods.scan.index import Index


def consumer_after(
    root: Path, files: Mapping[str, str], shim: str, consumer: str, before: str
) -> tuple[str, Applied]:
    applied = run(root, {**{k: dedent(v) for k, v in files.items()}, consumer: dedent(before)},
                  shims=(shim,))  # fmt: skip
    return (root / consumer).read_text(encoding="utf-8"), applied


def reasons(applied: Applied) -> str:
    return "\n".join(f"{k.location}: {k.reason}" for k in applied.outcome.kept)


SYMPY = {
    "sympy/__init__.py": "",
    "sympy/utilities/__init__.py": "",
    "sympy/utilities/exceptions.py": """\
        class SymPyDeprecationWarning(DeprecationWarning):
            def __init__(self, **kwargs): ...
            def warn(self): ...
        """,
    "sympy/testing/__init__.py": "",
    "sympy/testing/pytest.py": """\
        __all__ = ["raises", "XFAIL"]
        def raises(*args): ...
        def XFAIL(f): return f
        """,
    "sympy/utilities/pytest.py": """\
        from sympy.utilities.exceptions import SymPyDeprecationWarning

        SymPyDeprecationWarning(
            feature="Import sympy.utilities.pytest",
            useinstead="Import from sympy.testing.pytest",
            issue=18095,
            deprecated_since_version="1.6").warn()

        from sympy.testing.pytest import *  # noqa:F401
        """,
}


def test_a_stub_that_warns_then_star_imports_is_a_deprecated_shim(tmp_path: Path) -> None:
    after, _ = consumer_after(
        tmp_path, SYMPY, "sympy.utilities.pytest", "sympy/core/test_x.py",
        "from sympy.utilities.pytest import raises, XFAIL\n",
    )  # fmt: skip
    assert after == "from sympy.testing.pytest import raises, XFAIL\n"
    verdict = analyze(tmp_path).verdicts["sympy.utilities.pytest"]
    assert (verdict.kind, verdict.deprecated) == (PURE, True)
    assert "sympy/utilities/pytest.py:3 warns on import (deprecation)" in verdict.evidence


SCIPY = {
    "scipy/__init__.py": "",
    "scipy/_lib/__init__.py": "",
    "scipy/_lib/deprecation.py": """\
        import warnings
        from importlib import import_module

        def _sub_module_deprecation(*, sub_package, module, private_modules, all,
                                    attribute, correct_module=None):
            if correct_module is not None:
                correct_import = f"scipy.{sub_package}.{correct_module}"
            else:
                correct_import = f"scipy.{sub_package}"
            if attribute not in all:
                raise AttributeError(attribute)
            attr = getattr(import_module(correct_import), attribute, None)
            warnings.warn(f"Please import `{attribute}` from `{correct_import}`",
                          category=DeprecationWarning, stacklevel=3)
            for module in private_modules:
                try:
                    return getattr(import_module(f"scipy.{sub_package}.{module}"), attribute)
                except AttributeError as e:
                    if module == private_modules[-1]:
                        raise e
                    continue
        """,
    "scipy/constants/__init__.py": "from ._codata import *\nfrom . import codata\n",
    "scipy/constants/_codata.py": """\
        __all__ = ["value", "unit"]
        def value(key): ...
        def unit(key): ...
        """,
    "scipy/constants/codata.py": """\
        from scipy._lib.deprecation import _sub_module_deprecation

        __all__ = ["value", "unit"]  # noqa: F822

        def __dir__():
            return __all__

        def __getattr__(name):
            return _sub_module_deprecation(sub_package="constants", module="codata",
                                           private_modules=["_codata"], all=__all__,
                                           attribute=name)
        """,
}


def test_a_getattr_that_calls_a_deprecation_helper_forwards_to_what_it_builds(
    tmp_path: Path,
) -> None:
    after, _ = consumer_after(
        tmp_path, SCIPY, "scipy.constants.codata", "app.py",
        "from scipy.constants.codata import value\n",
    )  # fmt: skip
    assert after == "from scipy.constants import value\n"
    verdict = analyze(tmp_path).verdicts["scipy.constants.codata"]
    assert (verdict.kind, verdict.deprecated) == (PURE, True)


JSONUTIL = {
    "pkg/__init__.py": "",
    "pkg/core/__init__.py": "",
    "pkg/core/jsonutil.py": "def dumps(x): ...\ndef loads(s): ...\n",
}


def test_a_sys_modules_alias_to_a_module_loaded_by_a_constant_name(tmp_path: Path) -> None:
    shim = """\
        import importlib
        import sys

        _TARGET_MODULE = "pkg.core.jsonutil"
        _target = importlib.import_module(_TARGET_MODULE)
        sys.modules[__name__] = _target
        """
    after, _ = consumer_after(
        tmp_path, {**JSONUTIL, "pkg/jsonutil.py": shim}, "pkg.jsonutil", "app.py",
        "from pkg.jsonutil import dumps\n",
    )  # fmt: skip
    assert after == "from pkg.core.jsonutil import dumps\n"


def test_a_sys_modules_alias_to_an_imported_module(tmp_path: Path) -> None:
    shim = "import sys\nfrom pkg.core import jsonutil as _j\nsys.modules[__name__] = _j\n"
    after, _ = consumer_after(
        tmp_path, {**JSONUTIL, "pkg/jsonutil.py": shim}, "pkg.jsonutil", "app.py",
        "from pkg.jsonutil import dumps, loads\n",
    )  # fmt: skip
    assert after == "from pkg.core.jsonutil import dumps, loads\n"


def test_a_forwarder_that_imports_helpers_forwards_only_to_what_it_returns(
    tmp_path: Path,
) -> None:
    files = {
        "num/__init__.py": "",
        "num/core/__init__.py": "",
        "num/core/numeric.py": "def zeros(n): ...\n",
        "num/compat.py": """\
            def __getattr__(name):
                import warnings
                from num.core import numeric
                warnings.warn(f"num.compat.{name} is deprecated", DeprecationWarning)
                return getattr(numeric, name)
            """,
    }
    after, _ = consumer_after(
        tmp_path, files, "num.compat", "app.py", "from num.compat import zeros\n"
    )
    # `from num.core import numeric` binds the submodule num.core.numeric, never num.core.
    assert after == "from num.core.numeric import zeros\n"


def test_importlib_inside_getattr_forwards_to_the_module_it_loads(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/core/__init__.py": "",
        "pkg/core/impl.py": "def thing(): ...\n",
        "pkg/api.py": """\
            def __getattr__(name):
                import importlib
                return getattr(importlib.import_module("pkg.core.impl"), name)
            """,
    }
    after, _ = consumer_after(tmp_path, files, "pkg.api", "app.py", "from pkg.api import thing\n")
    assert after == "from pkg.core.impl import thing\n"


def test_a_name_redefined_after_its_import_is_defined_here(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/text.py": "def slugify(s): ...\ndef title(s): ...\n",
        "pkg/shim.py": """\
            from pkg.text import slugify, title

            def slugify(s):  # replaces the imported one
                return "-".join(s.lower().split())
            """,
    }
    consumer = "from pkg.shim import slugify, title\n"
    write_tree(tmp_path, {**{k: dedent(v) for k, v in files.items()}, "app.py": consumer})
    assert analyze(tmp_path).verdicts["pkg.shim"].kind == IMPURE
    after, _applied = consumer_after(tmp_path, files, "pkg.shim", "app.py", consumer)
    assert after == "from pkg.shim import slugify\nfrom pkg.text import title\n"
    assert (tmp_path / "pkg/shim.py").exists()


def test_a_name_a_real_module_imports_from_the_stdlib_stays_with_that_module(
    tmp_path: Path,
) -> None:
    files = {
        "real.py": "from itertools import product as cartes\n\ndef flatten(x): ...\n",
        "stub.py": "from real import cartes, flatten\n",
    }
    after, _ = consumer_after(
        tmp_path, files, "stub", "app.py", "from stub import cartes, flatten\n"
    )
    assert after == "from real import cartes, flatten\n"


def test_a_module_over_its_own_private_module_is_a_public_facade(tmp_path: Path) -> None:
    files = {
        "num/__init__.py": "",
        "num/core/__init__.py": "",
        "num/core/numeric.py": "def normalize_axis_index(a): ...\n",
        "num/lib/__init__.py": "",
        "num/lib/_utils_impl.py": """\
            from num.core.numeric import normalize_axis_index
            __all__ = ["byte_bounds", "normalize_axis_index"]
            def byte_bounds(a): ...
            """,
        "num/lib/array_utils.py": "from ._utils_impl import byte_bounds, normalize_axis_index\n",
        "num/ma.py": "from num.lib.array_utils import normalize_axis_index\n",
    }
    root = write_tree(tmp_path, {k: dedent(v) for k, v in files.items()})
    assert analyze(root).verdicts["num.lib.array_utils"].kind == FACADE
    apply(root, PlanRequest(auto=True), ApplyOptions())
    assert (root / "num/ma.py").read_text() == files["num/ma.py"]


def test_a_module_holding_a_table_of_strings_is_not_a_shim(tmp_path: Path) -> None:
    files = {
        "rich/__init__.py": "",
        "rich/_emoji_codes.py": 'EMOJI = {"smile": "\\U0001f604", "+1": "x"}\n',
        "rich/_names.py": '_NAMES = {"red": "1", "blue": "4"}\n',
    }
    write_tree(tmp_path, {k: dedent(v) for k, v in files.items()})
    analysis = analyze(tmp_path)
    assert analysis.verdicts["rich._emoji_codes"].kind == NOT_A_SHIM
    assert analysis.verdicts["rich._names"].kind == NOT_A_SHIM


def test_registration_imports_of_backends_are_not_reexports(tmp_path: Path) -> None:
    files = {
        "plot/__init__.py": "import plot.backends.svg\nimport plot.backends.png\n",
        "plot/backends/__init__.py": "REGISTRY = {}\n",
        "plot/backends/svg.py": "from plot.backends import REGISTRY\nREGISTRY['svg'] = 1\n",
        "plot/backends/png.py": "from plot.backends import REGISTRY\nREGISTRY['png'] = 1\n",
    }
    write_tree(tmp_path, {k: dedent(v) for k, v in files.items()})
    verdict = analyze(tmp_path).verdicts["plot"]
    assert verdict.kind != PURE
    assert verdict.points_to == ()


def test_a_name_whose_stub_disagrees_with_the_module_stays(tmp_path: Path) -> None:
    files = {
        "num/__init__.py": "class ufunc: ...\n",
        "num/_typing/__init__.py": "",
        "num/_typing/_ufunc.py": "from num import ufunc\n\n_UFunc_Nin1_Nout1 = ufunc\n",
        "num/_typing/_ufunc.pyi": """\
            from typing import Generic, TypeVar
            from num import ufunc
            _T = TypeVar("_T")
            class _UFunc_Nin1_Nout1(ufunc, Generic[_T]): ...
            """,
    }
    after, applied = consumer_after(
        tmp_path, files, "num._typing._ufunc", "num/linalg.pyi",
        "from num._typing._ufunc import _UFunc_Nin1_Nout1\n",
    )  # fmt: skip
    assert after == "from num._typing._ufunc import _UFunc_Nin1_Nout1\n"
    assert "type checkers read the stub" in reasons(applied)


def test_a_private_name_through_a_star_shim_is_reported_already_broken(tmp_path: Path) -> None:
    files = {
        "real.py": "def pub(): ...\ndef _helper(): ...\n",
        "stub.py": "from real import *\n",
    }
    after, applied = consumer_after(
        tmp_path, files, "stub", "app.py", "from stub import pub, _helper\n"
    )
    assert "_helper" in after
    assert "already broken" in reasons(applied)
    assert (tmp_path / "stub.py").exists()


def test_a_name_bound_under_try_except_says_where(tmp_path: Path) -> None:
    files = {
        "fmt/__init__.py": "",
        "fmt/real.py": "def render(x): ...\ndef escape(x): ...\n",
        "fmt/compat.py": """\
            import warnings
            warnings.warn("moved", DeprecationWarning)
            try:
                from fastfmt import render
            except ImportError:
                from fmt.real import render
            from fmt.real import escape
            """,
    }
    after, applied = consumer_after(
        tmp_path, files, "fmt.compat", "app.py", "from fmt.compat import render, escape\n"
    )
    assert after == "from fmt.compat import render\nfrom fmt.real import escape\n"
    assert "under try/except ImportError at fmt/compat.py:3" in reasons(applied)


def test_a_fallback_to_another_module_keeps_the_shim(tmp_path: Path) -> None:
    """Django's tests/gis_tests/admin.py: a module of the repository may fail to import (GIS
    without GDAL), and the fallback brings another one in its place. Rewriting the consumer to
    the first would break it where the fallback is taken."""
    files = {
        "app/__init__.py": "",
        "app/admin.py": "class ModelAdmin: ...\n",
        "app/gis/__init__.py": "",
        "app/gis/admin.py": "class GISModelAdmin: ...\n",
        "app/compat.py": """\
            try:
                from app.gis import admin
            except ImportError:
                from app import admin

                admin.GISModelAdmin = admin.ModelAdmin
            """,
    }
    consumer = "from app.compat import admin\n"
    after, applied = consumer_after(tmp_path, files, "app.compat", "use.py", consumer)
    assert after == consumer
    assert "binds admin under try/except or if/else" in reasons(applied)
    assert "app.gis.admin: no single home; it stays" in reasons(applied)
    assert (tmp_path / "app/compat.py").exists()


def test_a_public_package_with_one_outside_alias_is_a_facade(tmp_path: Path) -> None:
    files = {
        "sym/__init__.py": "",
        "sym/core/__init__.py": "",
        "sym/core/singleton.py": "class _S:\n    EmptySequence = ()\nS = _S()\n",
        "sym/series/__init__.py": """\
            from .limits import limit
            from sym.core.singleton import S
            EmptySequence = S.EmptySequence
            __all__ = ["limit", "EmptySequence"]
            """,
        "sym/series/limits.py": "def limit(e): ...\n",
    }
    write_tree(tmp_path, {k: dedent(v) for k, v in files.items()})
    assert analyze(tmp_path).verdicts["sym.series"].kind == FACADE


STATS = {
    "sci/__init__.py": "",
    "sci/stats/__init__.py": "from .distributions import *\nfrom . import _mstats\n",
    "sci/stats/_continuous.py": "__all__ = ['norm', 't']\nnorm = object()\nt = object()\n",
    "sci/stats/distributions.py": """\
        import warnings
        warnings.warn("use sci.stats", DeprecationWarning)
        from ._continuous import *
        from ._continuous import __all__
        """,
    "sci/stats/_mstats.py": "from . import distributions\n\ndef f(): return distributions.t\n",
}


def test_a_consumer_is_never_rewritten_to_import_from_its_own_package(tmp_path: Path) -> None:
    after, _applied = consumer_after(
        tmp_path, STATS, "sci.stats.distributions", "app.py",
        "from sci.stats.distributions import norm\n",
    )  # fmt: skip
    assert after == "from sci.stats import norm\n"
    init = (tmp_path / "sci/stats/__init__.py").read_text()
    assert "from . import norm" not in init and "from sci.stats import" not in init
    mstats = (tmp_path / "sci/stats/_mstats.py").read_text()
    assert "from .. import stats" not in mstats


LOGGED = {
    **JSONUTIL,
    "pkg/core/jsonutil.py": "import logging\nlogger = logging.getLogger(__name__)\n"
    "def dumps(x): ...\n",
}
REBINDS_LOGGER = """\
    import logging
    import sys

    from pkg.core import jsonutil as _j

    _j.logger = logging.getLogger(__name__)
    sys.modules[__name__] = _j
    """


def notes(applied: Applied) -> list[str]:
    return [f"{n.location}: {n.text}" for n in applied.outcome.every_note()]


def test_a_sys_modules_alias_that_rebinds_the_targets_logger_is_rewritten_with_a_note(
    tmp_path: Path,
) -> None:
    after, applied = consumer_after(
        tmp_path, {**LOGGED, "pkg/jsonutil.py": REBINDS_LOGGER}, "pkg.jsonutil", "app.py",
        "from pkg.jsonutil import dumps\n",
    )  # fmt: skip
    assert after == "from pkg.core.jsonutil import dumps\n"
    assert not applied.outcome.kept
    assert notes(applied) == [
        "pkg/jsonutil.py:6: importing pkg.jsonutil sets logger on pkg.core.jsonutil, the module "
        "it replaces itself with in sys.modules (`_j.logger = logging.getLogger(__name__)`); an "
        "import rewritten to pkg.core.jsonutil instead of through pkg.jsonutil no longer runs it, "
        "so pkg.core.jsonutil.logger keeps its own value (a test that asserts on it, such as a "
        "logger's name, will notice)"
    ]
    evidence = analyze(tmp_path).verdicts["pkg.jsonutil"].evidence
    assert "pkg/jsonutil.py:6 sets _j.logger on that module when imported (a side effect)" in (
        evidence
    )


def test_every_attribute_set_on_a_dotted_alias_target_is_noted(tmp_path: Path) -> None:
    shim = """\
        import sys
        import pkg.core.jsonutil

        pkg.core.jsonutil.indent = 2
        pkg.core.jsonutil.strict += 1
        sys.modules[__name__] = pkg.core.jsonutil
        """
    after, applied = consumer_after(
        tmp_path, {**LOGGED, "pkg/jsonutil.py": shim}, "pkg.jsonutil", "app.py",
        "from pkg.jsonutil import dumps\n",
    )  # fmt: skip
    assert after == "from pkg.core.jsonutil import dumps\n"
    assert [n.split(": importing")[0] for n in notes(applied)] == [
        "pkg/jsonutil.py:4",
        "pkg/jsonutil.py:5",
    ]


def test_setting_an_attribute_of_another_module_before_a_sys_modules_alias_is_code(
    tmp_path: Path,
) -> None:
    shim = """\
        import sys
        import logging
        from pkg.core import jsonutil as _j

        logging.raiseExceptions = False
        sys.modules[__name__] = _j
        """
    after, applied = consumer_after(
        tmp_path, {**LOGGED, "pkg/jsonutil.py": shim}, "pkg.jsonutil", "app.py",
        "from pkg.jsonutil import dumps\n",
    )  # fmt: skip
    assert after == "from pkg.jsonutil import dumps\n"
    assert "pkg/jsonutil.py:5: importing it runs top-level code" in reasons(applied)
    assert notes(applied) == []


def test_setting_an_attribute_of_an_imported_module_without_an_alias_stays_code(
    tmp_path: Path,
) -> None:
    shim = "from pkg.core import jsonutil\nfrom pkg.core.jsonutil import dumps\njsonutil.x = 1\n"
    after, applied = consumer_after(
        tmp_path, {**LOGGED, "pkg/jsonutil.py": shim}, "pkg.jsonutil", "app.py",
        "from pkg.jsonutil import dumps\n",
    )  # fmt: skip
    assert after == "from pkg.jsonutil import dumps\n"
    assert applied.outcome.kept and notes(applied) == []


def test_a_sys_modules_alias_loaded_by_name_that_rebinds_the_logger_is_noted(
    tmp_path: Path,
) -> None:
    shim = """\
        import importlib
        import logging
        import sys

        _TARGET_MODULE = "pkg.core.jsonutil"
        _target = importlib.import_module(_TARGET_MODULE)
        _target.logger = logging.getLogger(__name__)
        sys.modules[__name__] = _target
        """
    after, applied = consumer_after(
        tmp_path, {**LOGGED, "pkg/jsonutil.py": shim}, "pkg.jsonutil", "app.py",
        "from pkg.jsonutil import dumps\n",
    )  # fmt: skip
    assert after == "from pkg.core.jsonutil import dumps\n"
    assert [n.split(": importing")[0] for n in notes(applied)] == ["pkg/jsonutil.py:7"]


def test_a_def_the_real_module_deletes_again_is_not_taken_for_bound_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A column-0 def tells, without parsing, that a module of real code binds the name; a `del`
    that may run at its top level could unbind it, and then its body says, whatever the body
    answers."""
    files = {
        "real.py": "def keep(): ...\ndef gone(): ...\nx = 1; del gone\n",
        "other.py": "def keep(): ...\ndef gone(): ...\n",
        "branches.py": "def gone(): ...\nif X:\n    del gone\nelse:\n    del gone\n",
        "inline.py": "def gone(): ...\nif True: del gone\n",
        "attempt.py": "def gone(): ...\ntry:\n    del gone\nexcept NameError:\n    pass\n",
    }
    stubs = {f"stub_{m[:-3]}.py": f"from {m[:-3]} import keep, gone\n" for m in files}
    write_tree(tmp_path, {k: dedent(v) for k, v in {**files, **stubs}.items()})
    index = build_index(tmp_path)
    found = {s[:-3]: Resolver(index).resolve(s[:-3], "gone") for s in stubs}
    assert not found["stub_real"].found
    assert found["stub_other"].found
    # The bodies' answers, the shortcut off.
    monkeypatch.setattr(Index, "defines", lambda self, module, name: False)
    assert found == {s[:-3]: Resolver(build_index(tmp_path)).resolve(s[:-3], "gone") for s in stubs}
    assert Resolver(index).resolve("stub_other", "keep") == Origin(
        "other", "keep", (("stub_other", "keep"), ("other", "keep"))
    )
