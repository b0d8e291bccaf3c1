from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.gitfixtures import (
    BOT_EMAIL,
    BOT_NAME,
    PERSON_EMAIL,
    Remote,
    clone,
    commit_file,
    git,
    git_fails,
    isolate_git,
    make_remote,
    protect,
    remote_branch_sha,
)
from unshim.bot.errors import RefusedError, UsageError
from unshim.bot.publish.gitrepo import (
    CommitInfo,
    GitError,
    GitRepository,
    PushRejected,
    open_repository,
)
from unshim.bot.publish.restore import restored

PREFIX = "unshim/"
BOT_BRANCH = "unshim/remove-shims"
TOKEN = "ghs_SECRET123"
TOKEN_FORMS = (TOKEN, base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode())


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(monkeypatch, tmp_path / "home")


@pytest.fixture
def remote(tmp_path: Path) -> Remote:
    return make_remote(tmp_path)


@pytest.fixture
def repo(remote: Remote) -> Iterator[GitRepository]:
    opened = open_repository(remote.work)
    yield opened
    opened.close()


def _bot_change(repo: GitRepository, remote: Remote, text: str = "import real\n") -> str:
    """What a run does locally: regenerate the bot branch from main and commit a rewrite."""
    repo.fetch(["main", BOT_BRANCH])
    repo.start_branch(BOT_BRANCH, "refs/remotes/origin/main")
    (remote.work / "pkg.py").write_text(text, encoding="utf-8")
    sha = repo.commit_all("Rewrite imports", BOT_NAME, BOT_EMAIL)
    assert sha is not None
    return sha


def _push(repo: GitRepository, expected: str | None, token: str | None = None) -> None:
    repo.push_branch(BOT_BRANCH, expected, token, allowed_prefix=PREFIX, protected="main")


# --- opening ------------------------------------------------------------------------------------


