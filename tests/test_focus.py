"""apply reads only the files that may name what it changes, and decides exactly as if it had
read them all."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.treemaker import make_tree
from unshim.codemods import apply as apply_module
from unshim.codemods.apply import Applied, ApplyOptions, apply
from unshim.codemods.delete.removal import prove_and_delete
from unshim.codemods.plan.values import PlanRequest
from unshim.codemods.rewrite.results import FileResult, Rewritten
from unshim.codemods.scan.focus import Focus
from unshim.codemods.scan.index import Index

SHIM = "proj.pkg.shim"
FOCUS = Focus((SHIM,))


@pytest.mark.parametrize(
    ("module", "text"),
    [
        pytest.param("app.use", "from proj.pkg.shim.x import handler\n", id="absolute_from"),
        pytest.param("app.use", "import proj.pkg.shim.x as x\n", id="absolute_import"),
        pytest.param("proj.pkg.use", "from .shim import Thing\n", id="relative_from"),
        pytest.param("proj.pkg.sub.use", "from .. import shim\n", id="relative_parent"),
        pytest.param("app.use", "import proj.pkg\nproj.pkg.shim.x.handler()\n", id="attribute"),
        pytest.param("app.use", 'load("proj.pkg.shim.x")\n', id="string"),
        pytest.param("app.use", "import_module('proj.pkg.' + name)\n", id="computed_name_below"),
        pytest.param("proj.pkg.shim.x", "from proj.real import handler\n", id="inside_the_layer"),
        pytest.param("proj.pkg.shim", "", id="the_layer_itself"),
    ],
)
def test_a_file_that_may_name_the_focus_is_read(module: str, text: str) -> None:
    assert FOCUS.wants(module, text.encode())


@pytest.mark.parametrize(
    ("module", "text"),
    [
        pytest.param("app.use", "from proj.pkg.shimmer import x\n", id="longer_name"),
        pytest.param("app.use", "from proj.pkg import real\n", id="sibling"),
        pytest.param("app.use", "x = 'proj.pkg.real'\n", id="package_above_named_as_data"),
        pytest.param("proj.pkg.shimmy", "import os\n", id="module_named_like_it"),
    ],
)
def test_a_file_that_cannot_name_the_focus_is_left_unread(module: str, text: str) -> None:
    assert not FOCUS.wants(module, text.encode())


BASE = {
    "proj/__init__.py": "",
    "proj/real.py": "class Thing: ...\ndef handler(): ...\n",
    "proj/pkg/__init__.py": "",
    "proj/pkg/shim/__init__.py": "from proj.real import Thing\n",
    "proj/pkg/shim/x.py": "from proj.real import handler\n",
    "proj/pkg/shim/y.py": "from proj.pkg.shim.x import handler as run\n",
    "app/__init__.py": "",
    "app/use.py": "from proj.pkg.shim import Thing\nfrom proj.pkg.shim.y import run\n",
    "app/other.py": "import json\nfrom proj.real import Thing\n",
}


def contents(result: FileResult) -> bytes:
    """The file's bytes once the rewrite is done."""
    return result.after if isinstance(result, Rewritten) else result.data


def both_ways(
    root: Path, monkeypatch: pytest.MonkeyPatch, extra: Mapping[str, str] | None = None
) -> Applied:
    """A dry run reading only the files that may name the shim, and one reading every file:
    the two must agree on every edit, deletion and reason."""
    make_tree(root, {**BASE, **(extra or {})})
    request = PlanRequest(shims=(SHIM,))
    options = ApplyOptions(dry_run=True)

    def delete(index: Index, packages: tuple[str, ...], dry_run: bool) -> object:
        return prove_and_delete(index, packages, dry_run=dry_run)

    focused = apply(root, request, options, delete=delete)  # type: ignore[arg-type]
    with monkeypatch.context() as patch:
        patch.setattr(apply_module, "focus_of", lambda request: None)
        everything = apply(root, request, options, delete=delete)  # type: ignore[arg-type]
    assert focused.outcome == everything.outcome
    assert [(r.path, contents(r)) for r in focused.files] == [
        (r.path, contents(r)) for r in everything.files
    ]
    return focused


def blocked(applied: Applied, path: str) -> bool:
    return any(k.location is not None and k.location.path == path for k in applied.outcome.kept)


def test_plain_layer_is_rewritten_and_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = both_ways(tmp_path, monkeypatch)
    assert applied.outcome.changed_files == ("app/use.py",)
    assert len(applied.outcome.deleted_files) == 3


