"""The verify stage against small real repositories in tmp_path: commands that fail, hang or do
not exist, test collections that shrink, import counts and why grep disagrees, git HEAD as the
tree before the change, the job summary, and the exit codes of `unshim verify`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from textwrap import dedent

import pytest

from unshim.bot.apply_request import apply_options, deletion, plan_request
from unshim.bot.cli import main
from unshim.bot.config import Config, PullRequestConfig, VerifyConfig, load_config
from unshim.bot.pipeline import changed_files
from unshim.bot.report.json_doc import to_json
from unshim.bot.report.values import Metadata, Report
from unshim.bot.verify import checks, compile_cache, compiled, counts, subjects
from unshim.bot.verify import run as verifying
from unshim.bot.verify.checks import Counts, Run, collected_tests, command_argv, is_collection
from unshim.bot.verify.run import (
    append_job_summary,
    interpreter,
    run_checks,
    run_command,
    verify_tree,
)
from unshim.bot.verify.snapshot import head_tree, linked_tree
from unshim.codemods.analyze import inventory
from unshim.codemods.analyze.analysis import analyze
from unshim.codemods.apply import apply
from unshim.codemods.scan import grep_lines
from unshim.codemods.scan.grep_lines import grep_tree, overlaid

PY = sys.executable

TARGET = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/client.py": "class Client:\n    def ping(self):\n        return 'pong'\n",
    "app/legacy/__init__.py": "from app.core.client import Client\n\n__all__ = ['Client']\n",
    "app/legacy/client.py": "from app.core.client import Client\n\n__all__ = ['Client']\n",
    "app/service.py": dedent(
        """\
        from app.legacy.client import Client


        def ping():
            return Client().ping()
        """
    ),
    "main.py": "from app.service import ping\n\napp = ping\n",
    "tests/test_service.py": dedent(
        """\
        from app.service import ping


        def test_ping():
            assert ping() == "pong"


        def test_other():
            assert True


        def test_integration_only():
            assert True
        """
    ),
}
# What `unshim apply` makes of TARGET: the import rewritten, the shim package deleted.
APPLIED = {
    "app/service.py": TARGET["app/service.py"].replace("app.legacy.client", "app.core.client"),
    "app/legacy/__init__.py": None,
    "app/legacy/client.py": None,
}
SMOKE = ('python -c "from main import app"', "python -m pytest tests/ --co -q")


def pyproject(commands: tuple[str, ...] = SMOKE, timeout: float = 60) -> str:
    listed = ", ".join(json.dumps(command) for command in commands)
    return (
        '[tool.unshim]\nshims = ["app.legacy"]\n\n[tool.unshim.verify]\n'
        f'python = "{PY}"\ntimeout = {timeout}\ncommands = [{listed}]\n'
    )


def make(root: Path, files: Mapping[str, str | None], commands: tuple[str, ...] = SMOKE) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for path, text in {**files, "pyproject.toml": pyproject(commands)}.items():
        target = root / path
        if text is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    if any(text is None for text in files.values()):
        for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
    return root


def config(commands: tuple[str, ...] = (), timeout: float = 60) -> Config:
    return Config(verify=VerifyConfig(commands=commands, python=PY, timeout=timeout))


def git(root: Path, *args: str) -> str:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
    done = subprocess.run(
        ["git", *identity, *args], cwd=root, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def commit_all(root: Path, message: str = "state") -> str:
    if not (root / ".git").exists():
        git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "--short", "HEAD")


# --- running commands ---------------------------------------------------------------------------


def test_a_failing_command_is_a_failed_check_with_its_exit_code_and_output(tmp_path: Path) -> None:
    after = make(tmp_path / "after", TARGET)
    argv = (PY, "-c", "import sys; print('boom'); sys.exit(3)")
    run = run_command(argv, after, timeout=30)
    assert (run.exit_code, run.failure, run.tail) == (3, "", ("boom",))
    assert checks.judge_run(None, run) == (checks.EXITED_NONZERO,)


def test_a_command_that_runs_too_long_is_stopped_and_fails(tmp_path: Path) -> None:
    started = time.perf_counter()
    run = run_command((PY, "-c", "import time; time.sleep(5)"), tmp_path, timeout=0.5)
    assert time.perf_counter() - started < 4
    assert (run.exit_code, run.failure, run.timeout) == (None, checks.TIMED_OUT, 0.5)
    assert checks.judge_run(None, run) == (checks.TIMED_OUT,)


def test_an_interrupt_stops_the_command_and_what_it_started(tmp_path: Path) -> None:
    # The command starts a child of its own and waits; Ctrl-C reaches unshim only (the command
    # runs in a session of its own), so unshim must stop the command's whole group.
    script = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "open('child.pid', 'w').write(str(child.pid))\n"
        "time.sleep(60)\n"
    )

    def interrupt(signum: int, frame: object) -> None:
        if not (tmp_path / "child.pid").exists():  # not started yet (a loaded machine)
            signal.setitimer(signal.ITIMER_REAL, 0.2)
            return
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_command((PY, "-c", script), tmp_path, timeout=30)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    child = int((tmp_path / "child.pid").read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{child}/stat", encoding="utf-8") as stat:
                # A zombie is dead: this process may be its subreaper (orphans.reaped).
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break
        except FileNotFoundError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the command's child outlived the interrupt")


def test_a_command_that_does_not_exist_is_a_failed_check_not_a_crash(tmp_path: Path) -> None:
    verification = run_checks(
        None, make(tmp_path, TARGET), config(("no-such-program-unshim --flag",)), ()
    )
    [check] = [c for c in verification.checks if c.kind == checks.COMMAND]
    assert isinstance(check.after, Run)
    assert check.failures == (checks.NOT_STARTED,)
    assert "No such file" in check.after.message
    assert not verification.passed


def test_output_is_cut_to_its_last_lines(tmp_path: Path) -> None:
    run = run_command((PY, "-c", "for i in range(100): print(i)"), tmp_path, timeout=30)
    assert run.tail[0] == "60" and run.tail[-1] == "99" and len(run.tail) == 40


def test_the_word_python_becomes_the_configured_interpreter() -> None:
    assert command_argv('python -c "from main import app"', "/venv/bin/python") == (
        "/venv/bin/python",
        "-c",
        "from main import app",
    )
    assert command_argv("pytest -q", "/venv/bin/python") == ("pytest", "-q")


def test_a_relative_interpreter_is_relative_to_the_repository(tmp_path: Path) -> None:
    assert interpreter(".venv/bin/python", tmp_path) == str(tmp_path / ".venv/bin/python")
    assert interpreter("python3", tmp_path) == "python3"


def test_unbalanced_quotes_in_a_command_are_a_configuration_error(tmp_path: Path) -> None:
    root = make(tmp_path, TARGET, commands=('python -c "oops',))
    assert main(["verify", str(root), "-q"]) == 2


def test_commands_write_no_bytecode_into_the_repository(tmp_path: Path) -> None:
    root = make(tmp_path, TARGET)
    run_checks(None, root, config(('python -c "import main"',)), ())
    assert not list(root.rglob("__pycache__"))


# --- test collections ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "count"),
    [
        ("t.py::a\nt.py::b\n\n2 tests collected in 0.01s", 2),
        ("1 test collected in 0.01s", 1),
        ("t.py::a\n\n1/4 tests collected (3 deselected) in 0.02s", 1),
        ("no tests collected (5 deselected) in 0.01s", 0),
        ("tests/test_a.py::test_one\ntests/test_a.py::TestX::test_two\n", 2),
        ("tests/test_a.py: 3\ntests/test_b.py: 4\n", 7),
        ("ERROR: file or directory not found: nowhere", None),
    ],
)
def test_collected_tests_are_read_from_pytest_output(output: str, count: int | None) -> None:
    assert collected_tests(output) == count


def test_only_pytest_collection_commands_are_counted() -> None:
    assert is_collection(("python", "-m", "pytest", "tests/", "--co", "-q"))
    assert is_collection(("pytest", "--collect-only"))
    assert not is_collection(("python", "-m", "pytest", "-q"))
    assert not is_collection(("python", "-c", "print('--co')"))


def test_fewer_collected_tests_after_the_change_fail(tmp_path: Path) -> None:
    before = make(tmp_path / "before", TARGET)
    fewer = TARGET["tests/test_service.py"].replace("def test_other", "def other")
    after = make(tmp_path / "after", {**TARGET, "tests/test_service.py": fewer})
    verification = run_checks(
        before, after, config(("python -m pytest tests/ -k 'not integration' --co -q",)), ()
    )
    [check] = [c for c in verification.checks if c.kind == checks.COMMAND]
    assert isinstance(check.before, Run) and isinstance(check.after, Run)
    assert (check.before.collected, check.after.collected) == (2, 1)
    assert check.failures == (checks.TESTS_DROPPED,)


# --- import counts ------------------------------------------------------------------------------


def test_the_shim_must_have_no_importers_left(tmp_path: Path) -> None:
    before = make(tmp_path / "before", TARGET)
    verification = run_checks(before, before, config(), ("app.legacy",))
    shim = verification.checks[0]
    assert (shim.subject, shim.role, shim.failures) == (
        "app.legacy",
        checks.SHIM,
        (checks.SHIM_STILL_IMPORTED,),
    )


def test_the_canonical_package_may_lose_only_the_shims_own_imports(tmp_path: Path) -> None:
    before = make(tmp_path / "before", TARGET)
    after = make(tmp_path / "after", {**TARGET, **APPLIED})
    verification = run_checks(before, after, config(), ("app.legacy",))
    assert [(c.subject, c.role, c.passed) for c in verification.checks[:2]] == [
        ("app.legacy", checks.SHIM, True),
        ("app.core.client", checks.CANONICAL, True),
    ]
    canonical = verification.checks[1]
    assert isinstance(canonical.before, Counts) and isinstance(canonical.after, Counts)
    # Before, only the two shim modules import it; after, the service module does.
    assert (canonical.before.importers, canonical.before.shim_importers) == (2, 2)
    assert (canonical.after.importers, canonical.after.shim_importers) == (1, 0)


def test_the_canonical_package_losing_a_real_importer_fails(tmp_path: Path) -> None:
    before = make(tmp_path / "before", {**TARGET, "app/other.py": "import app.core.client\n"})
    after = make(tmp_path / "after", TARGET)
    verification = run_checks(before, after, config(), ("app.legacy",), ("app.core.client",))
    assert verification.checks[1].failures == (checks.CANONICAL_DROPPED,)


def test_grep_and_exact_counts_disagree_and_the_report_says_why(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            **TARGET,
            "app/legacy/extra.py": "from app.legacy.client import Client\n",  # its own import
            "app/plain.py": "import app.legacy.client\n",  # grep misses it
            "app/relative.py": "from .legacy import Client\n",  # grep misses it
            "app/notes.py": "# moved: from app.legacy import Client\n",  # grep counts it
            "app/legacy_tools/__init__.py": "",
            "app/lookalike.py": "from app.legacy_tools import x\n",  # grep counts it
        },
    )
    found = counts.package_counts(analyze(root), grep_tree(root), "app.legacy")
    assert (found.statements, found.grep) == (3, 4)
    assert [(g.reason, g.count, g.example) for g in found.gaps] == [
        (counts.OWN, 1, "app/legacy/extra.py:1"),
        (counts.LOOKALIKE, 1, "app/lookalike.py:1"),
        (counts.TEXT, 1, "app/notes.py:1"),
        (counts.PLAIN_IMPORT, 1, "app/plain.py:1"),
        (counts.RELATIVE, 1, "app/relative.py:1"),
    ]


def test_counts_agree_with_analyze(tmp_path: Path) -> None:
    root = make(tmp_path, TARGET)
    analysis = analyze(root)
    [report] = [p for p in analysis.packages if p.name == "app.legacy"]
    found = counts.package_counts(analysis, grep_tree(root), "app.legacy")
    assert (found.importers, found.statements, found.grep, found.grep_command) == (
        len(report.importers),
        report.import_statements,
        report.grep_count,
        'grep -rhaF "from app.legacy" --include="*.py" . | wc -l',
    )


def _shell(root: Path, command: str) -> int:
    """What the shell command prints (a count), run for real in root."""
    done = subprocess.run(
        ["sh", "-c", command], cwd=root, capture_output=True, check=True, env={"LC_ALL": "C.UTF-8"}
    )
    return int(done.stdout.decode().strip())


def _grep(root: Path, package: str) -> int:
    """What the grep count's command prints, run for real."""
    return _shell(root, counts.grep_command(package))


