"""Runs the `run:` steps of a composite action (action.yml) on this machine, as the GitHub runner
would: each with `bash --noprofile --norc -eo pipefail`, its `env:` evaluated from the inputs,
and GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_PATH and RUNNER_TEMP pointing at
files and folders of the test.

Only the expressions the action needs are understood: `inputs.X`, `github.action_path`,
`github.token` (the default of the `token` input), `runner.temp` and `steps.ID.outputs.NAME`.
Any other expression, and any step key the runner here does not model (`uses`, `if`, ...), is an
error, so the action cannot come to depend on something these tests would silently get wrong.
The one `uses:` step modeled is `actions/cache` (pinned by commit): the runner here has no
GitHub cache, so it restores nothing, as on a repository's first run.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
_INPUT = re.compile(r"inputs\.([A-Za-z_][A-Za-z0-9_-]*)")
_STEP_OUTPUT = re.compile(r"steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.([A-Za-z_][A-Za-z0-9_-]*)")
_STEP_KEYS = frozenset({"name", "id", "shell", "env", "run"})
_CACHE_STEP = re.compile(r"actions/cache@[0-9a-f]{40}")
# Variables of the machine running the tests that would leak into the steps: the runner's own
# (when the suite itself runs in GitHub Actions), and pip's or Python's configuration.
_LEAKY_PREFIXES = ("GITHUB_", "RUNNER_", "INPUT_", "ACTIONS_", "PIP_", "PYTHON", "VIRTUAL_ENV")


class UnsupportedExpression(ValueError):
    """An expression, or a step key, the runner here does not model."""


@dataclass(frozen=True)
class Context:
    inputs: Mapping[str, str]
    action_path: str
    runner_temp: str
    token: str
    steps: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def evaluate(text: str, context: Context) -> str:
    """`text` with every `${{ ... }}` replaced by its value."""

    def value(match: re.Match[str]) -> str:
        expression = match[1].strip()
        if found := _INPUT.fullmatch(expression):
            if found[1] not in context.inputs:
                raise UnsupportedExpression(f"input {found[1]!r} is not declared: {match[0]}")
            return context.inputs[found[1]]
        if expression == "github.action_path":
            return context.action_path
        if expression == "github.token":
            return context.token
        if expression == "runner.temp":
            return context.runner_temp
        if found := _STEP_OUTPUT.fullmatch(expression):
            if found[1] not in context.steps:
                raise UnsupportedExpression(f"step {found[1]!r} has not run: {match[0]}")
            # Like GitHub: an output the step did not write is empty.
            return context.steps[found[1]].get(found[2], "")
        raise UnsupportedExpression(f"expression not modelled by the test runner: {match[0]}")

    if "${{" in EXPRESSION.sub("", text):
        raise UnsupportedExpression(f"unterminated expression in {text!r}")
    return EXPRESSION.sub(value, text)


def parse_outputs(text: str) -> dict[str, str]:
    """The `name=value` and `name<<DELIMITER` lines of a GITHUB_OUTPUT file."""
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body: list[str] = []
            for next_line in lines:
                if next_line == delimiter:
                    break
                body.append(next_line)
            else:
                raise ValueError(f"GITHUB_OUTPUT: no closing {delimiter!r} for {name!r}")
            outputs[name] = "\n".join(body)
        else:
            name, _, rest = line.partition("=")
            outputs[name] = rest
    return outputs


def clean_environ(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of the test process without what a step must not inherit from it."""
    source = os.environ if environ is None else environ
    return {k: v for k, v in source.items() if not k.startswith(_LEAKY_PREFIXES)}


@dataclass(frozen=True)
class StepRun:
    id: str
    returncode: int
    stdout: str
    stderr: str
    outputs: Mapping[str, str]


@dataclass(frozen=True)
class ActionRun:
    steps: tuple[StepRun, ...]
    outputs: Mapping[str, str]  # the action's `outputs:`, evaluated
    summary: str  # everything the steps appended to GITHUB_STEP_SUMMARY
    exported: str  # everything appended to GITHUB_ENV or GITHUB_PATH (for later steps)

    @property
    def returncode(self) -> int:
        return next((step.returncode for step in self.steps if step.returncode), 0)

    def step(self, step_id: str) -> StepRun:
        return next(step for step in self.steps if step.id == step_id)


def load_action(path: Path) -> dict[str, Any]:
    action = yaml.safe_load(path.read_text(encoding="utf-8"))
    if action.get("runs", {}).get("using") != "composite":
        raise UnsupportedExpression(f"{path}: not a composite action")
    return dict(action)


