"""The token out of reach of the target's code: a verification command and the repository's git
hooks try every way open to a process of the same user, and find nothing.

The bot runs as the real program (`python -m bot run`, a process of its own) against the fake
GitHub and a local bare remote, so that what is read from `/proc` is what a real run exposes.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.fakegithub.fixtures import GitHubFixture
from tests.gitfixtures import BOT_EMAIL, BOT_NAME, Remote, git, isolate_git, make_remote, protect
from tests.installed_names import PYTHONPATH
from unshim.bot.publish.remote import secret_forms

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc, as an attacker on Linux would"
)

ROOT = Path(__file__).resolve().parent.parent

# Everything a process of the bot's user can read without the token: every process's
# environment and command line, the repository's configuration, and, from a daemon in a session
# of its own that no process group kill reaches, the same again for as long as it lives.
PROBE = r"""
import os, subprocess, sys, time
out = os.environ["PROBE_OUT"]

def dump(tag):
    with open(out, "a", encoding="utf-8", errors="replace") as stream:
        stream.write(f"== {tag} {os.getpid()}\n" + repr(dict(os.environ)) + "\n")
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                for part in ("environ", "cmdline"):
                    try:
                        with open(f"/proc/{pid}/{part}", "rb") as f:
                            stream.write(f.read().decode("utf-8", "replace") + "\n")
                    except OSError:
                        pass
        for name in (".git/config", ".git/FETCH_HEAD"):
            try:
                stream.write(open(name, encoding="utf-8").read())
            except OSError:
                pass

if sys.argv[1:] == ["daemon"]:
    with open(out + ".daemon", "w") as f:
        f.write(str(os.getpid()))
    end = time.monotonic() + 60
    while time.monotonic() < end:
        dump("daemon")
        time.sleep(0.05)
else:
    dump("command")
    subprocess.Popen(
        [sys.executable, __file__, "daemon"], start_new_session=True,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
"""

HOOK = """#!/bin/sh
echo "hook $0 ran" >> "$PROBE_OUT"
env >> "$PROBE_OUT"
cat /proc/[0-9]*/environ >> "$PROBE_OUT" 2>/dev/null
exit 0
"""
HOOKS = ("pre-push", "post-checkout", "post-commit", "prepare-commit-msg", "reference-transaction")

PROJECT = {
    "app/__init__.py": "",
    "app/core.py": "class Client:\n    pass\n",
    "app/legacy/__init__.py": "",
    "app/legacy/client.py": "from app.core import Client\n",
    "app/service.py": "from app.legacy.client import Client\n",
    "probe.py": PROBE,
}
CONFIG = f"""
[tool.unshim]
shims = ["app.legacy"]

[tool.unshim.verify]
commands = ["python probe.py"]
python = "{sys.executable}"
timeout = 60

[tool.unshim.pr]
author-name = "{BOT_NAME}"
author-email = "{BOT_EMAIL}"
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, github: GitHubFixture) -> Remote:
    isolate_git(monkeypatch, tmp_path / "home")
    remote = make_remote(tmp_path)
    for name, text in {**PROJECT, "pyproject.toml": textwrap.dedent(CONFIG)}.items():
        path = remote.work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(remote.work, "add", "--all")
    git(remote.work, "commit", "--quiet", "--message", "The app")
    (remote.bare / "protected").unlink()  # main is protected against the bot, not a person
    git(remote.work, "push", "--quiet", "origin", "main")
    protect(remote.bare, "main")
    github.repository.git_dir = str(remote.bare)
    for hook in HOOKS:
        path = remote.work / ".git" / "hooks" / hook
        path.write_text(HOOK, encoding="utf-8")
        path.chmod(0o755)
    return remote


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_no_command_and_no_hook_can_read_the_token(
    project: Remote, github: GitHubFixture, tmp_path: Path
) -> None:
    # A token of this test's own: the probe reads every process of the machine, and another
    # test session running beside this one may hold the fake's usual token in its environment.
    token = github.token = f"ghs_{secrets.token_hex(18)}"
    found = tmp_path / "found.txt"
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PYTEST"))},
        "GITHUB_TOKEN": token,
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": token + "-oidc",
        "GITHUB_REPOSITORY": github.repo,
        "GITHUB_API_URL": github.api_url,
        "PYTHONPATH": PYTHONPATH,
        "PROBE_OUT": str(found),
    }
    completed = subprocess.run(
        [sys.executable, "-m", "unshim.bot", "run", str(project.work)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert github.repository.pulls, "the run opened no pull request: nothing was probed"
    seen = found.read_text(encoding="utf-8")
    assert "== command" in seen and "== daemon" in seen  # the probe did run, and read /proc
    for secret in (*secret_forms(token), token + "-oidc"):
        assert secret not in seen
        assert secret not in completed.stdout + completed.stderr
    assert "hook " not in seen  # the repository's hooks never ran in the bot's git
    daemon = int((tmp_path / "found.txt.daemon").read_text())
    deadline = time.monotonic() + 5
    while _alive(daemon) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(daemon), "a process the command started outlived the run"
