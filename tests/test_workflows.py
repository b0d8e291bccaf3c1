"""The workflows and the action as GitHub and an auditor read them: zizmor finds nothing (and
does flag a known mistake), GitHub's schemas accept them (and reject a broken one), every
third-party action is pinned to a commit, and no expression is expanded inside a script.

zizmor runs offline and check-jsonschema with the schemas it ships: nothing here needs network.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "workflows"
ACTION = ROOT / "action.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
AUDITED = [ACTION, *WORKFLOWS]
PINNED = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}")


def tool(name: str) -> str:
    """The tool installed next to the interpreter running the tests, else the one on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: run `make test`, which installs the test extra")
    return found


def zizmor(path: Path) -> list[dict[str, Any]]:
    # --persona pedantic reports more than the default persona; no --min-severity, so every
    # severity counts. --no-config: no configuration file may quietly ignore an audit.
    done = subprocess.run(
        [
            tool("zizmor"),
            "--offline",
            "--no-config",
            "--persona=pedantic",
            "--format=json",
            "--no-exit-codes",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    findings: list[dict[str, Any]] = json.loads(done.stdout)
    return findings


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def load(path: Path) -> dict[Any, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def steps_of(path: Path) -> list[dict[str, Any]]:
    document = load(path)
    if path == ACTION:
        return list(document["runs"]["steps"])
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("path", AUDITED, ids=lambda p: p.name)
def test_zizmor_finds_nothing(path: Path) -> None:
    findings = zizmor(path)
    assert findings == [], "\n".join(f"{f['ident']}: {f['desc']}" for f in findings)


def test_zizmor_flags_an_input_expanded_inside_run() -> None:
    findings = zizmor(FIXTURES / "injection.yml")
    assert [finding["ident"] for finding in findings] == ["template-injection"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_githubs_schema(path: Path) -> None:
    done = check_jsonschema("vendor.github-workflows", path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_matches_githubs_schema() -> None:
    done = check_jsonschema("vendor.github-actions", ACTION)
    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_check_rejects_a_broken_workflow() -> None:
    done = check_jsonschema("vendor.github-workflows", FIXTURES / "schema-error.yml")
    assert done.returncode == 1
    assert "'runs-on' is a required property" in done.stdout


@pytest.mark.parametrize("path", AUDITED, ids=lambda p: p.name)
def test_actions_are_pinned_to_a_commit_with_the_version_alongside(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for step in steps_of(path):
        use = step.get("uses")
        if use is None or use.startswith("$/"):  # `$/`: this repository at the workflow's commit
            continue
        assert PINNED.fullmatch(use), f"{path.name}: {use} is not pinned to a commit"
        version = re.search(rf"uses: {re.escape(use)} # (\S+)\n", text)
        assert version and re.fullmatch(r"v\d+\.\d+\.\d+", version[1]), f"{path.name}: {use}"


@pytest.mark.parametrize("path", AUDITED, ids=lambda p: p.name)
def test_no_expression_is_expanded_inside_a_script(path: Path) -> None:
    # zizmor only flags expressions it considers attacker-controlled; here, none at all: data
    # reaches scripts through `env:`.
    for step in steps_of(path):
        assert "${{" not in step.get("run", ""), f"{path.name}: {step.get('name', step)}"


def test_the_token_reaches_unshim_only_as_github_token_of_the_run_step() -> None:
    text = ACTION.read_text(encoding="utf-8")
    assert text.count("inputs.token") == 1
    (run,) = [step for step in steps_of(ACTION) if step.get("id") == "run"]
    assert run["env"]["GITHUB_TOKEN"] == "${{ inputs.token }}"


def test_user_workflow_grants_only_what_opening_a_pull_request_needs() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "unshim.yml")
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"] == {"fetch-depth": 0, "persist-credentials": False}
