"""The composite action run on this machine (see actionrunner.py): its inputs become exactly the
intended `unshim run` arguments, hostile text stays inert, booleans are checked, and unshim is
installed into a virtual environment of its own.

Most tests replay the install step with a recording `unshim` (a script that writes down its
argv, folder and token, and answers with outputs and a summary). The install step itself runs
for real once per session (`installed_unshim`): a virtual environment under RUNNER_TEMP and
`pip install` of a copy of this checkout. To stay offline and fast, only that fixture installs
with `--no-deps` (PIP_NO_DEPS) and lets the new environment see this environment's packages
through a `.pth` file (`--system-site-packages` would show the base interpreter's packages, not
this virtual environment's); the build backend comes from pip's configured index and cache.

Once `unshim run` exists, the test of the real thing takes `installed_unshim` and the `github`
fixture of tests/fakegithub: a git copy of demo/ with a bare remote as origin for `workspace`,
`replay={"install": installed_unshim.outputs}`, `token=github.token`, and `environ` with
GITHUB_API_URL=github.api_url and GITHUB_REPOSITORY=github.repo.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.actionrunner import ActionRun, UnsupportedExpression, clean_environ, evaluate, run_action
from tests.actionrunner import Context as ExpressionContext
from tests.checkout import copy_checkout

ROOT = Path(__file__).parent.parent
ACTION = ROOT / "action.yml"
TOKEN = "ghs_test_token_0123456789"
HOSTILE = """'$(touch /tmp/pwned); `echo hi`; "quoted" && rm -rf x'"""

FAKE_UNSHIM = """#!{python}
import json, os, sys
with open({record!r}, "w", encoding="utf-8") as record:
    json.dump({{
        "argv": sys.argv[1:],
        "cwd": os.getcwd(),
        "token": os.environ.get("GITHUB_TOKEN"),
        "inputs_left": sorted(k for k in os.environ if k.startswith("INPUT_")),
    }}, record)
with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as out:
    out.write("pr-number=7\\npr-url=https://github.com/acme/app/pull/7\\nchanged=true\\n")
    out.write("verification<<EOF\\npassed: 2 of 2 checks\\nEOF\\n")
with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
    summary.write("## unshim: 1 shim layer removed\\n")
