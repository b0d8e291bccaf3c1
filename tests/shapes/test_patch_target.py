"""Patch target (`codemods.rewrite.shapes.patch_target`, decided by `codemods.plan.patches`):
a test's patch of a name through a shim follows the rewritten imports, or everything stays."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.apply_support import CANONICAL, run
from unshim.codemods.delete.removal import prove_and_delete
from unshim.codemods.outcome import Location
from unshim.codemods.plan.patches import unconfirmed
from unshim.codemods.plan.values import PatchTarget, RewritePlan, ShimModule, Target

TEST = "tests/test_it.py"
REAL = ("real.core", "Real")

# (consumer, test before, test after): the consumer's imports through the shim are rewritten.
FIXES = [
    pytest.param(
        "from old.one import Real\n",
        "from unittest import mock\n\n@mock.patch('old.one.Real')\ndef test(): ...\n",
        "from unittest import mock\n\n@mock.patch('real.core.Real')\ndef test(): ...\n",
        id="mock_patch_decorator",
    ),
    pytest.param(
        "def f():\n    from old.one import Real\n    return Real()\n",
        'from unittest.mock import patch\n\ndef test():\n    with patch("old.one.Real"): ...\n',
        'from unittest.mock import patch\n\ndef test():\n    with patch("real.core.Real"): ...\n',
        id="patch_of_a_name_imported_lazily",
    ),
    pytest.param(
        "import old.one as s\n\ndef f():\n    return s.helper()\n",
        'def test(monkeypatch):\n    monkeypatch.setattr("old.one.helper", lambda: 1)\n',
        'def test(monkeypatch):\n    monkeypatch.setattr("real.core.helper", lambda: 1)\n',
        id="monkeypatch_setattr_through_a_module_alias",
    ),
    pytest.param(
        "from old.renamed import Thing\n",
        "from unittest import mock\nmock.patch('old.renamed.Thing')\n",
        "from unittest import mock\nmock.patch('real.core.Real')\n",
        id="a_renamed_export_is_patched_by_its_real_name",
    ),
    pytest.param(
        "from old.one import Real\n",
        "from unittest import mock\nmock.patch.object\nmock.patch(r'''old.one.Real.method''')\n",
        "from unittest import mock\nmock.patch.object\nmock.patch(r'''real.core.Real.method''')\n",
        id="prefix_quotes_and_attribute_tail_stay",
    ),
]


@pytest.mark.parametrize(("consumer", "before", "after"), FIXES)
def test_fix(tmp_path: Path, consumer: str, before: str, after: str) -> None:
    applied = run(tmp_path, {**CANONICAL, "app/use.py": consumer, TEST: before})
    assert (tmp_path / TEST).read_text() == after
    assert (tmp_path / "app/use.py").read_text() != consumer
    assert [str(e.location) for e in applied.outcome.patch_targets] == [
        f"{TEST}:{1 + before[: before.index('old.')].count(chr(10))}"
    ]
    assert not [k for k in applied.outcome.kept if "patch" in k.reason]


# (consumer, test, what the reason says): the patch, the consumer and the shim stay.
KEPT = [
    pytest.param(
        "from old.one import Real\n",
        'import sys\nfrom unittest import mock\nmock.patch.dict(sys.modules, {"old.one": None})\n',
        "replacing the module object in sys.modules cannot be retargeted",
        id="patch_dict_of_sys_modules",
    ),
    pytest.param(
        "from old import shim\nshim.Real(shim.extra())\n",
        "from unittest import mock\nmock.patch('old.shim.Real')\n",
        "importing the names instead would bind them before any patch",
        id="a_module_alias_the_rewrite_would_dissolve",
    ),
    pytest.param(
        "from old.one import Real\n",
        "from unittest import mock\nmock.patch('old.one.Missing')\n",
        "Missing is not resolved to a name of one module",
        id="a_name_the_shim_does_not_resolve",
    ),
    pytest.param(
        "from old.one import Real\nimport importlib\nimportlib.import_module('old.one')\n",
        "from unittest import mock\nmock.patch('old.one.Real')\n",
        "a lookup through it may stay: import_module 'old.one' at app/use.py:3",
        id="another_lookup_through_the_shim",
    ),
    pytest.param(
        "from old.one import Real\n",
        "from unittest import mock\nmock.patch('old.one.Real')\nmock.patch('old.one.Missing')\n",
        "its patch at tests/test_it.py:3 stays",
        id="one_patch_that_cannot_follow_keeps_the_others",
    ),
]


@pytest.mark.parametrize(("consumer", "test", "reason"), KEPT)
def test_kept(tmp_path: Path, consumer: str, test: str, reason: str) -> None:
    applied = run(tmp_path, {**CANONICAL, "app/use.py": consumer, TEST: test})
    assert (tmp_path / TEST).read_text() == test
    assert (tmp_path / "app/use.py").read_text() == consumer
    assert applied.outcome.patch_targets == ()
    kept = [k for k in applied.outcome.kept if k.location and k.location.path == TEST]
    frozen = [k for k in kept if k.reason.startswith("tests patch names looked up in")]
    assert any(reason in k.reason for k in frozen), [k.reason for k in kept]


def test_the_shim_goes_once_its_patches_follow(tmp_path: Path) -> None:
    files = {
        **CANONICAL,
        "app/use.py": "from old.one import Real\n",
        TEST: "from unittest import mock\nmock.patch('old.one.Real')\n",
    }
    applied = run(
        tmp_path,
        files,
        shims=("old.one",),
        delete=lambda index, names, dry: prove_and_delete(index, names, dry_run=dry),
    )
    assert applied.outcome.deleted_files == ("old/one.py",)
    assert applied.outcome.kept == ()


def test_broader_patch_names_lazy_imports_of_the_new_target(tmp_path: Path) -> None:
    files = {
        **CANONICAL,
        "app/use.py": "from old.one import Real\n",
        "app/lazy.py": "def f():\n    from real.core import Real\n    return Real\n",
        "app/eager.py": "from real.core import Real\n",
        TEST: "from unittest import mock\nmock.patch('old.one.Real')\n",
    }
    applied = run(tmp_path, files)
    notes = [n for n in applied.outcome.notes if "also reaches" in n.text]
    assert [str(n.location) for n in notes] == ["app/lazy.py:2"]
    assert "real.core.Real (tests/test_it.py:2, was old.one.Real)" in notes[0].text


def test_a_target_the_import_does_not_confirm_keeps_the_patch() -> None:
    patch = PatchTarget(Location(TEST, 2), "old.one", "old.one.Real", "real.core.Real", *REAL)
    confirmed = ShimModule("old.one", "old/one.py", {"Real": Target(*REAL)})
    refuted = ShimModule("old.one", "old/one.py", {}, unresolved={"Real": "another object"})
    plan = RewritePlan({"old.one": confirmed}, (), (), {}, (), (), (), patches=(patch,))
    assert unconfirmed(plan) == []
    [kept] = unconfirmed(replace(plan, shims={"old.one": refuted}))
    assert (kept.subject, kept.location) == ("old.one", Location(TEST, 2))
    assert "does not confirm Real as real.core.Real" in kept.reason


# (consumer, test before, test after): `patch.object(module, "X")` follows the test's import.
OBJECTS = [
    pytest.param(
        "import old.one as s\n\ndef f():\n    return s.Real()\n",
        "from unittest import mock\nimport old.one as one\nmock.patch.object(one, 'Real')\n",
        "from unittest import mock\nimport real.core as one\nmock.patch.object(one, 'Real')\n",
        id="patch_object_of_an_aliased_module",
    ),
    pytest.param(
        "import old.one as s\n\ndef f():\n    return s.Real()\n",
        "import old.one\n\ndef test(mp):\n    mp.setattr(old.one, 'Real', 1)\n",
        "import real.core\n\ndef test(mp):\n    mp.setattr(real.core, 'Real', 1)\n",
        id="setattr_of_a_dotted_module",
    ),
]


@pytest.mark.parametrize(("consumer", "before", "after"), OBJECTS)
def test_object_fix(tmp_path: Path, consumer: str, before: str, after: str) -> None:
    applied = run(tmp_path, {**CANONICAL, "app/use.py": consumer, TEST: before})
    assert (tmp_path / TEST).read_text() == after
    [edit] = applied.outcome.patch_targets
    assert edit.location.line == before.count("\n") and "real.core" in edit.after


def test_patch_object_of_a_module_whose_import_stays_keeps_everything(tmp_path: Path) -> None:
    consumer = "from old.shim import Real\n"
    test = "from unittest import mock\nfrom old import shim\nmock.patch.object(shim, 'Real')\n"
    applied = run(tmp_path, {**CANONICAL, "app/use.py": consumer, TEST: test})
    assert (tmp_path / TEST).read_text() == test
    assert (tmp_path / "app/use.py").read_text() == consumer
    reasons = [k.reason for k in applied.outcome.kept if k.location == Location(TEST, 3)]
    assert any(
        "patch.object(old.shim, 'Real')" in r and "the rewrite keeps a lookup" in r for r in reasons
    ), reasons