@pytest.mark.parametrize(
    ("path", "text"),
    [
        pytest.param(
            "app/load.py", "import importlib\nimportlib.import_module('proj.pkg.shim.x')\n",
            id="import_module",
        ),
        pytest.param(
            "app/plugins.py",
            "import importlib\ndef load(name):\n"
            "    return importlib.import_module('proj.pkg.' + name)\n",
            id="computed_name_under_the_parent",
        ),
        pytest.param(
            "app/plugins.py",
            "import importlib\nPLUGINS = 'proj.pkg'\ndef load(name):\n"
            "    return importlib.import_module(f'{PLUGINS}.{name}')\n",
            id="parent_named_where_modules_load_by_name",
        ),
        pytest.param("proj/pkg/__init__.py", "__all__ = ['shim']\n", id="parent_star_export"),
        pytest.param(
            "app/settings.py", "HANDLER = 'proj.pkg.shim.x.handler'\n", id="dotted_setting"
        ),
    ],
)  # fmt: skip
def test_references_that_block_deletion_are_reported_with_their_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, text: str
) -> None:
    applied = both_ways(tmp_path, monkeypatch, {path: text})
    assert "proj/pkg/shim/x.py" not in applied.outcome.deleted_files
    assert blocked(applied, path)
    assert applied.outcome.refused


def test_unparsable_importer_keeps_the_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = "from proj.pkg.shim import Thing\ndef f(:\n"
    applied = both_ways(tmp_path, monkeypatch, {"app/broken.py": broken})
    assert applied.outcome.deleted_files == ()
    assert [k.subject for k in applied.outcome.not_parsed] == ["app/broken.py"]
    assert applied.outcome.refused


def test_a_patch_through_the_shim_follows_its_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    test = "from unittest import mock\n@mock.patch('proj.pkg.shim.x.handler')\ndef test(m): ...\n"
    lazy = "def f():\n    from proj.real import handler\n"  # never names the shim
    applied = both_ways(tmp_path, monkeypatch, {"tests/test_x.py": test, "app/lazy.py": lazy})
    assert [(str(e.location), e.after) for e in applied.outcome.patch_targets] == [
        ("tests/test_x.py:2", "'proj.real.handler'")
    ]
    assert [str(n.location) for n in applied.outcome.notes] == ["app/lazy.py:2"]


def test_a_shim_replaced_in_sys_modules_keeps_its_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    test = "import sys\nfrom unittest import mock\n"
    test += "mock.patch.dict(sys.modules, {'proj.pkg.shim.x': 1})\n"
    applied = both_ways(tmp_path, monkeypatch, {"tests/test_x.py": test})
    assert any("in sys.modules cannot be retargeted" in k.reason for k in applied.outcome.kept)
    assert applied.outcome.patch_targets == ()


def test_private_definer_is_imported_from_the_public_package_read_on_demand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = {
        "proj/real.py": "from proj._impl import Thing\ndef handler(): ...\n",
        "proj/_impl.py": "class Thing: ...\n",
    }
    applied = both_ways(tmp_path, monkeypatch, extra)
    after = dict((r.path, contents(r)) for r in applied.files)["app/use.py"]
    assert after.startswith(b"from proj.real import Thing\n")


def test_a_real_module_with_a_compiled_fallback_is_where_its_name_is_imported_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # proj.real binds handler either way: it is the module of real code the shim names, and
    # resolution stops there, whichever branch runs.
    extra = {
        "proj/real.py": "class Thing: ...\ntry:\n    from proj._speedups import handler\n"
        "except ImportError:\n    def handler(): ...\n",
    }
    applied = both_ways(tmp_path, monkeypatch, extra)
    after = dict((r.path, contents(r)) for r in applied.files)["app/use.py"]
    assert b"from proj.real import handler" in after


def test_registration_in_the_parent_goes_with_the_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = "from . import shim\n__all__ = ['shim', 'other']\nother = 1\n"
    applied = both_ways(tmp_path, monkeypatch, {"proj/pkg/__init__.py": parent})
    after = dict((r.path, contents(r)) for r in applied.files)["proj/pkg/__init__.py"]
    assert after == b"__all__ = ['other']\nother = 1\n"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("import proj.pkg\nproj.pkg.shim.x.handler()\n", id="import_of_the_parent"),
        pytest.param("import proj\nprint(proj.pkg.shim.Thing)\n", id="import_of_the_top"),
        pytest.param("from proj import pkg as p\ndef f():\n    return p.shim\n", id="aliased"),
    ],
)
def test_layer_used_as_an_attribute_of_its_package_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """No import names it, but deleting it would break the line all the same."""
    applied = both_ways(tmp_path, monkeypatch, {"app/attr.py": text})
    assert blocked(applied, "app/attr.py")
    assert applied.outcome.refused
    assert "proj/pkg/shim/__init__.py" not in applied.outcome.deleted_files


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("import proj.pkg.shim.x\nproj.pkg.shim.x.handler()\n", id="import_of_it"),
        pytest.param("import os\nos.path.shim = 1\n", id="another_package"),
        pytest.param("def f(self):\n    return self.shim\n", id="not_an_import"),
    ],
)
def test_attribute_named_like_the_layer_elsewhere_does_not_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    applied = both_ways(tmp_path, monkeypatch, {"app/attr.py": text})
    assert not blocked(applied, "app/attr.py")


def test_layer_module_that_does_not_compile_keeps_the_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read for the plan without a grammar check, compiled before anything is written."""
    broken = "from proj.real import handler\ndef f(:\n    pass\n"
    applied = both_ways(tmp_path, monkeypatch, {"proj/pkg/shim/x.py": broken})
    assert applied.outcome.deleted_files == ()
    assert blocked(applied, "proj/pkg/shim/x.py")
