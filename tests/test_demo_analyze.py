"""`unshim analyze` on the embedded demo repository: what `make demo` shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main

DEMO = Path(__file__).parent.parent / "demo"
SHIMS = "src.app.infrastructure.exchange.mexc"
REAL = "src.app.infrastructure.external.mexc"
Inventory = dict[str, Any]


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    import io
    from contextlib import redirect_stdout

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["analyze", str(DEMO), "--format", "json", "-q"]) == 0
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def package(inventory: dict, name: str) -> Inventory:
    return next(p for p in inventory["packages"] if p["name"] == name)


def test_demo_shim_layer_points_at_the_production_client(inventory: Inventory) -> None:
    layer = package(inventory, SHIMS)
    assert layer["status"] == "SHIM LAYER"
    assert layer["points_to"] == [REAL]
    assert layer["importers"]


def test_demo_production_client_is_active_with_exact_count(inventory: Inventory) -> None:
    real = package(inventory, REAL)
    assert real["status"] == "ACTIVE"
    assert len(real["importers"]) > 10
    assert real["grep"]["command"] == f'grep -r "from {REAL}" . --include="*.py" | wc -l'


def test_every_demo_shim_name_resolves_into_the_production_client(inventory: Inventory) -> None:
    reexports = [
        r for m in inventory["modules"] if m["name"].startswith(SHIMS) for r in m["reexports"]
    ]
    assert len(reexports) > 30
    unresolved = [r for r in reexports if not r["found"] or r["external"] or r["cycle"]]
    assert unresolved == []
    assert all(r["module"].startswith(REAL) for r in reexports)


def test_demo_has_nothing_unanalyzed_and_no_blocking_reference(inventory: Inventory) -> None:
    assert inventory["not_analyzed"] == []
    assert package(inventory, SHIMS)["references"] == []