def test_counts_of_every_package_in_one_pass_equal_each_package_counted_alone(
    tmp_path: Path,
) -> None:
    root = make(
        tmp_path,
        {
            **TARGET,
            "app/legacy/extra.py": "from app.legacy.client import Client\n",
            "app/plain.py": "import app.legacy.client\n",
            "app/relative.py": "from .legacy import Client\n",
            # Two packages on one line, a lookalike, a module and a comment.
            "app/both.py": "from app.core import client; from app.legacy_tools import x\n",
            "app/notes.py": (
                "# moved: from app.legacy import Client\nfrom app.core.client import Client\n"
            ),
            "app/legacy_tools/__init__.py": "",
        },
    )
    analysis = analyze(root)
    shims = ("app.legacy",)
    packages = [*sorted(analysis.index.packages), "app.core.client", "app.gone"]
    grep = grep_tree(root)
    together = counts.tree_counts(analysis, grep, packages, shims)
    assert sorted(together) == sorted(packages)
    for package in packages:
        alone = counts.package_counts(analysis, grep, package, shims)
        assert together[package] == alone
        assert alone.grep == _grep(root, package), package
    reports = {p.name: p for p in analysis.packages}
    for name, report in reports.items():
        assert (together[name].importers, together[name].statements, together[name].grep) == (
            len(report.importers),
            report.import_statements,
            report.grep_count,
        )
    assert (together["app.core"].grep, together["app.legacy"].grep) == (4, 4)
    assert (together["app.core"].shim_importers, together["app.legacy"].shim_importers) == (2, 0)


