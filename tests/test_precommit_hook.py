"""The pre-commit hook this repository offers (`.pre-commit-hooks.yaml`), run by pre-commit
itself on a temporary git repository: it installs unshim from this checkout into its own
environment, as a team's pre-commit would from the published repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.treemaker import make_tree

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which(
    "pre-commit"
)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    assert PRE_COMMIT, "pre-commit is a test dependency: pip install -e '.[test]'"
    environ = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run(
        [PRE_COMMIT, "try-repo", str(ROOT), "unshim-check", "--all-files"],
        cwd=repo,
        env=environ,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_the_hook_fails_on_a_removed_import_and_passes_once_it_is_gone(tmp_path: Path) -> None:
    repo = make_tree(
        tmp_path / "repo",
        {
            "pyproject.toml": '[tool.unshim]\nremoved = ["app.legacy=app.core"]\n',
            "app/__init__.py": "",
            "app/core.py": "class C:\n    pass\n",
            "app/user.py": "from app.legacy import C\n",
        },
    )
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=A", "-c", "user.email=a@example.com", "commit", "-qm", "x")
    failed = _try_repo(repo, tmp_path / "pre-commit-home")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert (
        "app/user.py:1: from app.legacy import C: app.legacy was removed; use app.core instead"
        in failed.stdout
    )
    (repo / "app" / "user.py").write_text("from app.core import C\n", encoding="utf-8")
    _git(repo, "add", "-A")
    passed = _try_repo(repo, tmp_path / "pre-commit-home")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
