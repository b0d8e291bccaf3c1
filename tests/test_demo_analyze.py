"""`unshim analyze` on the embedded demo repository: what `make demo` shows."""

from __future__ import annotations

import io
import json
import subprocess
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from unshim.bot.cli import main

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
    command = real["grep"]["command"]
    assert command == f'grep -rhaF "from {REAL}" --include="*.py" . | wc -l'
    printed = subprocess.run(
        command, shell=True, cwd=DEMO, capture_output=True, text=True, check=True
    ).stdout
    assert int(printed) == real["grep"]["count"] > 10


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


def test_the_grep_column_is_what_its_command_prints(tmp_path: Path) -> None:
    """The inventory's grep count reads every file grep reads: one unshim cannot parse, one in
    a folder it excludes; and lines split where grep splits them, at newlines only."""
    files = {
        "app/__init__.py": "",
        "app/new/__init__.py": "A = 1\n",
        "app/old/__init__.py": "from app.new import A\n",
        "app/ok.py": "from app.old import A\n",
        "app/bad.py": 'from app.old import A\nprint "not Python 3"\n',
        "build/generated.py": "from app.old import A\n",
        # One line for grep, two for str.splitlines (a form feed inside the string).
        "app/feed.py": 'X = "from app.old\x0cfrom app.old"\n',
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["analyze", str(tmp_path), "--format", "json", "-q"]) == 0
    old = package(json.loads(out.getvalue()), "app.old")
    printed = subprocess.run(
        old["grep"]["command"], shell=True, cwd=tmp_path, capture_output=True, text=True
    ).stdout
    assert old["grep"]["count"] == int(printed) == 4