sys.exit(int(os.environ.get("FAKE_UNSHIM_EXIT", "0")))
"""


@dataclass(frozen=True)
class Recording:
    run: ActionRun
    argv: list[str] | None  # None: unshim was never started
    cwd: str | None
    token: str | None
    inputs_left: list[str] | None


@dataclass(frozen=True)
class FakeRunner:
    workspace: Path
    runner_temp: Path
    unshim: Path
    record: Path

    def __call__(self, inputs: Mapping[str, str], **environ: str) -> Recording:
        run = run_action(
            ACTION,
            {"token": TOKEN, **inputs},
            workspace=self.workspace,
            runner_temp=self.runner_temp,
            environ={**clean_environ(), **environ},
            replay={"install": {"unshim": str(self.unshim)}},
        )
        data: dict[str, Any] = {}
        if self.record.exists():
            data = json.loads(self.record.read_text(encoding="utf-8"))
            self.record.unlink()
        return Recording(
            run, data.get("argv"), data.get("cwd"), data.get("token"), data.get("inputs_left")
        )


@pytest.fixture
def action(tmp_path: Path) -> FakeRunner:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    record = tmp_path / "unshim-call.json"
    unshim = tmp_path / "fake-bin" / "unshim"
    unshim.parent.mkdir()
    unshim.write_text(FAKE_UNSHIM.format(python=sys.executable, record=str(record)))
    unshim.chmod(0o755)
    return FakeRunner(workspace, tmp_path / "runner-temp", unshim, record)


def test_defaults_run_unshim_with_no_options_in_the_workspace(action: FakeRunner) -> None:
    called = action({})
    assert called.run.returncode == 0, called.run.steps[-1].stderr
    assert called.argv == ["run"]
    assert called.cwd == str(action.workspace)


def test_every_input_becomes_its_option(action: FakeRunner) -> None:
    (action.workspace / "services" / "api").mkdir(parents=True)
    called = action(
        {
            "config": "ci/unshim.toml",
            "shim": "app.legacy  app.old.adapters\tapp.compat",
            "auto": "true",
            "dry-run": "true",
            "python": "/opt/venv/bin/python",
            "working-directory": "services/api",
            "branch": "unshim/legacy",
            "labels": "unshim refactor",
            "repository": "acme/api",
        }
    )
    assert called.argv == [
        "run",
        "--config=ci/unshim.toml",
        "--shim=app.legacy",
        "--shim=app.old.adapters",
        "--shim=app.compat",
        "--auto",
        "--dry-run",
        "--branch=unshim/legacy",
        "--label=unshim",
        "--label=refactor",
        "--python=/opt/venv/bin/python",
        "--repository=acme/api",
    ]
    assert called.cwd == str(action.workspace / "services" / "api")


def test_the_token_reaches_unshim_as_github_token(action: FakeRunner) -> None:
    called = action({"token": "ghs_app_installation_token"})
    assert called.token == "ghs_app_installation_token"
    assert called.inputs_left == []


def test_the_token_defaults_to_the_jobs_token(action: FakeRunner) -> None:
    run = run_action(
        ACTION,
        {},
        workspace=action.workspace,
        runner_temp=action.runner_temp,
        environ=clean_environ(),
        token="ghs_job_token",
        replay={"install": {"unshim": str(action.unshim)}},
    )
    assert run.returncode == 0
    assert json.loads(action.record.read_text())["token"] == "ghs_job_token"


@pytest.mark.parametrize("name", ["config", "branch", "python", "repository"])
def test_shell_metacharacters_in_an_input_arrive_as_one_inert_argument(
    action: FakeRunner, tmp_path: Path, name: str
) -> None:
    marker = tmp_path / "pwned"
    hostile = f"{HOSTILE} $(touch {marker}) `touch {marker}` ${{HOME}} *"
    (action.workspace / "x").mkdir()
    pwned_before = Path("/tmp/pwned").exists()
    called = action({name: hostile})
    assert called.argv == ["run", f"--{name}={hostile}"]
    assert not marker.exists()
    assert Path("/tmp/pwned").exists() == pwned_before
    assert (action.workspace / "x").is_dir()


@pytest.mark.parametrize("name, option", [("shim", "--shim"), ("labels", "--label")])
def test_shell_metacharacters_in_a_list_are_split_on_whitespace_only(
    action: FakeRunner, tmp_path: Path, name: str, option: str
) -> None:
    marker = tmp_path / "pwned"
    hostile = f"{HOSTILE} $(touch {marker}) * ${{HOME}}\n--dry-run"
    (action.workspace / "x").mkdir()
    (action.workspace / "a-file").touch()  # `*` would expand to it if globbed
    called = action({name: hostile})
    assert called.argv == ["run", *(f"{option}={word}" for word in hostile.split())]
    assert not marker.exists()
    assert (action.workspace / "x").is_dir()


def test_a_working_directory_with_metacharacters_is_just_a_folder(
    action: FakeRunner, tmp_path: Path
) -> None:
    folder = action.workspace / "$(touch pwned); `echo hi` && rm -rf x"
    folder.mkdir()
    called = action({"working-directory": folder.name})
    assert called.cwd == str(folder)
    assert not (folder / "pwned").exists()


@pytest.mark.parametrize(
    "value, expected",
    [("true", ["--dry-run"]), ("True", ["--dry-run"]), ("false", []), ("FALSE", []), ("", [])],
)
def test_boolean_inputs_take_true_or_false(
    action: FakeRunner, value: str, expected: list[str]
) -> None:
    assert action({"dry-run": value}).argv == ["run", *expected]


@pytest.mark.parametrize("name", ["auto", "dry-run"])
@pytest.mark.parametrize("value", ["yes", "1", "true; touch pwned", "--force"])
def test_other_boolean_values_stop_before_unshim_starts(
    action: FakeRunner, name: str, value: str
) -> None:
    called = action({name: value})
    assert called.argv is None
    failed = called.run.step("run")
    assert failed.returncode == 2
    assert f'::error title=unshim::input {name} must be "true" or "false"' in failed.stderr
    assert not (action.workspace / "pwned").exists()


def test_a_missing_working_directory_stops_before_unshim_starts(action: FakeRunner) -> None:
    called = action({"working-directory": "no/such/folder"})
    assert called.argv is None
    assert called.run.returncode == 2
    assert "::error title=unshim::working-directory no/such/folder" in called.run.steps[-1].stderr


def test_outputs_and_summary_are_unshims(action: FakeRunner) -> None:
    run = action({}).run
    assert run.outputs == {
        "pr-number": "7",
        "pr-url": "https://github.com/acme/app/pull/7",
        "changed": "true",
        "verification": "passed: 2 of 2 checks",
    }
    assert run.summary == "## unshim: 1 shim layer removed\n"


def test_unshims_exit_code_is_the_steps(action: FakeRunner) -> None:
    called = action({}, FAKE_UNSHIM_EXIT="1")
    assert called.argv == ["run"]
    assert called.run.returncode == 1


def test_the_log_shows_the_command_quoted(action: FakeRunner) -> None:
    run = action({"shim": "app.legacy", "branch": "a b"}).run
    assert "unshim run --shim=app.legacy --branch=a\\ b\n" in run.step("run").stdout


def test_the_action_leaves_nothing_in_the_environment_of_later_steps(action: FakeRunner) -> None:
    assert action({"shim": "app.legacy"}).run.exported == ""


def test_the_test_runner_refuses_expressions_it_does_not_model() -> None:
    context = ExpressionContext(inputs={"shim": "x"}, action_path="/a", runner_temp="/t", token="")
    assert evaluate("${{ inputs.shim }}-${{ runner.temp }}", context) == "x-/t"
    for text in (
        "${{ github.event.issue.title }}",
        "${{ inputs.nope }}",
        "${{ steps.x.outputs.y }}",
    ):
        with pytest.raises(UnsupportedExpression):
            evaluate(text, context)
    with pytest.raises(UnsupportedExpression):
        evaluate("${{ inputs.shim", context)


# --- the install step, for real ---------------------------------------------------------------

PYTHON3_FOR_THE_INSTALL = """#!/bin/bash
# python3 as the install step finds it: the tests' interpreter. A virtual environment it creates
# also sees the tests' packages (unshim's dependencies), so the install downloads none of them.
set -e
"{python}" "$@"
if [[ $1 == -m && $2 == venv ]]; then
    site=$("${{@: -1}}/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
    echo "{dependencies}" > "$site/_unshim_test_dependencies.pth"
fi
"""


@dataclass(frozen=True)
class Installed:
    run: ActionRun
    source: Path  # the copy of this checkout the action was installed from
    runner_temp: Path
    environ: Mapping[str, str]

    @property
    def outputs(self) -> Mapping[str, str]:
        return self.run.step("install").outputs


@pytest.fixture(scope="session")
def installed_unshim(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("installed")
    source = root / "action"
    copy_checkout(source)
    bin_dir = root / "bin"
    bin_dir.mkdir()
    python3 = bin_dir / "python3"
    python3.write_text(
        PYTHON3_FOR_THE_INSTALL.format(
            python=sys.executable, dependencies=sysconfig.get_path("purelib")
        )
    )
    python3.chmod(0o755)
    environ = clean_environ()
    environ["PATH"] = f"{bin_dir}:{environ.get('PATH', '')}"
    environ["PIP_NO_DEPS"] = "1"
    environ["PIP_NO_INPUT"] = "1"
    workspace = root / "workspace"
    workspace.mkdir()
    run = run_action(
        ACTION,
        {"token": TOKEN},
        workspace=workspace,
        runner_temp=root / "runner-temp",
        environ=environ,
        action_path=source,
        until="install",
    )
    assert run.returncode == 0, run.step("install").stderr
    return Installed(run, source, root / "runner-temp", environ)


def test_install_puts_unshim_in_a_virtual_environment_under_runner_temp(
    installed_unshim: Installed,
) -> None:
    unshim = Path(installed_unshim.outputs["unshim"])
    assert unshim == installed_unshim.runner_temp / "unshim-venv" / "bin" / "unshim"
    done = subprocess.run([unshim, "--version"], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "unshim 0.1.0"


def test_installed_unshim_is_the_actions_copy_not_the_repositorys(
    installed_unshim: Installed, tmp_path: Path
) -> None:
    venv = installed_unshim.runner_temp / "unshim-venv"
    done = subprocess.run(
        [
            venv / "bin" / "python",
            "-I",
            "-c",
            "import unshim.bot, unshim.codemods; "
            "print(unshim.bot.__file__, unshim.codemods.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert all(Path(found).is_relative_to(venv) for found in done.stdout.split())
    # A repository with packages named as unshim's folders or as unshim itself does not shadow
    # unshim's, run from its root.
    for package in ("bot", "codemods", "unshim"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("raise SystemExit('shadowed')\n")
    done = subprocess.run(
        [venv / "bin" / "unshim", "--help"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "unshim removes the leftovers" in done.stdout


def test_install_leaves_the_repositorys_environment_alone(installed_unshim: Installed) -> None:
    # Nothing on PATH or in the environment of later steps: `python` stays the repository's.
    assert installed_unshim.run.exported == ""
    assert list(installed_unshim.run.outputs) == []  # the run step's outputs: not run here


def test_install_refuses_a_python_older_than_3_10(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    old = bin_dir / "python3"
    old.write_text('#!/bin/sh\ncase "$*" in *--version*) echo "Python 3.8.18";; *) exit 1;; esac\n')
    old.chmod(0o755)
    environ = clean_environ()
    environ["PATH"] = f"{bin_dir}:{environ.get('PATH', '')}"
    run = run_action(
        ACTION,
        {"token": TOKEN},
        workspace=tmp_path,
        runner_temp=tmp_path / "runner-temp",
        environ=environ,
        until="install",
    )
    assert run.returncode == 1
    stderr = run.step("install").stderr
    assert (
        "unshim needs Python 3.10 or newer to run, and python3 on PATH is Python 3.8.18" in stderr
    )
    assert not (tmp_path / "runner-temp" / "unshim-venv").exists()


def test_the_action_opens_the_demo_pull_request_on_a_github_api(
    installed_unshim: Installed, github: Any, tmp_path: Path
) -> None:
    """The whole action, as a workflow runs it: the demo as a git repository with a bare
    remote for origin, the installed unshim, and a GitHub API (the fake) to open the PR on."""
    bare, work = tmp_path / "remote.git", tmp_path / "mexc-trader"
    shutil.copytree(ROOT / "demo", work)
    identity = ["-c", "user.name=Demo", "-c", "user.email=demo@example.com"]
    for argv in (
        ["git", "init", "-q", "--bare", str(bare)],
        ["git", "-C", str(bare), "symbolic-ref", "HEAD", "refs/heads/main"],
        ["git", "-C", str(work), "init", "-q"],
        ["git", "-C", str(work), "checkout", "-q", "-b", "main"],
        ["git", "-C", str(work), "add", "-A"],
        ["git", "-C", str(work), *identity, "commit", "-qm", "Demo app"],
        ["git", "-C", str(work), "remote", "add", "origin", bare.as_uri()],
        ["git", "-C", str(work), "push", "-q", "origin", "main"],
    ):
        subprocess.run(argv, check=True, capture_output=True)
    github.repository.git_dir = str(bare)
    environ = {
        **installed_unshim.environ,
        "GITHUB_API_URL": github.api_url,
        "GITHUB_REPOSITORY": github.repo,
    }
    run = run_action(
        ACTION,
        {"token": github.token, "python": sys.executable},
        workspace=work,
        runner_temp=installed_unshim.runner_temp,
        environ=environ,
        action_path=installed_unshim.source,
        token=github.token,
        replay={"install": installed_unshim.outputs},
    )
    assert run.returncode == 0, run.steps[-1].stderr
    assert run.outputs["pr-number"] == "1"
    assert run.outputs["changed"] == "true"
    assert run.outputs["verification"] == "passed"
    pull = github.repository.pulls[1]
    assert pull.head == "unshim/exchange-mexc"
    assert "src/app/infrastructure/exchange/mexc/adapters/market_adapter.py" in (pull.body or "")
    assert "## unshim: removing" in run.summary
    assert github.token not in run.steps[-1].stdout + run.steps[-1].stderr


# --- mode: check, the guard for pull-request workflows -------------------------------------


def test_check_mode_runs_the_guard_with_annotations_and_without_the_token(
    action: FakeRunner,
) -> None:
    called = action({"mode": "check", "config": "ci/unshim.toml", "shim": "ignored.here"})
    assert called.run.returncode == 0, called.run.steps[-1].stderr
    assert called.argv == ["check", "--format=github", "--config=ci/unshim.toml"]
    assert called.token is None


@pytest.mark.parametrize("value", ["Check", "apply", "check; touch pwned"])
def test_another_mode_stops_before_unshim_starts(action: FakeRunner, value: str) -> None:
    called = action({"mode": value})
    assert called.run.returncode == 2 and called.argv is None
    assert 'input mode must be "run" or "check"' in called.run.steps[-1].stderr


def test_check_mode_annotates_a_removed_import_through_the_installed_unshim(
    installed_unshim: Installed, tmp_path: Path
) -> None:
    work = tmp_path / "app-repo"
    (work / "app").mkdir(parents=True)
    (work / "pyproject.toml").write_text(
        '[tool.unshim]\nremoved = ["app.legacy=app.core"]\n', encoding="utf-8"
    )
    (work / "app" / "__init__.py").write_text("", encoding="utf-8")
    (work / "app" / "user.py").write_text("from app.legacy import C\n", encoding="utf-8")
    run = run_action(
        ACTION,
        {"token": TOKEN, "mode": "check"},
        workspace=work,
        runner_temp=installed_unshim.runner_temp,
        environ=installed_unshim.environ,
        action_path=installed_unshim.source,
        replay={"install": installed_unshim.outputs},
    )
    assert run.returncode == 1
    assert (
        "::error file=app/user.py,line=1,title=app.legacy was removed::"
        "from app.legacy import C: app.legacy was removed; use app.core instead\n"
    ) in run.steps[-1].stdout
