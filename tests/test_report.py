"""The report: whole Markdown reports against golden files, the size limit, the fingerprint, and
the JSON against its schema.

Regenerate the golden files after an intended change of wording with
`UNSHIM_REGENERATE_GOLDEN=1 python -m pytest tests/test_report.py` and review the diff.
"""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import replace
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest

from unshim.bot.report import wording
from unshim.bot.report.json_doc import render_json
from unshim.bot.report.markdown import BODY_LIMIT, render_markdown
from unshim.bot.report.text import render_text
from unshim.bot.report.values import Metadata, Report, fingerprint
from unshim.bot.verify import checks as c
from unshim.bot.verify import counts as k
from unshim.bot.verify.checks import Check, Counts, Gap, Run, Verification
from unshim.codemods.outcome import ApplyOutcome, ImportEdit, Kept, Location, Note

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = Path(__file__).parent.parent / "docs" / "report.schema.json"
REGENERATE = os.environ.get("UNSHIM_REGENERATE_GOLDEN") == "1"
PY = "/ci/venv/bin/python"
GREP = 'grep -r "from {}" . --include="*.py" | wc -l'
SHIM = "src.app.infrastructure.exchange.mexc"
CANONICAL = "src.app.infrastructure.external.mexc"


def counts(package: str, statements: int, importers: int, grep: int, **more: object) -> Counts:
    values: dict[str, object] = {
        "package": package,
        "present": True,
        "importers": importers,
        "statements": statements,
        "shim_importers": 0,
        "shim_statements": 0,
        "grep": grep,
        "grep_command": GREP.format(package),
        "gaps": (),
        **more,
    }
    return Counts(**values)  # type: ignore[arg-type]


def run(command: str, code: int | None = 0, seconds: float = 1.0, **more: object) -> Run:
    values: dict[str, object] = {
        "argv": c.command_argv(command, PY),
        "exit_code": code,
        "seconds": seconds,
        "tail": (),
        "timeout": 600.0,
        **more,
    }
    return Run(**values)  # type: ignore[arg-type]


def imports(package: str, role: str, before: Counts, after: Counts) -> Check:
    failures = c.judge_counts(role, before, after)
    return Check(c.IMPORTS, package, role, before, after, failures, after.grep_command)


def command(subject: str, before: Run | None, after: Run) -> Check:
    failures = c.judge_run(before, after)
    return Check(c.COMMAND, subject, "", before, after, failures, shlex.join(after.argv))


COLLECT = "python -m pytest tests/ -k 'not integration' --co -q"
COMPILE_RUN = f"git ls-files -- '*.py' | {PY} -m compileall -q -i -"


def passing_checks() -> tuple[Check, ...]:
    shim_before = counts(SHIM, 4, 3, 3, gaps=(Gap(k.PLAIN_IMPORT, 1, "src/app/api/deps.py:7"),))
    shim_after = counts(SHIM, 0, 0, 0, present=False)
    canonical_before = counts(CANONICAL, 47, 30, 47, shim_importers=24, shim_statements=24, gaps=())
    canonical_after = counts(CANONICAL, 27, 9, 27)
    compile_before = run("python -m compileall -q -i -", 0, 2.4, files=212)
    compile_after = run("python -m compileall -q -i -", 0, 2.1, files=188)
    return (
        imports(SHIM, c.SHIM, shim_before, shim_after),
        imports(CANONICAL, c.CANONICAL, canonical_before, canonical_after),
        Check(c.COMPILE, "compileall", "", compile_before, compile_after, (), COMPILE_RUN),
        command(
            'python -c "from main import app"',
            run('python -c "from main import app"', 0, 0.8),
            run('python -c "from main import app"', 0, 0.7),
        ),
        command(COLLECT, run(COLLECT, 0, 3.2, collected=311), run(COLLECT, 0, 3.0, collected=311)),
    )


def applied(files: int = 3, deleted: int = 24) -> ApplyOutcome:
    edits = [
        ImportEdit(
            Location(f"src/app/api/routes_{n}.py", 3 + n),
            f"from {SHIM}.adapters.market_adapter import MarketAdapter",
            f"from {CANONICAL}.facades.market import MarketAdapter",
        )
        for n in range(files)
    ]
    edits.append(ImportEdit(Location("src/app/api/deps.py", 7), f"import {SHIM}.http.client", ""))
    gone = tuple(f"src/app/infrastructure/exchange/mexc/module_{n:02}.py" for n in range(deleted))
    return ApplyOutcome(
        shims=(SHIM,),
        canonical=(CANONICAL,),
        edits=tuple(edits),
        changed_files=tuple(sorted({e.location.path for e in edits})),
        deleted_files=gone,
        kept=(),
        not_parsed=(),
    )


