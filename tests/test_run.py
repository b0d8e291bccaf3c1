"""`unshim run` end to end: real git with a local bare remote, and the fake GitHub."""

from __future__ import annotations

import os
import socket
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.fakegithub.fixtures import GitHubFixture
from tests.faulttrees import hold_lock
from tests.gitfixtures import (
    BOT_EMAIL,
    BOT_NAME,
    Remote,
    clone,
    commit_file,
    git,
    isolate_git,
    make_remote,
    protect,
    remote_branch_sha,
)
from unshim.bot.cli import main
from unshim.bot.config import load_config
from unshim.bot.pipeline import RunOptions, RunResult, run

BRANCH = "unshim/app-legacy"
PROJECT = {
    "app/__init__.py": "",
    "app/core.py": "class Client:\n    def ping(self) -> str:\n        return 'pong'\n",
    "app/legacy/__init__.py": '"""Old home of the client."""\n',
    "app/legacy/client.py": "from app.core import Client\n",
    "app/service.py": "from app.legacy.client import Client\n\ndef make():\n    return Client()\n",
}
CONFIG = f"""
[tool.unshim]
shims = ["app.legacy"]

[tool.unshim.verify]
commands = ["python -c \\"import app.service\\""]
python = "{sys.executable}"
timeout = 60

[tool.unshim.pr]
labels = ["unshim"]
author-name = "{BOT_NAME}"
author-email = "{BOT_EMAIL}"
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def push_to_main(
    remote: Remote, files: dict[str, str], message: str, delete: tuple[str, ...] = ()
) -> None:
    """What a person merging into main does (main is protected against the bot only)."""
    (remote.bare / "protected").unlink()
    git(remote.work, "checkout", "--quiet", "main")
    git(remote.work, "pull", "--quiet", "origin", "main")
    write(remote.work, files)
    for name in delete:
        git(remote.work, "rm", "-r", "--quiet", name)
    git(remote.work, "add", "--all")
    git(remote.work, "commit", "--quiet", "--message", message)
    git(remote.work, "push", "--quiet", "origin", "main")
    protect(remote.bare, "main")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, github: GitHubFixture) -> Remote:
    isolate_git(monkeypatch, tmp_path / "home")
    remote = make_remote(tmp_path)
    push_to_main(remote, {**PROJECT, "pyproject.toml": textwrap.dedent(CONFIG)}, "The app")
    github.repository.git_dir = str(remote.bare)
    return remote


def bot(
    remote: Remote, github: GitHubFixture, *, dry_run: bool = False, named: bool = False
) -> RunResult:
    environ = {
        "GITHUB_TOKEN": github.token or "",
        "GITHUB_REPOSITORY": github.repo,
        "GITHUB_API_URL": github.api_url,
        "PATH": "/usr/bin:/bin",
    }
    config = load_config(remote.work)
    options = RunOptions(dry_run=dry_run, named=named, environ=environ, pacing=False)
    return run(remote.work, config, options, lambda message: None)


def test_first_run_opens_the_pull_request(project: Remote, github: GitHubFixture) -> None:
    result = bot(project, github)
    assert (result.action, result.exit_code, result.verification) == ("opened", 0, "passed")
    pull = github.repository.pulls[1]
    assert (pull.head, pull.base, pull.state, pull.draft) == (BRANCH, "main", "open", False)
    assert pull.labels == ["unshim"]
    assert "<!-- unshim:fingerprint=" in (pull.body or "")
    sha = remote_branch_sha(project, BRANCH)
    assert sha is not None
    assert git(project.bare, "log", "-1", "--format=%an <%ae>", sha) == f"{BOT_NAME} <{BOT_EMAIL}>"
    tree = git(project.bare, "ls-tree", "-r", "--name-only", sha)
    assert "app/legacy/client.py" not in tree
    assert "from app.core import Client" in git(project.bare, "show", f"{sha}:app/service.py")


def test_second_run_changes_nothing(project: Remote, github: GitHubFixture) -> None:
    bot(project, github)
    sha = remote_branch_sha(project, BRANCH)
    before = len(github.requests)
    result = bot(project, github)
    assert result.action == "unchanged"
    assert remote_branch_sha(project, BRANCH) == sha
    writes = [r for r in github.requests[before:] if r.method != "GET"]
    assert writes == []
    assert len(github.repository.pulls) == 1


def test_a_new_importer_updates_the_pull_request_in_place(
    project: Remote, github: GitHubFixture
) -> None:
    bot(project, github)
    first = remote_branch_sha(project, BRANCH)
    push_to_main(project, {"app/extra.py": "from app.legacy.client import Client\n"}, "More")
    result = bot(project, github)
    assert (result.action, result.pr.number if result.pr else None) == ("updated", 1)
    assert remote_branch_sha(project, BRANCH) != first
    assert "app/extra.py" in (github.repository.pulls[1].body or "")
    assert len(github.repository.pulls) == 1


def test_a_human_commit_stops_the_bot(
    project: Remote, github: GitHubFixture, tmp_path: Path
) -> None:
    bot(project, github)
    other = clone(project, tmp_path / "someone")
    git(other, "checkout", "--quiet", BRANCH)
    human = commit_file(other, "NOTES.md", "my fix\n", "A person's fix")
    git(other, "push", "--quiet", "origin", BRANCH)
    push_to_main(project, {"app/extra.py": "from app.legacy.client import Client\n"}, "More")
    for _ in range(2):
        result = bot(project, github)
        assert (result.action, result.exit_code) == ("stopped", 0)
        assert result.warnings and "not pushing over them" in result.warnings[0]
    assert remote_branch_sha(project, BRANCH) == human
    comments = [c.body for c in github.repository.pulls[1].comments]
    assert len(comments) == 1
    assert "stopped updating this pull request" in comments[0]


def test_nothing_to_do_closes_the_pull_request(project: Remote, github: GitHubFixture) -> None:
    bot(project, github)
    push_to_main(
        project,
        {"app/service.py": "from app.core import Client\n\n\ndef make():\n    return Client()\n"},
        "Merge the cleanup by hand",
        delete=("app/legacy",),
    )
    result = bot(project, github)
    assert result.action == "closed"
    pull = github.repository.pulls[1]
    assert pull.state == "closed"
    assert "nothing imports through" in pull.comments[-1].body
    assert remote_branch_sha(project, BRANCH) is None


def test_a_run_that_keeps_everything_says_why_at_file_and_line(
    project: Remote, github: GitHubFixture
) -> None:
    loader = "import importlib\n\nLEGACY = importlib.import_module('app.legacy.client')\n"
    service = "from app.core import Client\n"  # every import already rewritten by hand
    push_to_main(project, {"app/loader.py": loader, "app/service.py": service}, "By name")
    result = bot(project, github)
    assert (result.action, result.exit_code, result.changed) == ("nothing", 1, False)
    why = "stays: imported by app.loader through import_module('app.legacy.client')"
    assert result.warnings == (
        f"kept: app/loader.py:3: app.legacy: {why}",
        f"kept: app/loader.py:3: app.legacy.client: {why}",
    )
    assert github.repository.pulls == {}


def test_a_library_run_rewrites_its_own_code_and_keeps_the_public_shim_until_due(
    project: Remote, github: GitHubFixture
) -> None:
    library = (
        '[project]\nname = "app"\nversion = "1.4"\n'
        'classifiers = ["Topic :: Software Development :: Libraries"]\n'
        # The schedule's table names the shim, in place of `shims = [...]`.
        + textwrap.dedent(CONFIG).replace('shims = ["app.legacy"]\n', "")
        + '\n[tool.unshim.shims."app.legacy"]\nremove-in = "2.0"\n'
    )
    push_to_main(project, {"pyproject.toml": library}, "A library with a schedule")
    result = bot(project, github)
    assert result.action == "opened"
    sha = remote_branch_sha(project, BRANCH)
    assert "from app.core import Client" in git(project.bare, "show", f"{sha}:app/service.py")
    assert git(project.bare, "show", f"{sha}:app/legacy/client.py") == "from app.core import Client"
    body = github.repository.pulls[1].body
    assert "public shim of the library app, kept for its users: due for removal in 2.0" in body
    assert "(the project is at 1.4)" in body
    # `unshim run --shim app.legacy`: the maintainers' own call, as with apply.
    github.repository.pulls[1].state = "closed"
    git(project.bare, "branch", "-D", BRANCH)
    result = bot(project, github, named=True)
    sha = remote_branch_sha(project, BRANCH)
    assert result.action == "opened"
    assert "app/legacy/client.py" not in git(project.bare, "ls-tree", "-r", "--name-only", sha)


def test_a_pull_request_a_human_closed_stays_closed(project: Remote, github: GitHubFixture) -> None:
    bot(project, github)
    github.repository.pulls[1].state = "closed"
    result = bot(project, github)
    assert result.action == "closed-by-human"
    assert [p.state for p in github.repository.pulls.values()] == ["closed"]


def test_a_failing_check_opens_a_draft(project: Remote, github: GitHubFixture) -> None:
    config = CONFIG.replace("import app.service", "import app.legacy.client")
    push_to_main(project, {"pyproject.toml": textwrap.dedent(config)}, "Check the old path")
    result = bot(project, github)
    assert (result.action, result.exit_code, result.verification) == ("opened", 1, "failed")
    assert github.repository.pulls[1].draft


def test_a_502_is_retried(project: Remote, github: GitHubFixture) -> None:
    github.fail(f"/repos/{github.repo}/pulls", method="POST", status=502, times=1)
    result = bot(project, github)
    assert result.action == "opened"
    assert [r.status for r in github.calls("POST", f"/repos/{github.repo}/pulls")] == [502, 201]


def test_a_403_names_the_missing_permission(
    project: Remote,
    github: GitHubFixture,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    github.forbid(f"/repos/{github.repo}/pulls", method="POST")
    monkeypatch.chdir(project.work)
    monkeypatch.setenv("GITHUB_TOKEN", github.token or "")
    monkeypatch.setenv("GITHUB_REPOSITORY", github.repo)
    monkeypatch.setenv("GITHUB_API_URL", github.api_url)
    assert main(["run", str(project.work), "-v"]) == 1
    captured = capsys.readouterr()
    assert "pull-requests: write" in captured.err
    token = github.token or ""
    assert token and token not in captured.out + captured.err
    assert token not in (project.work / ".git" / "config").read_text()


def test_dry_run_prints_the_pull_request_and_leaves_everything_as_it_was(
    project: Remote, github: GitHubFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    head = git(project.work, "rev-parse", "HEAD")
    branches = git(project.work, "branch", "--list")
    assert main(["run", str(project.work), "--dry-run", "-q"]) in (0, 1)
    out = capsys.readouterr().out
    assert out.startswith("Title: Remove the app.legacy shim layer")
    assert "<!-- unshim:fingerprint=" in out
    assert git(project.work, "rev-parse", "HEAD") == head
    assert git(project.work, "branch", "--list") == branches
    assert git(project.work, "status", "--porcelain") == ""
    assert remote_branch_sha(project, BRANCH) is None
    assert github.requests == []


def test_a_dry_run_leaves_the_files_it_did_not_change_as_they_were_on_disk(
    project: Remote, github: GitHubFixture
) -> None:
    """Without commands the tree before is hard links to the work tree's files, which changes
    their inode time; putting the tree back must not take that for a change and write every
    file again (a build tool would then see the whole tree as new)."""
    config = CONFIG.replace('"python -c \\"import app.service\\""', "")
    push_to_main(project, {"pyproject.toml": textwrap.dedent(config)}, "No commands")
    kept = ("app/__init__.py", "app/core.py")  # pyproject.toml gains the removed shims

    def on_disk() -> dict[str, tuple[int, int]]:
        return {
            name: (stat.st_ino, stat.st_mtime_ns)
            for name in kept
            for stat in [(project.work / name).stat()]
        }

    before = on_disk()
    time.sleep(1.1)  # git compares inode times in whole seconds
    result = bot(project, github, dry_run=True)
    assert result.action == "dry-run"
    assert git(project.work, "status", "--porcelain") == ""
    assert on_disk() == before


def test_the_commands_run_on_a_copy_of_the_tree_before_never_on_links_to_the_work_tree(
    project: Remote, github: GitHubFixture
) -> None:
    """Without commands the tree before is links to the work tree's files (nothing writes into
    them); a configured command could write into a file of its tree, so with commands the tree
    before is an export: a write there never reaches the work tree, or the change."""
    config = CONFIG.replace('"python -c \\"import app.service\\""', '"python stamp.py"')
    assert "python stamp.py" in config
    stamp = "open('app/core.py', 'a').write('# checked\\n')\n"
    files = {"pyproject.toml": textwrap.dedent(config), "stamp.py": stamp}
    push_to_main(project, files, "A command that writes")
    result = bot(project, github)
    assert (result.action, result.verification) == ("opened", "passed")
    sha = remote_branch_sha(project, BRANCH)
    assert sha is not None
    # Once: by the command run on the tree after, which is the work tree.
    assert git(project.bare, "show", f"{sha}:app/core.py").count("# checked") == 1
    assert not list((project.work / ".git").glob("unshim-before-*"))


def test_a_dirty_work_tree_is_refused(
    project: Remote, github: GitHubFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    (project.work / "app" / "core.py").write_text("changed\n")
    assert main(["run", str(project.work), "--dry-run"]) == 2
    assert "uncommitted changes (app/core.py)" in capsys.readouterr().err


def test_a_change_that_kept_the_size_and_modification_time_is_still_refused(
    project: Remote, github: GitHubFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cp -p` or `tar` over a file of the same size leaves only its inode time changed; the
    bot's own git commands do not trust that time, but the check for a clean tree does."""
    core = project.work / "app" / "core.py"
    before = core.stat()
    time.sleep(1.1)  # git compares inode times in whole seconds
    git(project.work, "update-index", "--refresh")  # no entry left to check by content
    text = core.read_text()
    core.write_text(text.replace("pong", "ping"))
    os.utime(core, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert core.stat().st_size == before.st_size
    assert main(["run", str(project.work), "--dry-run"]) == 2
    assert "uncommitted changes (app/core.py)" in capsys.readouterr().err
    assert "ping" in core.read_text()


# --- fail fast: what would stop publishing is found before any work -------------------------


def _fails_before_any_work(
    project: Remote, capsys: pytest.CaptureFixture[str], environ: dict[str, str]
) -> str:
    """Run the program as a user would; nothing may have been rewritten or checked."""
    for name, value in environ.items():
        os.environ[name] = value
    try:
        code = main(["run", str(project.work)])
    finally:
        for name in environ:
            os.environ.pop(name, None)
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "rewriting" not in out + err  # found before the rewrite started
    assert len([line for line in err.splitlines() if line.startswith("error:")]) == 1, err
    return err


def _environ(github: GitHubFixture, **extra: str) -> dict[str, str]:
    return {
        "GITHUB_TOKEN": github.token or "",
        "GITHUB_REPOSITORY": github.repo,
        "GITHUB_API_URL": github.api_url,
        **extra,
    }


def test_a_token_that_may_not_push_stops_the_run_before_any_work(
    project: Remote, github: GitHubFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    github.repository.permissions = {"admin": False, "push": False, "pull": True}
    err = _fails_before_any_work(project, capsys, _environ(github))
    assert "may not push to" in err and "contents: write" in err


def test_a_token_that_may_not_read_pull_requests_stops_the_run_before_any_work(
    project: Remote, github: GitHubFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    github.forbid(f"/repos/{github.repo}/pulls", method="GET")
    err = _fails_before_any_work(project, capsys, _environ(github))
    assert "pull-requests: read" in err


def test_an_api_that_does_not_answer_stops_the_run_before_any_work(
    project: Remote, github: GitHubFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    err = _fails_before_any_work(project, capsys, _environ(github, GITHUB_API_URL=closed))
    assert "cannot reach" in err and github.token not in err


def test_a_repository_whose_permissions_github_does_not_tell_goes_on(
    project: Remote, github: GitHubFixture
) -> None:
    github.repository.permissions = None
    result = bot(project, github)
    assert (result.action, result.exit_code) == ("opened", 0)


# --- GitHub and git faults: each with its exit code, its message, and no token anywhere ------


def _race(github: GitHubFixture, project: Remote) -> None:
    """Another run opens the pull request between this run's look for it and its POST."""
    github.state.add_pull(github.repo, head=BRANCH, title="opened meanwhile")
    posted = lambda: any(r.method == "POST" for r in github.requests)  # noqa: E731
    github.tamper(
        f"/repos/{github.repo}/pulls",
        lambda listing: listing if posted() else [],
        method="GET",
        times=None,
    )


def _primary_limit(github: GitHubFixture, project: Remote) -> None:
    github.fail(
        f"/repos/{github.repo}/pulls",
        method="POST",
        status=403,
        times=None,
        message="API rate limit exceeded for installation ID 1.",
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4102444800"},
    )


FAULTS = {
    "502 once": (lambda g, p: g.fail(f"/repos/{g.repo}/pulls", method="POST"), 0, None),
    "503 once": (
        lambda g, p: g.fail(f"/repos/{g.repo}/pulls", method="POST", status=503),
        0,
        None,
    ),
    "504 every time": (
        lambda g, p: g.fail(f"/repos/{g.repo}/pulls", method="POST", status=504, times=None),
        1,
        "GitHub answered 504",
    ),
    "secondary rate limit with retry-after": (
        lambda g, p: g.secondary_rate_limit(f"/repos/{g.repo}/pulls", method="POST"),
        0,
        None,
    ),
    "secondary rate limit longer than unshim waits": (
        lambda g, p: g.secondary_rate_limit(
            f"/repos/{g.repo}/pulls", method="POST", retry_after=3600, times=None
        ),
        1,
        "secondary rate limit",
    ),
    "primary rate limit used up": (_primary_limit, 1, "API rate limit is used up; it resets"),
    "422: a pull request already exists": (_race, 0, None),
    "network gone mid-run": (
        lambda g, p: g.disconnect(f"/repos/{g.repo}/pulls", method="POST"),
        1,
        "cannot reach",
    ),
    "no pull-requests: write": (
        lambda g, p: g.forbid(f"/repos/{g.repo}/pulls", method="POST"),
        1,
        "pull-requests: write",
    ),
    "push refused by a protected-branch hook": (
        lambda g, p: protect(p.bare, BRANCH),
        1,
        "was rejected",
    ),
}


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_a_fault_ends_with_its_exit_code_and_message_and_never_the_token(
    fault: str,
    project: Remote,
    github: GitHubFixture,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    inject, exit_code, message = FAULTS[fault]
    inject(github, project)
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    environ = _environ(github, GITHUB_STEP_SUMMARY=str(summary), GITHUB_OUTPUT=str(outputs))
    os.environ.update(environ)
    try:
        code = main(["run", str(project.work)])
    finally:
        for name in environ:
            os.environ.pop(name, None)
    out, err = capsys.readouterr()
    assert code == exit_code, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    if message is None:
        assert errors == [] and github.repository.pulls
    else:
        assert len(errors) == 1 and message in errors[0], err
    written = [out, err]
    for path in (summary, outputs, *project.work.rglob("*")):
        if path.is_file() and "objects" not in path.parts:
            written.append(path.read_text(encoding="utf-8", errors="replace"))
    token = github.token or ""
    assert token and not any(token in text for text in written)
    if inject is _race:  # the POST did meet the other run's pull request, which was updated
        assert [r.status for r in github.calls("POST", f"/repos/{github.repo}/pulls")] == [422]
        assert github.repository.pulls[1].title.startswith("Remove the app.legacy")


def test_the_deleted_shims_join_removed_in_the_same_commit_and_the_guard_holds(
    project: Remote, github: GitHubFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    result = bot(project, github)
    assert result.action == "opened"
    sha = remote_branch_sha(project, BRANCH)
    assert sha is not None
    config = git(project.bare, "show", f"{sha}:pyproject.toml")
    assert 'shims = ["app.legacy"]\nremoved = ["app.legacy=app.core"]\n' in config
    assert "commands = [" in config  # the rest of the file as it was
    body = github.repository.pulls[1].body or ""
    assert "`pyproject.toml` now lists the deleted shims under `[tool.unshim] removed`" in body
    # Someone brings the old import back after the merge: the guard says where, and what instead.
    git(project.work, "checkout", "--quiet", sha)
    (project.work / "app" / "again.py").write_text("from app.legacy.client import Client\n")
    assert main(["check", str(project.work)]) == 1
    assert capsys.readouterr().out == (
        "app/again.py:1: from app.legacy.client import Client: app.legacy was removed; "
        "use app.core instead\n"
    )


def test_a_run_on_a_tree_another_unshim_holds_exits_2_and_changes_nothing(
    project: Remote, github: GitHubFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = hold_lock(project.work)  # another process, as a second `unshim run` would be
    try:
        assert main(["run", str(project.work), "--dry-run"]) == 2
    finally:
        holder.kill()
        holder.wait()
    assert f"another unshim (pid {holder.pid}) has been working" in capsys.readouterr().err
    assert git(project.work, "status", "--porcelain") == ""
    assert github.requests == []


def test_a_run_after_a_killed_one_removes_its_temporaries_before_the_clean_tree_check(
    project: Remote, github: GitHubFixture
) -> None:
    (project.work / "app" / ".core.py.4b88gwhx.tmp").write_text("half\n")
    result = bot(project, github, dry_run=True)
    assert result.action == "dry-run"
    assert not (project.work / "app" / ".core.py.4b88gwhx.tmp").exists()
