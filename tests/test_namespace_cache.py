"""What modules bind, kept between runs (`codemods.analyze.namespace_cache`): an entry reads back
as the namespace it was made from, and is taken only while every answer its evaluation got from
the rest of the tree still holds."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.apply_support import dedent, write_tree
from unshim.codemods.analyze import resolve
from unshim.codemods.analyze.analysis import analyze
from unshim.codemods.analyze.namespace import Aliased, Conditional, Defined, Imported, Namespace
from unshim.codemods.analyze.namespace_cache import (
    NamespaceCache,
    decode_namespace,
    encode_namespace,
)
from unshim.codemods.analyze.resolve import Resolver
from unshim.codemods.scan.build import build_index
from unshim.codemods.scan.cache import NAMESPACES, Cache

REPO = Path(__file__).resolve().parents[1]

# One module of each shape the evaluation knows, so that every kind of binding and every
# field of a namespace is written and read back.
SHAPES = {
    "pkg/__init__.py": "from pkg.impl import *\n__all__ = ['Thing', 'other']\n",
    "pkg/impl.py": "class Thing: ...\ndef other(): ...\nVALUE = compute()\n",
    "pkg/helpers.py": """\
        from importlib import import_module

        def load(module, name):
            return getattr(import_module(f"pkg.{module}"), name)
        """,
    "pkg/old.py": """\
        import warnings
        from pkg.helpers import load
        from pkg import impl as _impl
        warnings.warn("pkg.old is deprecated", DeprecationWarning)
        Alias = _impl.Thing
        try:
            from pkg.fast import speed
        except ImportError:
            speed = None
        if FLAG:
            from pkg.impl import other
        else:
            def other(): ...

        def __getattr__(name):
            return load("impl", name)
        """,
    "pkg/table.py": """\
        _MOVED = {"Thing": "pkg.impl"}

        def __getattr__(name):
            import importlib
            return getattr(importlib.import_module(_MOVED[name]), name)
        """,
    "pkg/alias.py": """\
        import sys
        from pkg import impl as _impl
        _impl.patched = True
        sys.modules[__name__] = _impl
        """,
    "pkg/stubbed.py": "from pkg.impl import Thing\n",
    "pkg/stubbed.pyi": "from pkg.impl import Thing as Thing\n",
}


def _tree(root: Path, files: Mapping[str, str]) -> Path:
    write_tree(root, {path: dedent(text) for path, text in files.items()})
    return root


def _namespaces(root: Path, cache: Path | None) -> dict[tuple[str, bool], Namespace | None]:
    index = build_index(root, cache=Cache(cache) if cache is not None else None)
    resolver = Resolver(index)
    modules = [(m, False) for m in index.modules] + [(m, True) for m in index.stubs]
    return {(m, stub): resolver.namespace(m, stub) for m, stub in sorted(modules)}


@pytest.fixture(autouse=True)
def keep_every_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shapes are short modules, which a run does not keep (`resolve.KEPT_FROM`)."""
    monkeypatch.setattr(resolve, "KEPT_FROM", 0)


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The module of every namespace evaluated from its tree, in order."""
    evaluated: list[str] = []
    real = resolve.evaluate

    def counted(tree: object, context: resolve.Context) -> Namespace:
        evaluated.append(context.module)
        return real(tree, context)  # type: ignore[arg-type]

    monkeypatch.setattr(resolve, "evaluate", counted)
    return evaluated


def test_an_entry_reads_back_as_the_namespace_it_was_made_from(tmp_path: Path) -> None:
    root = _tree(tmp_path / "shapes", SHAPES)
    spaces = [s for s in _namespaces(root, None).values() if s is not None]
    # unshim's own modules too: every shape of real code it holds.
    own = [s for s in _namespaces(REPO / "codemods", None).values() if s is not None]
    for space in [*spaces, *own]:
        value = json.loads(json.dumps(encode_namespace(space)))
        assert decode_namespace(value, space.module, space.path) == space, space.path
    kinds = {type(b) for s in spaces for b in s.bindings.values()}
    assert kinds == {Imported, Aliased, Defined, Conditional}
    assert all(
        any(getattr(s, f) for s in spaces)
        for f in ("all_names", "stars", "forwarder", "module_alias", "notices", "code", "helpers")
    )
    assert any(s.effects for s in spaces)
    assert any(s.forwarder is not None and s.forwarder.table for s in spaces)
    assert any(s.forwarder is not None and s.forwarder.targets for s in spaces)


def test_a_second_run_evaluates_only_the_module_that_changed(
    tmp_path: Path, evaluations: list[str]
) -> None:
    root = _tree(tmp_path / "shapes", SHAPES)
    cache = tmp_path / "cache"
    first = _namespaces(root, cache)
    assert sorted(evaluations) == sorted(m for m, _ in first)
    evaluations.clear()
    assert _namespaces(root, cache) == first
    assert evaluations == []
    (root / "pkg/stubbed.py").write_text("from pkg.impl import other\n", encoding="utf-8")
    again = _namespaces(root, cache)
    assert evaluations == ["pkg.stubbed"]
    assert again == _namespaces(root, None)
    assert again != first


def test_a_module_appearing_is_a_new_answer_to_the_evaluation(
    tmp_path: Path, evaluations: list[str]
) -> None:
    # Without pkg/fast.py the try/except makes `speed` conditional; once the module is there,
    # its import is the name's one home. pkg/old.py itself does not change.
    root = _tree(tmp_path / "shapes", SHAPES)
    cache = tmp_path / "cache"
    before = _namespaces(root, cache)[("pkg.old", False)]
    assert before is not None and isinstance(before.bindings["speed"], Conditional)
    _tree(root, {"pkg/fast.py": "def speed(): ...\n"})
    evaluations.clear()
    after = _namespaces(root, cache)[("pkg.old", False)]
    assert "pkg.old" in evaluations
    assert after == _namespaces(root, None)[("pkg.old", False)]
    assert after is not None and after.bindings["speed"] == Imported("pkg.fast", "speed", 7)


def test_a_helper_that_changed_is_a_new_answer_to_the_evaluation(
    tmp_path: Path, evaluations: list[str]
) -> None:
    # pkg.old's __getattr__ calls pkg.helpers.load: what that loads is where names go.
    root = _tree(tmp_path / "shapes", SHAPES)
    cache = tmp_path / "cache"
    before = _namespaces(root, cache)[("pkg.old", False)]
    assert before is not None and before.forwarder is not None
    assert [t.module for t in before.forwarder.targets] == ["pkg.impl"]
    helper = (root / "pkg/helpers.py").read_text(encoding="utf-8")
    (root / "pkg/helpers.py").write_text(helper.replace('f"pkg.{module}"', '"pkg"'), "utf-8")
    evaluations.clear()
    after = _namespaces(root, cache)[("pkg.old", False)]
    assert "pkg.old" in evaluations
    assert after == _namespaces(root, None)[("pkg.old", False)]
    assert after is not None and after.forwarder is not None
    assert [t.module for t in after.forwarder.targets] == ["pkg"]


def test_a_damaged_entry_is_evaluated_again(tmp_path: Path, evaluations: list[str]) -> None:
    root = _tree(tmp_path / "shapes", SHAPES)
    cache = tmp_path / "cache"
    first = _namespaces(root, cache)
    kept = NamespaceCache.beside(Cache(cache)).cache.here
    entries = sorted(p for p in kept.rglob("*") if p.is_file())
    assert len(entries) == len(first)
    damaged = (b"", b"[1,", b"[[], [], []]", b'[[[["x", ["I", 1, null, 2]]]], [], []]')
    for path, data in zip(entries, damaged * len(entries), strict=False):
        path.write_bytes(data)
    evaluations.clear()
    assert _namespaces(root, cache) == first
    assert sorted(evaluations) == sorted(m for m, _ in first)


def test_analyze_with_a_file_changed_is_the_analysis_without_the_cache(tmp_path: Path) -> None:
    root = _tree(tmp_path / "shapes", SHAPES)
    cache = tmp_path / "cache"
    analyze(root, cache_dir=cache).packages  # noqa: B018
    _tree(root, {"pkg/fast.py": "def speed(): ...\n"})
    warm, cold = analyze(root, cache_dir=cache), analyze(root)
    assert warm.verdicts.items() == cold.verdicts.items()
    assert warm.packages == cold.packages


def test_a_module_shorter_than_its_entry_is_worth_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, evaluations: list[str]
) -> None:
    monkeypatch.setattr(resolve, "KEPT_FROM", 4096)
    long = "from pkg.impl import Thing\n" + "# a comment that makes the module long\n" * 120
    root = _tree(tmp_path / "shapes", {**SHAPES, "pkg/long.py": long})
    cache = tmp_path / "cache"
    first = _namespaces(root, cache)
    evaluations.clear()
    assert _namespaces(root, cache) == first
    assert "pkg.long" not in evaluations
    assert sorted(evaluations) == sorted(m for m, _ in first if m != "pkg.long")


def test_held_entries_are_written_on_release(tmp_path: Path) -> None:
    root = _tree(tmp_path / "shapes", SHAPES)
    index = build_index(root, cache=Cache(tmp_path / "cache"))
    resolver = Resolver(index)
    kept = NamespaceCache.beside(Cache(tmp_path / "cache")).cache.here
    resolver.hold()
    assert resolver.namespace("pkg.old") is not None
    assert not kept.exists()
    resolver.release()
    assert len([p for p in kept.rglob("*") if p.is_file()]) == 1
    assert resolver.namespace("pkg.impl") is not None  # released: written as it comes
    assert len([p for p in kept.rglob("*") if p.is_file()]) == 2


def test_a_run_that_keeps_namespaces_drops_another_versions(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    old = NamespaceCache(Cache(cache, space="another-version", kind=NAMESPACES))
    old.cache.put_value("ab" * 32, [1])
    assert old.cache.here.is_dir()
    root = _tree(tmp_path / "shapes", SHAPES)
    _namespaces(root, cache)
    assert not old.cache.here.exists()
    assert NamespaceCache.beside(Cache(cache)).cache.here.is_dir()
    assert Cache(cache).here.is_dir()  # the facts are another kind, kept