AWKWARD = {
    # Does not parse: unshim cannot read it, grep counts its line (the 3 against 4).
    "app/broken.py": b"from app.legacy import Client\ndef (:\n",
    # Latin-1 bytes, declared: a UTF-8 grep would call the file binary without -a.
    "app/latin.py": b"# -*- coding: latin-1 -*-\n# caf\xe9\nfrom app.legacy import Client\n",
    # A NUL byte: binary to grep, and not Python.
    "app/nul.py": b"from app.legacy import Client\n\x00\n",
    # Old Mac line endings: one line to grep, three to Python.
    "app/cr.py": b"x = 1\rfrom app.legacy import Client\rfrom app.legacy import Client\n",
    # Excluded from the scan, a hidden file, a hidden folder, no final newline.
    "build/old.py": b"from app.legacy import Client\n",
    ".hidden.py": b"from app.legacy import Client",
    ".tox/x.py": b"from app.legacy import Client\n",
    # Not *.py: grep's --include leaves it out, though unshim reads stubs.
    "app/stub.pyi": b"from app.legacy import Client\n",
    # The dots are dots: `from app_legacy` is not `from app.legacy`.
    "app/lookalike.py": b"from app_legacy import Client\n",
}


def _awkward_tree(root: Path) -> Path:
    make(root, TARGET)
    for path, data in AWKWARD.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    (root / "app/linked.py").symlink_to("service.py")  # grep -r skips links it meets
    (root / "app/linked_dir").symlink_to("core", target_is_directory=True)
    return root


