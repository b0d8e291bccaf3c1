"""The one process `--resolve import` starts: the target's interpreter running the probe
(`codemods.plan.probe`) from the tree's root, with the tree's source roots on sys.path.

The only module of codemods that runs a process. It runs without a shell, with a timeout (the
process and whatever it started are stopped), without bytecode written into the tree, and with
an environment from which every token, secret and credential is removed: importing runs the
target's code, which is not ours to trust with them. A process that fails is a Reply with the
failure, never an exception.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from unshim.codemods.credentials import without_credentials
from unshim.codemods.plan import probe
from unshim.codemods.plan.questions import Reply, ShimQuestion, reply_of, to_json


@dataclass(frozen=True)
class ImportSettings:
    python: str = "python"  # the target's interpreter, with its dependencies
    timeout: float = 600.0  # seconds for the whole plan
    hidden: tuple[str, ...] = ()  # more variables to remove (the configured token-env)
    passed: tuple[str, ...] = ()  # credential-like variables the import may see (pass-env)


def environment(
    environ: Mapping[str, str], hidden: Iterable[str] = (), passed: Iterable[str] = ()
) -> dict[str, str]:
    """`environ` without tokens, secrets and credentials, and without bytecode writing."""
    return {**without_credentials(environ, hidden, passed), "PYTHONDONTWRITEBYTECODE": "1"}


def _stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # pragma: no cover - already gone
        process.kill()


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def run_probe(
    root: Path,
    source_roots: tuple[str, ...],
    asked: tuple[ShimQuestion, ...],
    settings: ImportSettings,
) -> Reply:
    """Import every shim of `asked` in one process and read where each of its names lives."""
    path = [str((root / r).resolve()) for r in source_roots]
    stdin = json.dumps(to_json(asked, path)).encode()
    argv = [settings.python, "-B", "-c", Path(probe.__file__).read_text(encoding="utf-8")]
    try:
        process = subprocess.Popen(
            argv,
            cwd=root,
            env=environment(os.environ, settings.hidden, settings.passed),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # a timeout stops what it started as well
        )
    except OSError as exc:
        return Reply({}, f"{settings.python} could not be started: {exc.strerror or exc}")
    try:
        out, err = process.communicate(stdin, settings.timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        process.communicate()
        return Reply({}, f"the import did not finish within {settings.timeout:g} s")
    marked = [
        line[len(probe.MARKER) :]
        for line in out.decode("utf-8", "replace").splitlines()
        if line.startswith(probe.MARKER)
    ]
    if process.returncode != 0 or not marked:
        error = _last_line(err.decode("utf-8", "replace"))
        return Reply({}, f"the import ended with exit code {process.returncode}: {error}")
    try:
        return reply_of(json.loads(marked[-1]))
    except ValueError as exc:
        return Reply({}, str(exc))