def passing() -> Report:
    return Report(
        Verification(passing_checks(), "HEAD 1a2b3c4", PY),
        applied(),
        Metadata("acme/trading", "unshim run"),
    )


def failing() -> Report:
    base = passing_checks()
    still = counts(SHIM, 1, 1, 1, gaps=(), present=False)
    error_tail = (
        "ImportError while importing test module 'tests/test_orders.py'.",
        "E   ModuleNotFoundError: No module named 'src.app.infrastructure.exchange'",
        "!!! Interrupted: 1 error during collection !!!",
        "308 tests collected, 1 error in 2.98s",
    )
    sleeper = 'python -c "import time; time.sleep(5)"'
    checks = (
        imports(SHIM, c.SHIM, base[0].before, still),  # type: ignore[arg-type]
        base[1],
        base[2],
        command(
            COLLECT,
            run(COLLECT, 0, 3.2, collected=311),
            run(COLLECT, 2, 3.0, collected=308, tail=error_tail),
        ),
        command(
            sleeper,
            run(sleeper, None, 5.0, failure=c.TIMED_OUT, timeout=5.0),
            run(sleeper, None, 5.0, failure=c.TIMED_OUT, timeout=5.0),
        ),
        command(
            "make smoke | tee log",
            None,
            run(
                "make smoke | tee log",
                None,
                0.0,
                failure=c.NOT_STARTED,
                message="No such file or directory",
            ),
        ),
    )
    outcome = replace(
        applied(deleted=12),
        kept=(
            Kept(
                f"{SHIM}.ws",
                "impure: defines `reconnect` beside its re-exports",
                Location("src/app/infrastructure/exchange/mexc/ws/__init__.py", 14),
            ),
            Kept(
                f"{SHIM}.http.client",
                "named by mock.patch in a test, so it was not deleted",
                Location("tests/test_http.py", 22),
            ),
        ),
        not_parsed=(
            Kept(
                "src/app/legacy_py2.py",
                "syntax error at line 3: invalid syntax",
                Location("src/app/legacy_py2.py", 0),
            ),
        ),
        mentions=(Location("docs/ARCHITECTURE.md", 41), Location("README.md", 12)),
    )
    return Report(Verification(checks, "HEAD 1a2b3c4", PY), outcome, Metadata("acme/trading"))


def no_before() -> Report:
    checks = tuple(
        replace(check, before=None, failures=c.judge_counts(check.role, None, check.after))  # type: ignore[arg-type]
        if check.kind == c.IMPORTS
        else replace(check, before=None)
        for check in passing_checks()[:3]
    )
    outcome = ApplyOutcome((SHIM,), (CANONICAL,), (), (), (), (), ())
    return Report(Verification(checks, None, "python"), outcome, Metadata("trading"))


REPORTS = {"passing": passing, "failing": failing, "no_before": no_before}


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_whole_report_matches_its_golden_file(name: str) -> None:
    rendered = render_markdown(REPORTS[name]())
    golden = GOLDEN / f"{name}.md"
    if REGENERATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_failures_come_first_and_are_marked() -> None:
    body = render_markdown(failing())
    rows = [line for line in body.splitlines() if line.startswith("| ") and "Check |" not in line]
    marks = [row.rsplit("|", 2)[1].strip()[0] for row in rows]
    assert marks == ["❌"] * 4 + ["✅"] * 2


def test_the_summary_says_what_changed_and_whether_checks_passed() -> None:
    summary = render_markdown(passing()).split("\n\n")[1]
    assert summary.startswith(f"This change removes the shim `{SHIM}`: it rewrites 4 imports in")
    assert "deletes 24 files that nothing imports any more" in summary
    assert "**all 5 checks passed**" in summary
    assert "**4 of 6 checks failed**" in render_markdown(failing())


def test_long_lists_are_folded() -> None:
    body = render_markdown(passing())
    assert "#### 24 files deleted\n\n<details><summary>Show all 24</summary>" in body
    assert "#### 4 imports rewritten in 4 files\n\n- `src/app/api/deps.py`" in body


def test_pipes_and_backticks_cannot_break_the_table_or_the_output_block() -> None:
    report = failing()
    tail = ("```", "still inside")
    after = replace(report.verification.checks[3].after, tail=tail)  # type: ignore[arg-type]
    checks = list(report.verification.checks)
    checks[3] = replace(checks[3], after=after)
    body = render_markdown(
        replace(report, verification=replace(report.verification, checks=tuple(checks)))
    )
    assert "Command `make smoke \\| tee log`" in body
    assert "````text\n```\nstill inside\n````" in body