@pytest.mark.skipif(shutil.which("grep") is None, reason="no grep on PATH")
def test_the_grep_count_is_what_its_command_prints_on_awkward_files(tmp_path: Path) -> None:
    root = _awkward_tree(tmp_path / "tree")
    analysis = analyze(root)
    grep = grep_tree(root)
    packages = ["app.legacy", "app.legacy.client", "app.core", "app.core.client", "app"]
    found = counts.tree_counts(analysis, grep, packages)
    for package in packages:
        assert found[package].grep == _grep(root, package), package
    legacy = found["app.legacy"]
    # service, broken, latin, nul, cr (one line to grep), build/old, .hidden and .tox/x.
    assert legacy.grep == 8
    reasons = {g.reason: g for g in legacy.gaps}
    assert reasons[counts.UNREAD].count >= 3  # broken, nul and the excluded folders


@pytest.mark.skipif(shutil.which("git") is None, reason="no git on PATH")
def test_the_grep_count_agrees_with_git_grep_on_the_files_git_tracks(tmp_path: Path) -> None:
    """In a fresh clone (every file tracked, nothing else), `git grep` reads what grep -r
    reads: the same count."""
    root = _awkward_tree(tmp_path / "tree")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "awkward")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    grep = grep_tree(clone)
    for package in ("app.legacy", "app.core"):
        [[count]] = [counts.tree_counts(analyze(clone), grep, [package]).values()]
        assert count.grep == _shell(
            clone, f"git grep -haF --no-color 'from {package}' -- '*.py' | wc -l"
        ), package


