"""`--resolve import`: the plan confirmed by importing the shims in a real process of the
current interpreter, on small trees."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.treemaker import make_tree
from unshim.bot.cli import main
from unshim.codemods.apply import Applied, ApplyOptions, apply
from unshim.codemods.plan.importer import ImportSettings
from unshim.codemods.plan.values import PlanRequest

REAL = {
    "real/__init__.py": "",
    "real/core.py": "class Real: ...\n",
    "old/__init__.py": "",
    "app/__init__.py": "",
    "app/use.py": "from old.shim import Real\n",
}


def applied(root: Path, files: dict[str, str], shim: str, timeout: float = 60.0) -> Applied:
    make_tree(root, files)
    settings = ImportSettings(sys.executable, timeout)
    return apply(root, PlanRequest(shims=(shim,)), ApplyOptions(resolve=settings))


def reasons(result: Applied) -> list[str]:
    return [f"{k.location}: {k.reason}" for k in result.outcome.kept]


def test_a_static_answer_the_import_confirms_is_rewritten_despite_a_deprecation_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONWARNINGS", "error")  # a warning on import must not fail it
    files = {
        **REAL,
        "old/shim.py": """
            import warnings

            from real.core import Real

            warnings.warn("old.shim moved to real.core", DeprecationWarning, stacklevel=2)
            """,
    }
    result = applied(tmp_path, files, "old.shim")
    assert (tmp_path / "app/use.py").read_text() == "from real.core import Real\n"
    assert result.outcome.kept == ()


def test_a_name_the_shim_rebinds_at_import_time_stays_with_both_answers(tmp_path: Path) -> None:
    files = {
        **REAL,
        "old/shim.py": """
            from real.core import Real
            from old import _patch  # noqa: F401
            """,
        # The rebinding happens in another module, through sys.modules: no static model sees it.
        "old/_patch.py": """
            import sys

            def _wrap(cls):
                class Wrapped(cls): ...
                return Wrapped

            shim = sys.modules["old" + ".shim"]
            shim.Real = _wrap(shim.Real)
            """,
    }
    result = applied(tmp_path, files, "old.shim")
    assert (tmp_path / "app/use.py").read_text() == "from old.shim import Real\n"
    [why] = [r for r in reasons(result) if r.startswith("old/shim.py:1: Real stays")]
    assert "the static answer is real.core.Real" in why
    assert "old.shim.Real is another object (type old._patch._wrap.<locals>.Wrapped)" in why
    assert (tmp_path / "old/shim.py").exists()


GETATTR = {
    "pkg/__init__.py": "from pkg._impl import Foo\n",
    "pkg/_impl.py": "class Foo: ...\n",
    "pkg/old.py": """
        import importlib
        import os

        from pkg import _impl  # noqa: F401

        _WHERE = os.environ.get("PKG_IMPL", "pkg._impl")


        def __getattr__(name):
            return getattr(importlib.import_module(_WHERE), name)
        """,
    "consumer.py": "from pkg.old import Foo\n",
}


def test_a_name_a_runtime_getattr_hands_out_goes_to_the_public_module_holding_that_object(
    tmp_path: Path,
) -> None:
    result = applied(tmp_path, GETATTR, "pkg.old")
    assert (tmp_path / "consumer.py").read_text() == "from pkg import Foo\n"  # not pkg._impl
    assert (tmp_path / "pkg/old.py").exists()
    assert [r.split(": ", 1)[0] for r in reasons(result)] == ["pkg/old.py:9"]
    assert "stays: its names come from its __getattr__" in reasons(result)[0]


def test_a_runtime_getattr_modules_own_deprecation_test_is_left_alone(tmp_path: Path) -> None:
    own_test = (
        "import pytest\n\n\ndef test_old():\n    with pytest.deprecated_call():\n"
        "        from pkg.old import Foo  # noqa: F401\n"
    )
    result = applied(tmp_path, {**GETATTR, "test_old.py": own_test}, "pkg.old")
    assert (tmp_path / "test_old.py").read_text() == own_test
    assert (tmp_path / "consumer.py").read_text() == "from pkg import Foo\n"
    assert "test_old.py:6: imported here by its own deprecation test" in "\n".join(reasons(result))


def test_without_resolve_import_a_runtime_getattr_module_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # It forwards names, so it looks like a shim: refused (exit 1) with its reason, not a usage
    # error.
    make_tree(tmp_path, GETATTR)
    assert main(["apply", str(tmp_path), "--shim", "pkg.old", "-q"]) == 1
    assert "pkg/old.py:6: pkg.old: not a shim" in capsys.readouterr().err
    assert (tmp_path / "consumer.py").read_text() == "from pkg.old import Foo\n"


def test_a_shim_that_fails_to_import_keeps_every_import_with_the_error(tmp_path: Path) -> None:
    files = {
        **REAL,
        "real/core.py": 'class Real: ...\n\nraise RuntimeError("needs a GPU")\n',
        "old/shim.py": "from real.core import Real\n",
    }
    result = applied(tmp_path, files, "old.shim")
    assert (tmp_path / "app/use.py").read_text() == "from old.shim import Real\n"
    assert any(
        r.startswith(
            "old/shim.py: importing old.shim to confirm its names failed "
            "(RuntimeError: needs a GPU)"
        )
        for r in reasons(result)
    ), reasons(result)
    assert result.outcome.deleted_files == ()


def test_an_import_that_does_not_finish_in_time_keeps_every_import(tmp_path: Path) -> None:
    files = {
        **REAL,
        "real/core.py": "import time\n\ntime.sleep(60)\n\nclass Real: ...\n",
        "old/shim.py": "from real.core import Real\n",
    }
    result = applied(tmp_path, files, "old.shim", timeout=1.0)
    assert (tmp_path / "app/use.py").read_text() == "from old.shim import Real\n"
    assert any("the import did not finish within 1 s" in r for r in reasons(result))


def test_the_import_runs_without_token_or_secret_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = tmp_path / "environment.json"
    for name in ("GITHUB_TOKEN", "PYPI_API_TOKEN", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD"):
        monkeypatch.setenv(name, "hunter2")
    monkeypatch.setenv("UNSHIM_SEEN", str(seen))
    files = {
        **REAL,
        # What importing runs: the target the shim forwards to records its environment.
        "real/core.py": """
            import json
            import os

            with open(os.environ["UNSHIM_SEEN"], "w") as out:
                json.dump(sorted(os.environ), out)

            class Real: ...
            """,
        "old/shim.py": "from real.core import Real\n",
    }
    applied(tmp_path / "tree", files, "old.shim")
    names = json.loads(seen.read_text())
    assert "UNSHIM_SEEN" in names and "PATH" in names
    assert not [n for n in names if "TOKEN" in n or "SECRET" in n or "PASSWORD" in n]


def test_apply_resolve_import_on_the_command_line_uses_the_given_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_tree(tmp_path, GETATTR)
    argv = ["apply", str(tmp_path), "--shim", "pkg.old", "--resolve", "import"]
    code = main([*argv, "--python", sys.executable, "--dry-run"])
    assert code == 1  # the forwarder itself is kept
    assert "+from pkg import Foo" in capsys.readouterr().out
    assert main([*argv, "--python", str(tmp_path / "no-python"), "--dry-run"]) == 1
    assert "could not be started" in capsys.readouterr().err


def test_resolve_key_in_the_configuration_turns_the_import_on(tmp_path: Path) -> None:
    make_tree(tmp_path, GETATTR)
    (tmp_path / ".unshim.toml").write_text(
        f'resolve = "import"\n[verify]\npython = {json.dumps(sys.executable)}\n'
    )
    assert main(["apply", str(tmp_path), "--shim", "pkg.old", "-q"]) == 1
    assert (tmp_path / "consumer.py").read_text() == "from pkg import Foo\n"


def test_a_resolve_key_that_is_neither_static_nor_import_is_a_usage_error(tmp_path: Path) -> None:
    make_tree(tmp_path, GETATTR)
    (tmp_path / ".unshim.toml").write_text('resolve = "runtime"\n')
    assert main(["apply", str(tmp_path), "--shim", "pkg.old", "-q"]) == 2