def test_an_overlong_report_is_cut_to_fit_and_says_what_was_cut() -> None:
    report = replace(passing(), outcome=applied(files=3000, deleted=4000))
    whole = render_markdown(report, limit=10**9)
    assert len(whole) > 3 * BODY_LIMIT
    body = render_markdown(report)
    assert len(body) < BODY_LIMIT
    summary, table = whole.split("\n\n")[1], whole.split("### Verification\n\n")[1].split("\n\n")[0]
    assert summary in body and table in body
    assert (
        "> This description was shortened to fit GitHub's limit of 65,536 characters: cut " in body
    )
    assert "of 3,001 files with rewritten imports" in body and "of 4,000 deleted files" in body
    assert "more, cut to fit GitHub's size limit" in body
    assert body.endswith(f"<!-- unshim:fingerprint={report.fingerprint} -->\n")


def test_a_table_too_long_on_its_own_still_ends_with_the_marker() -> None:
    report = passing()
    many = report.verification.checks * 400
    body = render_markdown(replace(report, verification=replace(report.verification, checks=many)))
    assert len(body) < BODY_LIMIT
    assert body.endswith(f"<!-- unshim:fingerprint={report.fingerprint} -->\n")


def test_the_fingerprint_is_stable_and_names_the_plan() -> None:
    outcome = applied()
    shuffled = replace(
        outcome, edits=outcome.edits[::-1], deleted_files=outcome.deleted_files[::-1]
    )
    assert fingerprint(outcome) == fingerprint(shuffled)
    assert fingerprint(outcome) != fingerprint(applied(deleted=23))
    assert len(fingerprint(outcome)) == 16 and int(fingerprint(outcome), 16) >= 0
    assert f"<!-- unshim:fingerprint={fingerprint(outcome)} -->" in render_markdown(passing())


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_json_matches_the_documented_schema(name: str) -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads(render_json(REPORTS[name]()))
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)
    assert document["passed"] is (name != "failing")


def test_the_terminal_text_lists_failures_first_with_the_command_to_rerun() -> None:
    text = render_text(failing())
    assert text.splitlines()[0] == f"6 checks, 4 failed (before: HEAD 1a2b3c4; interpreter: {PY})"
    assert text.splitlines()[1].startswith("FAIL Imports of")
    assert "rerun: make smoke '|' tee log" in text


def test_an_import_split_in_two_stays_one_list_item() -> None:
    split = ImportEdit(
        Location("src/app/api/health.py", 7),
        f"from {SHIM} import MexcClient, MarketAdapter",
        f"from {CANONICAL}.client import MexcClient\n"
        f"from {CANONICAL}.facades.market import MarketFacade as MarketAdapter",
    )
    outcome = replace(applied(files=0), edits=(split,))
    body = render_markdown(Report(passing().verification, outcome, Metadata("acme/trading")))
    line = next(x for x in body.splitlines() if "line 7:" in x)
    assert line.endswith(
        f"→ `from {CANONICAL}.client import MexcClient` + "
        f"`from {CANONICAL}.facades.market import MarketFacade as MarketAdapter`"
    )


def test_many_canonical_modules_are_named_by_their_package() -> None:
    modules = tuple(f"{CANONICAL}.{name}" for name in ("client", "account", "errors", "symbols"))
    outcome = replace(applied(), canonical=modules)
    body = render_markdown(Report(passing().verification, outcome, Metadata("acme/trading")))
    assert f"to import from 4 modules of `{CANONICAL}` directly" in body


def test_an_import_over_several_lines_is_shown_as_a_diff() -> None:
    edit = ImportEdit(
        Location("src/app/services/market_data.py", 6),
        f"from {SHIM}.http.endpoints import (  # spot\n    TICKER_PRICE,\n)",
        f"from {CANONICAL}.endpoints.spot import (  # spot\n    TICKER_PRICE,\n)",
    )
    outcome = replace(applied(files=0), edits=(edit,))
    body = render_markdown(Report(passing().verification, outcome, Metadata("acme/trading")))
    assert (
        "  - line 6:\n    ```diff\n"
        f"    -from {SHIM}.http.endpoints import (  # spot\n    -    TICKER_PRICE,\n    -)\n"
        f"    +from {CANONICAL}.endpoints.spot import (  # spot\n"
    ) in body


def test_the_same_kept_item_is_listed_and_counted_once() -> None:
    twice = Kept(f"{SHIM}.http", "stays: imported by name", Location("src/app/boot.py", 4))
    report = replace(passing(), outcome=replace(applied(), kept=(twice, twice)))
    body = render_markdown(report)
    assert body.count("`src/app/boot.py:4`") == 1
    assert "1 item was left as is" in body


