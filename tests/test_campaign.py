"""The scripts of the campaign workflow, run here with the environment and files GitHub would give
them: the repository list is checked before any job starts, each job records its outcome, and
the last job turns the records into one summary table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parent.parent
CAMPAIGN = ROOT / ".github" / "workflows" / "unshim-campaign.yml"


def script(job: str, step_name: str) -> str:
    workflow = yaml.safe_load(CAMPAIGN.read_text(encoding="utf-8"))
    (step,) = [s for s in workflow["jobs"][job]["steps"] if s.get("name") == step_name]
    assert step["shell"] == "python"
    return str(step["run"])


def run_script(job: str, step_name: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script(job, step_name)],
        cwd=cwd,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def check_list(tmp_path: Path, repositories: str, file: str = "none.json") -> tuple[int, str]:
    output = tmp_path / "output"
    output.touch()
    done = run_script(
        "plan",
        "Check the list",
        tmp_path,
        REPOSITORIES=repositories,
        REPOSITORIES_FILE=file,
        GITHUB_OUTPUT=str(output),
    )
    return done.returncode, done.stdout + output.read_text()


def test_the_list_is_deduplicated_into_the_matrix(tmp_path: Path) -> None:
    code, out = check_list(tmp_path, '["acme/api", "acme/worker", "acme/api"]')
    assert code == 0
    assert 'repositories=["acme/api", "acme/worker"]\n' in out


def test_the_list_can_come_from_a_file_in_the_repository(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "unshim-campaign.json").write_text('["acme/api"]')
    code, out = check_list(tmp_path, "", ".github/unshim-campaign.json")
    assert code == 0
    assert 'repositories=["acme/api"]\n' in out


@pytest.mark.parametrize(
    "repositories, message",
    [
        ("[]", "must be a non-empty JSON list"),
        ('{"acme/api": 1}', "must be a non-empty JSON list"),
        ("acme/api", "is not JSON"),
        ('["acme/api", "acme"]', "not OWNER/NAME: 'acme'"),
        ('["acme/api; rm -rf ~"]', "not OWNER/NAME"),
        ('["../../etc/passwd"]', "not OWNER/NAME"),
        ("", "no file 'none.json'"),
    ],
)
def test_a_bad_list_stops_the_campaign(tmp_path: Path, repositories: str, message: str) -> None:
    code, out = check_list(tmp_path, repositories)
    assert code == 1
    assert out.startswith("::error title=unshim campaign::")
    assert message in out
    assert "repositories=" not in out


def test_a_file_outside_the_repository_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.json").write_text('["acme/api"]')
    (tmp_path / "repo").mkdir()
    code, out = check_list(tmp_path / "repo", "", "../outside.json")
    assert code == 1
    assert "no file '../outside.json'" in out


def record(tmp_path: Path, index: int, **values: str) -> None:
    done = run_script(
        "unshim",
        "Record the outcome",
        tmp_path,
        RUNNER_TEMP=str(tmp_path),
        JOB_INDEX=str(index),
        **{name.upper(): value for name, value in values.items()},
    )
    assert done.returncode == 0, done.stderr


def test_the_summary_is_one_table_of_every_repository(tmp_path: Path) -> None:
    record(
        tmp_path,
        0,
        repository="acme/api",
        outcome="success",
        pr_number="12",
        pr_url="https://github.com/acme/api/pull/12",
        changed="true",
        verification="passed",
    )
    record(
        tmp_path,
        1,
        repository="acme/worker",
        outcome="failure",
        pr_number="",
        pr_url="",
        changed="false",
        verification="failed | 1 of 3\nchecks",
    )
    summary = tmp_path / "summary.md"
    done = run_script(
        "summary",
        "Summarize",
        tmp_path,
        REPOSITORIES=json.dumps(["acme/api", "acme/worker", "acme/gone"]),
        OUTCOMES=str(tmp_path / "unshim-outcome"),
        GITHUB_STEP_SUMMARY=str(summary),
    )
    assert done.returncode == 0, done.stderr
    assert summary.read_text().splitlines() == [
        "## unshim campaign",
        "",
        "| repository | pull request | changed | verification | job |",
        "|---|---|---|---|---|",
        "| acme/api | [#12](https://github.com/acme/api/pull/12) | true | passed | success |",
        "| acme/worker | - | false | failed \\| 1 of 3 checks | failure |",
        "| acme/gone | - | - | - | no result |",
    ]