def resolve_inputs(
    action: Mapping[str, Any], given: Mapping[str, str], base: Context
) -> dict[str, str]:
    declared = action.get("inputs") or {}
    unknown = set(given) - set(declared)
    if unknown:
        raise UnsupportedExpression(f"inputs not declared by the action: {sorted(unknown)}")
    inputs: dict[str, str] = {}
    for name, spec in declared.items():
        if name in given:
            inputs[name] = given[name]
        else:
            inputs[name] = evaluate(str((spec or {}).get("default", "")), base)
    return inputs


def run_action(
    action_file: Path,
    inputs: Mapping[str, str],
    *,
    workspace: Path,
    runner_temp: Path,
    environ: Mapping[str, str],
    action_path: Path | None = None,
    token: str = "ghs_default_token_of_the_job",
    replay: Mapping[str, Mapping[str, str]] | None = None,
    until: str | None = None,
    timeout: float = 600,
) -> ActionRun:
    """Run the action's steps in order, stopping at the first that fails.

    `replay` gives, by step id, the outputs of steps not to run again (the install step, once a
    session fixture has run it); `until` stops after the step with that id.
    """
    action = load_action(action_file)
    action_path = action_path or action_file.parent
    replay = replay or {}
    runner_temp.mkdir(parents=True, exist_ok=True)
    files = runner_temp / "_runner"
    files.mkdir(exist_ok=True)
    summary, exported_env, exported_path = (
        files / "summary.md",
        files / "env",
        files / "path",
    )
    for shared in (summary, exported_env, exported_path):
        shared.write_text("", encoding="utf-8")

    base = Context(
        inputs={}, action_path=str(action_path), runner_temp=str(runner_temp), token=token
    )
    resolved = resolve_inputs(action, inputs, base)
    steps: dict[str, Mapping[str, str]] = {}
    runs: list[StepRun] = []
    for index, step in enumerate(action["runs"]["steps"]):
        step_id = str(step.get("id", f"__{index}"))
        if set(step) <= {"name", "id", "uses", "with"} and _CACHE_STEP.fullmatch(
            str(step.get("uses", ""))
        ):
            continue  # nothing to restore (see the module's docstring)
        extra = set(step) - _STEP_KEYS
        if extra or step.get("shell") != "bash" or "run" not in step:
            raise UnsupportedExpression(f"step {step_id}: only `shell: bash` run steps, got {step}")
        if step_id in replay:
            steps[step_id] = dict(replay[step_id])
        else:
            context = Context(resolved, str(action_path), str(runner_temp), token, dict(steps))
            run = _run_step(step, step_id, index, context, environ, workspace, files, timeout)
            runs.append(run)
            steps[step_id] = run.outputs
            if run.returncode:
                break
        if step_id == until:
            break

    final = Context(resolved, str(action_path), str(runner_temp), token, steps)
    outputs = {
        name: evaluate(str(spec.get("value", "")), final)
        for name, spec in (action.get("outputs") or {}).items()
        if _references_ran(str(spec.get("value", "")), steps)
    }
    return ActionRun(
        steps=tuple(runs),
        outputs=outputs,
        summary=summary.read_text(encoding="utf-8"),
        exported=exported_env.read_text(encoding="utf-8")
        + exported_path.read_text(encoding="utf-8"),
    )


def _references_ran(value: str, steps: Mapping[str, object]) -> bool:
    return all(match[1] in steps for match in _STEP_OUTPUT.finditer(value))


def _run_step(
    step: Mapping[str, Any],
    step_id: str,
    index: int,
    context: Context,
    environ: Mapping[str, str],
    workspace: Path,
    files: Path,
    timeout: float,
) -> StepRun:
    script = files / f"step-{index}.sh"
    script.write_text(str(step["run"]), encoding="utf-8")
    output = files / f"output-{index}"
    output.write_text("", encoding="utf-8")
    env = {
        **environ,
        "GITHUB_ACTION_PATH": context.action_path,
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(files / "summary.md"),
        "GITHUB_ENV": str(files / "env"),
        "GITHUB_PATH": str(files / "path"),
        "RUNNER_TEMP": context.runner_temp,
        **{name: evaluate(str(value), context) for name, value in (step.get("env") or {}).items()},
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    return StepRun(
        id=step_id,
        returncode=done.returncode,
        stdout=done.stdout,
        stderr=done.stderr,
        outputs=parse_outputs(output.read_text(encoding="utf-8")),
    )