def test_open_repository_refuses_a_directory_outside_git(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(UsageError, match="not inside a git work tree") as caught:
        open_repository(plain)
    assert "\n" not in str(caught.value)


def test_open_repository_refuses_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a directory"):
        open_repository(tmp_path / "nowhere")


def test_open_repository_refuses_a_bare_repository(remote: Remote) -> None:
    with pytest.raises(UsageError, match="bare"):
        open_repository(remote.bare)


def test_open_repository_finds_the_root_from_a_subdirectory(remote: Remote) -> None:
    sub = remote.work / "sub"
    sub.mkdir()
    opened = open_repository(sub)
    assert opened.root == remote.work
    opened.close()


# --- local state --------------------------------------------------------------------------------


def test_dirty_files_lists_modified_staged_and_untracked_but_not_ignored(
    repo: GitRepository, remote: Remote
) -> None:
    assert repo.dirty_files() == ()
    (remote.work / "README.md").write_text("changed\n", encoding="utf-8")
    (remote.work / "new.py").write_text("x = 1\n", encoding="utf-8")
    (remote.work / "dir").mkdir()
    (remote.work / "dir" / "deep.py").write_text("", encoding="utf-8")
    (remote.work / "run.log").write_text("ignored\n", encoding="utf-8")
    git(remote.work, "mv", "pkg.py", "moved.py")
    assert repo.dirty_files() == ("README.md", "dir/deep.py", "moved.py", "new.py", "pkg.py")


def test_current_branch_is_none_when_detached(repo: GitRepository, remote: Remote) -> None:
    assert repo.current_branch() == "main"
    head = repo.head_sha()
    assert head == git(remote.work, "rev-parse", "HEAD")
    repo.checkout(head)
    assert repo.current_branch() is None
    assert repo.head_sha() == head


def test_tree_of_is_equal_for_equal_content(repo: GitRepository, remote: Remote) -> None:
    first = _bot_change(repo, remote)
    repo.start_branch("unshim/again", "refs/remotes/origin/main")
    (remote.work / "pkg.py").write_text("import real\n", encoding="utf-8")
    second = repo.commit_all("Rewrite imports, second run", BOT_NAME, BOT_EMAIL)
    assert second is not None and second != first
    assert repo.tree_of(first) == repo.tree_of(second) != repo.tree_of("main")


# --- the remote ---------------------------------------------------------------------------------


def test_default_branch_is_asked_of_the_remote(repo: GitRepository, remote: Remote) -> None:
    assert repo.default_branch() == "main"
    git(remote.work, "push", "--quiet", "origin", "main:refs/heads/trunk")
    git(remote.bare, "symbolic-ref", "HEAD", "refs/heads/trunk")
    assert repo.default_branch() == "trunk"


def test_fetch_follows_the_bot_branch_appearing_and_disappearing(
    repo: GitRepository, remote: Remote, tmp_path: Path
) -> None:
    repo.fetch(["main", BOT_BRANCH])
    assert repo.remote_sha("main") == remote_branch_sha(remote, "main")
    assert repo.remote_sha(BOT_BRANCH) is None

    other = clone(remote, tmp_path / "other")
    git(other, "switch", "--quiet", "-c", BOT_BRANCH)
    pushed = commit_file(other, "a.py", "a = 1\n", "Add a", bot=True)
    git(other, "push", "--quiet", "origin", BOT_BRANCH)
    repo.fetch(["main", BOT_BRANCH])
    assert repo.remote_sha(BOT_BRANCH) == pushed

    git(other, "push", "--quiet", "origin", f":{BOT_BRANCH}")
    repo.fetch(["main", BOT_BRANCH])
    assert repo.remote_sha(BOT_BRANCH) is None
    assert repo.remote_sha("main") is not None


def test_human_commits_finds_someone_elses_work_on_the_bot_branch(
    repo: GitRepository, remote: Remote
) -> None:
    _bot_change(repo, remote)
    human = commit_file(remote.work, "fix.py", "fixed = True\n", "Fix by hand")
    commit_file(remote.work, "more.py", "", "More from the bot", bot=True)

    found = repo.human_commits("refs/remotes/origin/main", "HEAD", BOT_EMAIL.upper())

    assert found == (CommitInfo(human, "Ada Person", PERSON_EMAIL, "Fix by hand"),)


def test_human_commits_counts_a_person_who_only_committed(
    repo: GitRepository, remote: Remote
) -> None:
    _bot_change(repo, remote)
    # Rewording the bot's commit keeps the bot as author but makes a person the committer.
    git(remote.work, "commit", "--quiet", "--amend", "--message", "Reworded")
    found = repo.human_commits("refs/remotes/origin/main", "HEAD", BOT_EMAIL)
    assert [c.summary for c in found] == ["Reworded"]
    assert found[0].author_email == BOT_EMAIL


def test_human_commits_is_empty_when_only_the_bot_committed(
    repo: GitRepository, remote: Remote
) -> None:
    _bot_change(repo, remote)
    commit_file(remote.work, "more.py", "", "More", bot=True)
    assert repo.human_commits("refs/remotes/origin/main", "HEAD", BOT_EMAIL) == ()


# --- local branches and commits -----------------------------------------------------------------


def test_commit_all_returns_none_when_nothing_changed(repo: GitRepository) -> None:
    head = repo.head_sha()
    assert repo.commit_all("Nothing", BOT_NAME, BOT_EMAIL) is None
    assert repo.head_sha() == head


def test_commit_all_commits_deletions_and_new_files_as_the_bot(
    repo: GitRepository, remote: Remote
) -> None:
    repo.start_branch(BOT_BRANCH, "main")
    (remote.work / "pkg.py").unlink()
    (remote.work / "new.py").write_text("import real\n", encoding="utf-8")

    sha = repo.commit_all("Remove the shim\n\n#12 asked for this", BOT_NAME, BOT_EMAIL)

    assert sha == repo.head_sha()
    assert repo.dirty_files() == ()
    assert git(remote.work, "show", "--name-status", "--format=", "HEAD").splitlines() == [
        "A\tnew.py",
        "D\tpkg.py",
    ]
    who = git(remote.work, "show", "--no-patch", "--format=%an <%ae>|%cn <%ce>", "HEAD")
    assert who == f"{BOT_NAME} <{BOT_EMAIL}>|{BOT_NAME} <{BOT_EMAIL}>"
    assert git(remote.work, "show", "--no-patch", "--format=%B", "HEAD").endswith(
        "#12 asked for this"
    )


def test_start_branch_regenerates_the_branch_from_base(repo: GitRepository, remote: Remote) -> None:
    git(remote.work, "switch", "--quiet", "-c", BOT_BRANCH)
    commit_file(remote.work, "old.py", "", "Last run's change", bot=True)
    git(remote.work, "switch", "--quiet", "main")

    repo.start_branch(BOT_BRANCH, "main")

    assert repo.current_branch() == BOT_BRANCH
    assert repo.head_sha() == git(remote.work, "rev-parse", "main")
    assert not (remote.work / "old.py").exists()


# --- pushing ------------------------------------------------------------------------------------


def test_push_branch_creates_then_updates_the_bot_branch(
    repo: GitRepository, remote: Remote
) -> None:
    first = _bot_change(repo, remote)
    _push(repo, None)
    assert remote_branch_sha(remote, BOT_BRANCH) == first

    # The next run regenerates the branch from main: a rewrite, pushed under the lease.
    second = _bot_change(repo, remote, "import real  # again\n")
    assert repo.remote_sha(BOT_BRANCH) == first
    _push(repo, first)
    assert remote_branch_sha(remote, BOT_BRANCH) == second


@pytest.mark.parametrize(
    ("branch", "reason"),
    [
        ("main", "base branch"),
        ("feature/x", "only branches under 'unshim/'"),
        ("unshim/", "only branches under 'unshim/'"),
        ("unshim/bad..name", "not a valid branch name"),
    ],
)
def test_push_branch_refuses_anything_but_a_bot_branch(
    repo: GitRepository, remote: Remote, branch: str, reason: str
) -> None:
    before = remote_branch_sha(remote, "main")
    with pytest.raises(RefusedError, match=reason):
        repo.push_branch(branch, before, None, allowed_prefix=PREFIX, protected="main")
    assert remote_branch_sha(remote, "main") == before


def test_push_branch_refuses_an_empty_prefix(repo: GitRepository) -> None:
    with pytest.raises(RefusedError, match="only branches under"):
        repo.push_branch(BOT_BRANCH, None, None, allowed_prefix="", protected="main")


def test_the_remote_protects_main_against_a_plain_push(remote: Remote) -> None:
    # The fixture's hook stands in for branch protection; push_branch never gets this far.
    commit_file(remote.work, "x.py", "", "Straight to main")
    assert "pre-receive hook declined" in git_fails(remote.work, "push", "origin", "main")


def test_a_push_the_remote_refuses_raises_push_rejected(
    repo: GitRepository, remote: Remote
) -> None:
    protect(remote.bare, BOT_BRANCH)
    _bot_change(repo, remote)
    with pytest.raises(PushRejected) as caught:
        _push(repo, None)
    message = str(caught.value)
    assert BOT_BRANCH in message and "pre-receive hook declined" in message
    assert "\n" not in message
    assert remote_branch_sha(remote, BOT_BRANCH) is None


def test_a_stale_lease_raises_push_rejected_and_leaves_the_remote_alone(
    repo: GitRepository, remote: Remote, tmp_path: Path
) -> None:
    first = _bot_change(repo, remote)
    _push(repo, None)
    other = clone(remote, tmp_path / "other")
    git(other, "switch", "--quiet", BOT_BRANCH)
    theirs = commit_file(other, "fix.py", "", "A person's fix")
    git(other, "push", "--quiet", "origin", BOT_BRANCH)

    _bot_change(repo, remote, "import real  # regenerated\n")
    with pytest.raises(PushRejected, match="stale info"):
        _push(repo, first)  # what we saw before they pushed
    assert remote_branch_sha(remote, BOT_BRANCH) == theirs


def test_a_lease_expecting_no_branch_fails_when_one_appeared(
    repo: GitRepository, remote: Remote, tmp_path: Path
) -> None:
    _bot_change(repo, remote)
    other = clone(remote, tmp_path / "other")
    git(other, "switch", "--quiet", "-c", BOT_BRANCH)
    theirs = commit_file(other, "fix.py", "", "Got there first")
    git(other, "push", "--quiet", "origin", BOT_BRANCH)

    with pytest.raises(PushRejected, match=BOT_BRANCH):
        _push(repo, None)
    assert remote_branch_sha(remote, BOT_BRANCH) == theirs


def test_delete_remote_branch_holds_to_the_lease(
    repo: GitRepository, remote: Remote, tmp_path: Path
) -> None:
    first = _bot_change(repo, remote)
    _push(repo, None)
    other = clone(remote, tmp_path / "other")
    git(other, "switch", "--quiet", BOT_BRANCH)
    theirs = commit_file(other, "fix.py", "", "A person's fix")
    git(other, "push", "--quiet", "origin", BOT_BRANCH)
    kwargs = {"allowed_prefix": PREFIX, "protected": "main"}

    with pytest.raises(PushRejected):
        repo.delete_remote_branch(BOT_BRANCH, first, None, **kwargs)
    assert remote_branch_sha(remote, BOT_BRANCH) == theirs

    repo.delete_remote_branch(BOT_BRANCH, theirs, None, **kwargs)
    assert remote_branch_sha(remote, BOT_BRANCH) is None
    with pytest.raises(RefusedError, match="base branch"):
        repo.delete_remote_branch("main", first, None, **kwargs)


# --- the token ----------------------------------------------------------------------------------


def _assert_no_token(*texts: str) -> None:
    for text in texts:
        for form in TOKEN_FORMS:
            assert form not in text


def test_the_token_stays_out_of_config_and_output_over_file_urls(
    repo: GitRepository,
    remote: Remote,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = _bot_change(repo, remote)
    repo.fetch(["main", BOT_BRANCH], token=TOKEN)
    _push(repo, None, TOKEN)
    assert remote_branch_sha(remote, BOT_BRANCH) == first
    _bot_change(repo, remote, "import real  # again\n")
    with pytest.raises(PushRejected) as caught:
        _push(repo, "0" * 40, TOKEN)

    out, err = capfd.readouterr()
    config = (remote.work / ".git" / "config").read_text(encoding="utf-8")
    _assert_no_token(config, out, err, caplog.text, str(caught.value))


class _Recorder(BaseHTTPRequestHandler):
    """A remote that records the Authorization headers it is sent and refuses everything."""

    seen: list[list[str]]

    def do_GET(self) -> None:
        type(self).seen.append(self.headers.get_all("Authorization") or [])
        self.send_response(403)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_remote() -> Iterator[tuple[str, list[list[str]]]]:
    seen: list[list[str]] = []
    handler = type("Recorder", (_Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/owner/name.git", seen
    server.shutdown()
    server.server_close()


def test_the_token_reaches_an_http_remote_only_as_a_header_and_is_scrubbed(
    repo: GitRepository,
    remote: Remote,
    http_remote: tuple[str, list[list[str]]],
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, seen = http_remote
    _bot_change(repo, remote)
    git(remote.work, "remote", "set-url", "origin", url)
    # What actions/checkout leaves behind when it persists its own credentials.
    prefix = url.removesuffix("owner/name.git")
    git(remote.work, "config", f"http.{prefix}.extraheader", "AUTHORIZATION: basic b2xkOm9sZA==")

    with pytest.raises(PushRejected, match="403") as pushed:
        _push(repo, None, TOKEN)
    with pytest.raises(GitError, match="403") as fetched:
        repo.fetch(["main"], token=TOKEN)

    assert seen, "git never reached the server"
    assert all(headers == [f"basic {TOKEN_FORMS[1]}"] for headers in seen)
    out, err = capfd.readouterr()
    config = (remote.work / ".git" / "config").read_text(encoding="utf-8")
    _assert_no_token(config, out, err, caplog.text, str(pushed.value), str(fetched.value))


# --- restoring ----------------------------------------------------------------------------------


def test_restored_puts_everything_back_even_when_the_block_raises(
    repo: GitRepository, remote: Remote
) -> None:
    head = repo.head_sha()
    git(remote.work, "branch", "keep")
    with pytest.raises(RuntimeError, match="boom"), restored(repo):
        _bot_change(repo, remote)
        repo.start_branch("keep", BOT_BRANCH)
        (remote.work / "README.md").write_text("half done\n", encoding="utf-8")
        (remote.work / "stray.py").write_text("", encoding="utf-8")
        raise RuntimeError("boom")

    assert repo.current_branch() == "main"
    assert repo.head_sha() == head
    assert repo.dirty_files() == ()
    assert git(remote.work, "branch", "--list", BOT_BRANCH) == ""
    assert git(remote.work, "rev-parse", "keep") == head


def test_restored_returns_to_a_detached_head(repo: GitRepository, remote: Remote) -> None:
    head = repo.head_sha()
    repo.checkout(head)
    with restored(repo):
        _bot_change(repo, remote)
    assert repo.current_branch() is None
    assert repo.head_sha() == head
    assert git(remote.work, "branch", "--list", BOT_BRANCH) == ""


def test_restored_refuses_a_dirty_tree(repo: GitRepository, remote: Remote) -> None:
    (remote.work / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(RefusedError, match=r"uncommitted changes \(notes.txt\)"), restored(repo):
        pytest.fail("the block ran")
    assert (remote.work / "notes.txt").read_text(encoding="utf-8") == "mine\n"


# --- the repository's name ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://github.com/owner/name.git", "owner/name"),
        ("https://github.com/owner/name", "owner/name"),
        ("git@github.com:owner/name.git", "owner/name"),
        ("ssh://git@github.com/owner/name", "owner/name"),
        ("file:///srv/git/name.git", None),
    ],
)
def test_origin_repository_slug(
    repo: GitRepository, remote: Remote, url: str, slug: str | None
) -> None:
    git(remote.work, "remote", "set-url", "origin", url)
    assert repo.origin_repository_slug() == slug


def test_origin_repository_slug_without_origin(repo: GitRepository, remote: Remote) -> None:
    git(remote.work, "remote", "remove", "origin")
    assert repo.origin_repository_slug() is None