def test_kept_items_of_many_shims_are_grouped_by_shim_with_counts() -> None:
    shims = tuple(f"legacy.part{n}" for n in range(43))
    kept = tuple(
        Kept(f"{shim}.mod{m}", "stays: named by a string", Location(f"app/use{n}.py", m + 1))
        for n, shim in enumerate(shims[:5])
        for m in range(2)
    )
    report = replace(passing(), outcome=replace(applied(), shims=shims, kept=kept))
    body = render_markdown(report)
    assert "- `legacy.part3` (2 items):\n  - `legacy.part3.mod0`: stays" in body
    assert body.count("(2 items):") == 5
    assert "<details><summary>Show all 10</summary>" in body


@pytest.mark.parametrize(
    ("shims", "title"),
    [
        (
            ("app.legacy",),
            "Remove the app.legacy shim layer (4 imports rewritten, 24 files deleted)",
        ),
        (
            tuple(f"exchange.mexc.m{n}" for n in range(24)),
            "Remove 24 shims of exchange.mexc (4 imports rewritten, 24 files deleted)",
        ),
        (
            (*(f"app.old.a.m{n}" for n in range(20)), *(f"app.old.b.m{n}" for n in range(23))),
            "Remove 43 shims in 2 packages under app.old (4 imports rewritten, 24 files deleted)",
        ),
        (
            ("one.m1", "one.m2", "two.m1", "three.m1"),
            "Remove 4 shims in 3 packages (4 imports rewritten, 24 files deleted)",
        ),
    ],
)
def test_the_title_names_few_shims_and_counts_many(shims: tuple[str, ...], title: str) -> None:
    assert wording.title(replace(applied(), shims=shims)) == title


def test_the_title_never_exceeds_githubs_limit() -> None:
    shims = tuple("x" * 120 + f".y{n}" for n in range(3))  # three names too long to list
    text = wording.title(replace(applied(), shims=shims))
    assert text == "Remove 3 shims (4 imports rewritten, 24 files deleted)"
    many = tuple(f"{'p' * 300}{n}.m" for n in range(50))
    assert len(wording.title(replace(applied(), shims=many))) <= wording.TITLE_LIMIT


def noted() -> Report:
    """A report whose edit dropped a duplicate import, and whose plan noted a side effect."""
    report = passing()
    edit = ImportEdit(
        Location("src/app/api/deps.py", 4),
        f"from {SHIM}.client import Client",
        "",
        (
            f"`from {CANONICAL}.client import Client` dropped as a duplicate: line 2 already "
            "imports it",
        ),
    )
    side = Note(SHIM, "importing it set an attribute", Location("src/app/shim.py", 6))
    outcome = replace(report.outcome, edits=(*report.outcome.edits, edit), notes=(side,))
    return replace(report, outcome=outcome)


def test_notes_are_in_the_markdown_json_and_text() -> None:
    report = noted()
    body = render_markdown(report)
    assert "#### 2 notes for the reviewer\n\n" in body
    assert (
        f"- `from {CANONICAL}.client import Client` dropped as a duplicate: line 2 already "
        "imports it (`src/app/api/deps.py:4`)\n"
    ) in body
    assert "- importing it set an attribute (`src/app/shim.py:6`)\n" in body
    assert "notes for the reviewer" not in render_markdown(passing())
    schema = json.loads(SCHEMA.read_text())
    document = json.loads(render_json(report))
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)
    edits = document["outcome"]["edits"]
    assert [e["notes"] for e in edits if e["notes"]] == [list(report.outcome.edits[-1].notes)]
    assert document["outcome"]["notes"] == [
        {
            "subject": SHIM,
            "text": "importing it set an attribute",
            "location": {"path": "src/app/shim.py", "line": 6},
        }
    ]
    assert "note: src/app/shim.py:6: importing it set an attribute\n" in render_text(report)


def test_patch_targets_are_listed_with_file_and_line_everywhere() -> None:
    report = passing()
    patched = ImportEdit(
        Location("tests/test_market.py", 12),
        f"'{SHIM}.client.MexcClient'",
        f"'{CANONICAL}.client.MexcClient'",
        kind="patch target",
    )
    outcome = replace(report.outcome, patch_targets=(patched,))
    report = replace(report, outcome=outcome)
    body = render_markdown(report)
    assert "#### 1 patch target rewritten\n" in body
    assert (
        f"- `tests/test_market.py:12`: `'{SHIM}.client.MexcClient'` → "
        f"`'{CANONICAL}.client.MexcClient'`\n"
    ) in body
    assert "patch target rewritten" not in render_markdown(passing())
    assert fingerprint(outcome) != fingerprint(passing().outcome)
    document = json.loads(render_json(report))
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    assert document["outcome"]["patch_targets"][0]["location"]["line"] == 12
    assert f"patch target: tests/test_market.py:12: '{SHIM}" in render_text(report)