def test_the_lines_holding_from_are_the_lines_split_at_newlines_that_hold_it() -> None:
    import random

    rng = random.Random(12)
    pieces = [b"from ", b"\n", b"x", b"from a.b", b"\r", b"\x00", b" ", b"f", b"rom "]
    for _ in range(5000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        split = [(n, line) for n, line in enumerate(data.split(b"\n"), 1) if b"from " in line]
        assert grep_lines.from_lines(data) == tuple(split), data


def test_the_grep_lines_after_a_change_are_the_lines_before_with_the_changed_files_read_again(
    tmp_path: Path,
) -> None:
    before = _awkward_tree(tmp_path / "before")
    after = _awkward_tree(tmp_path / "after")
    (after / "app/service.py").write_text("from app.core.client import Client\n")
    (after / "app/latin.py").unlink()
    changes: dict[str, bytes | None] = {
        "app/service.py": (after / "app/service.py").read_bytes(),
        "app/latin.py": None,
    }
    assert overlaid(grep_tree(before), after, changes) == grep_tree(after)


# --- compileall ---------------------------------------------------------------------------------


def test_compileall_covers_the_analyzed_files_and_not_virtualenvs(tmp_path: Path) -> None:
    root = make(tmp_path, {**TARGET, ".venv/lib/broken.py": "def (:\n"})
    (root / ".venv/pyvenv.cfg").write_text("home = /usr/bin\n")
    verification = run_checks(None, root, config(), ())
    [check] = [c for c in verification.checks if c.kind == checks.COMPILE]
    assert check.passed and isinstance(check.after, Run) and check.after.files == 8
    # What a reviewer can run: their own `python`, not this machine's interpreter path.
    assert check.reproduce.startswith("find . -name '*.py' ")
    assert check.reproduce.endswith(" | python -m compileall -q -i -")
    assert PY not in check.reproduce


def test_a_file_that_does_not_compile_fails_compileall(tmp_path: Path) -> None:
    root = make(tmp_path, {**TARGET, "app/broken.py": "def (:\n"})
    verification = run_checks(None, root, config(), ())
    [check] = [c for c in verification.checks if c.kind == checks.COMPILE]
    assert check.failures == (checks.EXITED_NONZERO,)
    assert isinstance(check.after, Run) and "broken.py" in "\n".join(check.after.tail)


COMPILE_TREE = {
    **{f"app/ok{n}.py": f"x = {n}\n" for n in range(6)},
    "app/broken.py": "def (:\n",
    "app/also_broken.py": "x = (\n",
    "app/warns.py": "assert (1, 'never empty')\nx = 1 is 1\n",
}


def _compile_tree(root: Path) -> tuple[Path, list[str]]:
    make(root, COMPILE_TREE)
    return root, sorted(COMPILE_TREE)


def test_compileall_in_several_processes_says_what_one_compileall_says(tmp_path: Path) -> None:
    root, files = _compile_tree(tmp_path / "tree")
    argv = verifying.compileall_argv(PY)
    # Bytecode elsewhere, each run its own: a run that found it up to date would say nothing.
    first, second = (
        {"PYTHONPYCACHEPREFIX": str(tmp_path / "1")},
        {"PYTHONPYCACHEPREFIX": str(tmp_path / "2")},
    )
    one, one_output = verifying._execute(argv, root, 60, first, "\n".join(files) + "\n", len(files))
    many, many_output = verifying.compileall_files(argv, root, files, 60, second, None, jobs=3)
    split_one, split_many = compiled.said(one_output), compiled.said(many_output)
    assert split_one is not None and split_many is not None
    assert split_one.errors and split_one.warnings  # the tree says both
    order = {path: n for n, path in enumerate(files)}
    for units in (split_one.warnings, split_one.errors):
        assert list(units) == sorted(units, key=lambda u: order[u[0]])
    assert (split_many.warnings, split_many.errors) == (split_one.warnings, split_one.errors)
    assert (many.exit_code, many.files) == (one.exit_code, one.files) == (1, len(files))


def test_compileall_takes_a_file_whose_bytes_it_compiled_before_from_the_cache(
    tmp_path: Path,
) -> None:
    root, files = _compile_tree(tmp_path / "repo")
    git(root, "init", "-q")
    argv = verifying.compileall_argv(PY)
    env = {"PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}
    memo = compile_cache.load(root, PY, env)
    assert memo is not None
    first, first_output = verifying.compileall_files(argv, root, files, 60, env, memo, jobs=2)
    assert "warns.py" in first_output and "also_broken.py" in first_output
    compile_cache.save(memo)
    # Read back, the cache answers for every file: an interpreter that cannot start is never
    # asked.
    again = compile_cache.load(root, PY, env)
    assert again is not None and len(again.known) == len(files)
    gone = ("/nonexistent/python", *argv[1:])
    cached, cached_output = verifying.compileall_files(gone, root, files, 60, env, again)
    assert (cached.exit_code, cached_output) == (first.exit_code, first_output)
    # A file whose bytes changed is compiled again; here it no longer fails.
    (root / "app/broken.py").write_text("def f():\n    pass\n")
    fresh, fresh_output = verifying.compileall_files(argv, root, files, 60, env, again)
    assert "'app/broken.py'" not in fresh_output and "also_broken.py" in fresh_output
    assert fresh.exit_code == 1
    # Bytes it has not seen: the interpreter is asked, and its failure is the run's.
    (root / "app/broken.py").write_text("def g():\n    pass\n")
    late = verifying.compileall_files(gone, root, files, 60, env, again)[0]
    assert late.failure == checks.NOT_STARTED


def test_the_compile_cache_is_keyed_by_the_interpreter_and_its_environment(
    tmp_path: Path,
) -> None:
    plain = compile_cache.interpreter_key(PY, {})
    assert plain is not None and plain == compile_cache.interpreter_key(PY, {"HOME": "/x"})
    assert plain != compile_cache.interpreter_key(PY, {"PYTHONWARNINGS": "error"})
    assert plain != compile_cache.interpreter_key(PY, {"LC_ALL": "C"})
    assert compile_cache.interpreter_key("/nonexistent/python", {}) is None
    # Outside a git work tree nothing is written into the tree.
    memo = compile_cache.load(tmp_path, PY, {})
    assert memo is not None and memo.path is None


# --- before from git HEAD -----------------------------------------------------------------------


def test_before_is_the_git_head_of_the_work_tree(tmp_path: Path) -> None:
    root = make(tmp_path / "repo", TARGET)
    head = commit_all(root)
    make(root, APPLIED)
    verification, outcome = verify_tree(root, load_config(root))
    assert verification.before == f"HEAD {head}"
    assert verification.passed, [c for c in verification.checks if not c.passed]
    shim = verification.checks[0]
    assert isinstance(shim.before, Counts) and isinstance(shim.after, Counts)
    assert (shim.before.statements, shim.after.statements, shim.after.present) == (1, 0, False)
    assert outcome.deleted_files == ("app/legacy/__init__.py", "app/legacy/client.py")
    assert [(str(e.location), e.before, e.after) for e in outcome.edits] == [
        (
            "app/service.py:1",
            "from app.legacy.client import Client",
            "from app.core.client import Client",
        )
    ]
    assert outcome.canonical == ("app.core.client",)
    assert git(root, "status", "--short") == (
        "D app/legacy/__init__.py\n D app/legacy/client.py\n M app/service.py"
    )


def test_a_subfolder_of_a_repository_is_compared_with_that_subfolder_at_head(
    tmp_path: Path,
) -> None:
    root = make(tmp_path / "repo" / "service", TARGET, commands=())
    commit_all(tmp_path / "repo")
    make(root, APPLIED, commands=())
    verification, outcome = verify_tree(root, load_config(root))
    assert verification.before is not None and verification.passed
    assert outcome.deleted_files == ("app/legacy/__init__.py", "app/legacy/client.py")


def test_an_untracked_folder_in_a_repository_has_no_before(tmp_path: Path) -> None:
    commit_all(make(tmp_path / "repo", {"README.md": "x\n"}, commands=()))
    root = make(tmp_path / "repo" / "new", TARGET, commands=())
    verification, _ = verify_tree(root, load_config(root))
    assert verification.before is None


def test_without_git_there_is_no_before(tmp_path: Path) -> None:
    root = make(tmp_path, TARGET, commands=())
    verification, outcome = verify_tree(root, load_config(root))
    assert verification.before is None
    assert all(check.before is None for check in verification.checks)
    assert outcome.edits == () and outcome.deleted_files == ()


def test_docs_that_still_name_the_shim_are_listed(tmp_path: Path) -> None:
    root = make(tmp_path, {**TARGET, "README.md": "Use app.legacy.Client.\n"}, commands=())
    _, outcome = verify_tree(root, load_config(root))
    assert [str(m) for m in outcome.mentions] == ["README.md:1"]  # not unshim's own config


def _files(root: Path) -> dict[str, bytes | str]:
    """Every file and link below root but the git folder: a link as what it points to."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if name == ".git" or name.startswith(".git/"):
            continue
        if path.is_symlink():
            found[name] = f"-> {path.readlink()}"
        elif path.is_file():
            found[name] = path.read_bytes()
    return found


def test_the_linked_tree_is_the_export_of_head_and_keeps_it_when_the_change_replaces_files(
    tmp_path: Path,
) -> None:
    root = make(tmp_path / "repo" / "service", {**TARGET, "docs/a.txt": "a\n"}, commands=())
    (root / "docs/inside").symlink_to("a.txt")
    (root / "docs/outside").symlink_to("/etc/hostname")  # not part of the tree, as in the export
    (root / "docs/up").symlink_to("../../elsewhere")
    commit_all(tmp_path / "repo")
    with head_tree(root) as exported, linked_tree(root) as linked:
        assert exported is not None and linked is not None
        assert linked[1] == exported[1]
        folder = Path(git(root, "rev-parse", "--absolute-git-dir"))
        assert linked[0].parent == folder  # the same file system as the work tree
        before = _files(exported[0])
        assert _files(linked[0]) == before and "docs/inside" in before
        assert not {"docs/outside", "docs/up"} & set(before)
        # What apply does: each rewritten file written anew and moved over the old one.
        service, fresh = root / "app/service.py", root / "app/.service.py.new"
        fresh.write_text(str(APPLIED["app/service.py"]))
        os.replace(fresh, service)
        (root / "app/legacy/client.py").unlink()
        assert _files(linked[0]) == before
    assert not linked[0].exists()
    assert (root / "app/service.py").read_text() == APPLIED["app/service.py"]


def test_a_tree_that_is_not_heads_has_no_linked_tree(tmp_path: Path) -> None:
    root = make(tmp_path / "repo", TARGET, commands=())
    with linked_tree(root) as linked:
        assert linked is None  # not in git
    commit_all(root)
    (root / "main.py").unlink()
    with linked_tree(root) as linked:
        assert linked is None  # a tracked file is not there: the caller exports
    assert not [p for p in (root / ".git").iterdir() if p.name.startswith("unshim-before-")]


# --- the job summary and the command line -------------------------------------------------------


def test_the_job_summary_is_appended_to(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    assert append_job_summary("## report", {"GITHUB_STEP_SUMMARY": str(summary)}) == summary
    assert summary.read_text() == "earlier step\n## report\n"
    assert append_job_summary("## report", {}) is None


def test_verify_exits_0_when_every_check_passes_and_fills_the_job_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(tmp_path / "repo", TARGET, commands=('python -c "from main import app"',))
    commit_all(root)
    make(root, APPLIED, commands=('python -c "from main import app"',))
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    output = tmp_path / "report.json"
    assert main(["verify", str(root), "--format", "json", "-o", str(output), "-q"]) == 0
    assert json.loads(output.read_text())["passed"] is True
    assert "<!-- unshim:fingerprint=" in summary.read_text()


def test_verify_exits_1_when_a_check_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    root = make(tmp_path, TARGET, commands=("python -c 'raise SystemExit(1)'",))
    assert main(["verify", str(root), "-o", str(tmp_path / "out.md"), "-q"]) == 1


@pytest.mark.parametrize(
    "argv",
    [["verify", "{root}", "--shim", "app.nowhere"], ["verify", "{root}/missing"]],
)
def test_verify_exits_2_on_usage_errors(tmp_path: Path, argv: list[str]) -> None:
    root = make(tmp_path, TARGET, commands=())
    assert main([a.format(root=root) for a in argv] + ["-q"]) == 2


def test_verify_exits_2_on_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["verify", str(tmp_path), "--format", "yaml"])
    assert exit_.value.code == 2


def test_the_token_never_reaches_the_targets_commands() -> None:
    config = Config(pr=PullRequestConfig(token_env="BOT_TOKEN"))
    environ = {"PATH": "/bin", "GITHUB_TOKEN": "ghs_x", "BOT_TOKEN": "ghs_y", "HOME": "/root"}
    assert verifying.command_environment(environ, config) == {"PATH": "/bin", "HOME": "/root"}


def test_a_command_is_reproduced_as_configured_not_with_this_machines_interpreter(
    tmp_path: Path,
) -> None:
    root = make(tmp_path, TARGET, commands=())
    verification = run_checks(None, root, config(('python -c "import app"',)), ())
    [check] = [c for c in verification.checks if c.kind == checks.COMMAND]
    assert check.passed and check.reproduce == 'python -c "import app"'


# --- the run's verification reuses the reading of the tree before -------------------------------


def _timeless(value: object) -> object:
    """The JSON report without the seconds each command took, which no two runs share."""
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def test_the_tree_after_from_the_changes_gives_the_report_of_two_fresh_readings(
    tmp_path: Path,
) -> None:
    root = make(
        tmp_path / "repo",
        {
            **TARGET,
            "app/broken.py": "def (:\n",  # not analyzed, and compileall fails, on both trees
            "app/outside.py": "def f():\n    return 1\n\n\nreturn f\n",  # parses, no compile
            "app/notes.py": "# moved: from app.legacy import Client\n",
            "app/other.py": "from app.legacy import Client\n",
        },
    )
    commit_all(root)
    smoke = ('python -c "from main import app"',)
    cfg = Config(shims=("app.legacy",), verify=VerifyConfig(commands=smoke, python=PY, timeout=60))
    applied = apply(root, plan_request(cfg, configured=False), apply_options(cfg, jobs=1), deletion)
    changes = changed_files(applied)
    assert changes == {
        "app/service.py": (root / "app/service.py").read_bytes(),
        "app/other.py": (root / "app/other.py").read_bytes(),
        "app/legacy/__init__.py": None,
        "app/legacy/client.py": None,
    }
    shims = applied.outcome.shims
    with head_tree(root) as head:
        assert head is not None
        reused_trees = verifying.analyze_trees(head[0], root, cfg, changes)
        fresh_trees = verifying.analyze_trees(head[0], root, cfg)
        # The tree before's grammar taken from compileall's run in this interpreter.
        compiled_trees, ran = verifying._compiled_trees(
            head[0], root, cfg, changes, verifying.compileall_argv(PY), {"PATH": "/usr/bin:/bin"}
        )
        reused = run_checks(head[0], root, cfg, shims, changes=changes)
        fresh = run_checks(head[0], root, cfg, shims)
    assert ran is not None and ran[0].exit_code == 1 and "app/broken.py" in ran[1]
    not_analyzed = [p.path for p in compiled_trees.before.index.not_analyzed]
    assert not_analyzed == ["app/broken.py", "app/outside.py"]
    readings = [lambda t: t.after.index, lambda t: t.before.index]
    for trees, reading in [(t, r) for t in (reused_trees, compiled_trees) for r in readings]:
        a, b = reading(trees), reading(fresh_trees)
        assert (a.modules, a.stubs, a.packages, a.not_analyzed, a.tree.sources) == (
            b.modules,
            b.stubs,
            b.packages,
            b.not_analyzed,
            b.tree.sources,
        )
        assert {n: i.text for n, i in a.modules.items()} == {
            n: i.text for n, i in b.modules.items()
        }
    meta = Metadata("repo", "unshim run")
    report = to_json(Report(reused, applied.outcome, meta))
    assert _timeless(report) == _timeless(to_json(Report(fresh, applied.outcome, meta)))
    [compiled] = [c for c in reused.checks if c.kind == checks.COMPILE]
    assert not compiled.passed  # app/broken.py, untouched, still fails after the change


def test_compileall_after_a_change_compiles_what_it_touched_and_says_what_a_full_run_says(
    tmp_path: Path,
) -> None:
    before = make(
        tmp_path / "before",
        {
            "pkg/__init__.py": "",
            "pkg/broken.py": "def (:\n",  # untouched: still fails after
            "pkg/escape.py": 'x = "\\d"\n',  # untouched: its warning is still printed
            "pkg/fine.py": "def f(:\n    pass\n",  # touched: mended by the change
            "pkg/gone.py": "def (:\n",  # deleted by the change
        },
    )
    after = make(
        tmp_path / "after",
        {
            "pkg/__init__.py": "",
            "pkg/broken.py": "def (:\n",
            "pkg/escape.py": 'x = "\\d"\n',
            "pkg/fine.py": "x = 1\n",
            "pkg/new.py": 'y = "\\w"\n',  # not in the tree before: compiled after
        },
    )
    trees = verifying.analyze_trees(before, after, config())
    roots = (before, after)

    def env(name: str) -> dict[str, str]:  # each run compiles afresh, as in a verification
        cache = str(tmp_path / name)
        return {"PATH": "/usr/bin:/bin", "PYTHONWARNINGS": "always", "PYTHONPYCACHEPREFIX": cache}

    def timeless(check: checks.Check) -> checks.Check:
        assert isinstance(check.before, Run) and isinstance(check.after, Run)
        return replace(
            check, before=replace(check.before, seconds=0), after=replace(check.after, seconds=0)
        )

    full = verifying.compile_check(trees, roots, PY, 60, env("full"), False)
    changes = {"pkg/fine.py", "pkg/gone.py"}
    reused = verifying.compile_check(trees, roots, PY, 60, env("reused"), False, changes)
    assert isinstance(full.after, Run) and isinstance(reused.after, Run)
    assert timeless(reused) == timeless(full)
    assert reused.after.exit_code == 1 and not reused.passed
    shown = "\n".join(reused.after.tail)
    assert "pkg/broken.py" in shown and "pkg/fine.py" not in shown and "pkg/gone.py" not in shown
    assert "pkg/escape.py:1:" in shown and "pkg/new.py:1:" in shown


def test_compileall_output_that_cannot_be_split_by_file_is_run_again_in_full() -> None:
    assert compiled.said("Can't list 'pkg'\n") is None
    found = compiled.said(
        "pkg/a.py:1: SyntaxWarning: invalid escape sequence '\\d'\n"
        '  x = "\\d"\n'
        "*** Error compiling 'pkg/b.py'...\n"
        '  File "pkg/b.py", line 1\n'
        "SyntaxError: invalid syntax\n"
        "\n"
    )
    assert found is not None
    assert [p for p, _ in found.warnings] == ["pkg/a.py"]
    assert [(p, len(lines)) for p, lines in found.errors] == [("pkg/b.py", 4)]


def test_where_the_shims_names_live_is_what_the_inventory_reports(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            **TARGET,
            "app/old/__init__.py": "",
            "app/old/facade.py": "from app.core.client import Client as C\n",
            "app/mixed/__init__.py": "from app.core.client import Client\n",
            "app/mixed/real.py": "def f():\n    return 1\n",
        },
    )
    analysis = analyze(root)
    trees = subjects.Trees(analysis, analysis)
    for report in analysis.packages:
        layer = inventory.shim_layer(analysis.index, analysis.verdicts, report.name)[1]
        assert layer == report.points_to, report.name
        expected = report.points_to if report.status == inventory.SHIM_LAYER else ()
        found = subjects.canonical_of(trees, (report.name,))
        assert found == tuple(c for c in expected if not c.startswith(report.name + "."))
    assert subjects.canonical_of(trees, ("app.legacy", "app.old")) == ("app.core.client",)
    assert subjects.canonical_of(trees, ("app.mixed",)) == ()
