"""The verify stage: the only module that runs the target repository's commands.

Every check runs on the tree before the change and on the tree after it. A command that cannot
start or runs out of time is a failed check, never an exception. The target's commands run
with the interpreter the configuration names, never unshim's own, and write their bytecode
into a temporary folder rather than into the repository.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from unshim.bot.config import Config, cache_folder
from unshim.bot.errors import UsageError
from unshim.bot.verify import compile_cache
from unshim.bot.verify.checks import (
    CANONICAL,
    COMMAND,
    COMPILE,
    IMPORTS,
    NOT_STARTED,
    SHIM,
    TIMED_OUT,
    Check,
    Run,
    Verification,
    collected_tests,
    command_argv,
    is_collection,
    judge_counts,
    judge_run,
)
from unshim.bot.verify.compile_cache import Memo
from unshim.bot.verify.compiled import Said, composed, joined, recompiled, said
from unshim.bot.verify.counts import tree_counts
from unshim.bot.verify.observed import observed_outcome
from unshim.bot.verify.orphans import reaped
from unshim.bot.verify.snapshot import head_tree, is_git_tree
from unshim.bot.verify.subjects import Trees, canonical_of, check_shims, default_shims
from unshim.codemods.analyze.analysis import Analysis, analyze, analyze_index
from unshim.codemods.analyze.references import text_references
from unshim.codemods.credentials import without_credentials
from unshim.codemods.outcome import ApplyOutcome, Location
from unshim.codemods.scan.assembly import check_grammar
from unshim.codemods.scan.build import Learned, changed_index, deferred_index, kept_verdicts
from unshim.codemods.scan.cache import Cache
from unshim.codemods.scan.grep_lines import GrepTree, grep_tree, overlaid
from unshim.codemods.scan.sources import TreeError

TAIL_LINES = 40
JOB_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


# --- running one command ------------------------------------------------------------------------


def run_command(
    argv: tuple[str, ...],
    cwd: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    files: int = 0,
) -> Run:
    """Run argv in cwd without a shell; stop it (and whatever it started) at the timeout."""
    return _execute(argv, cwd, timeout, env, stdin, files)[0]


def _execute(
    argv: tuple[str, ...],
    cwd: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    files: int = 0,
) -> tuple[Run, str]:
    """`run_command`, and the whole of what the command printed."""
    started = time.perf_counter()
    try:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # Its own process group, so a timeout also stops the processes it started.
            start_new_session=True,
        )
    except OSError as exc:
        return Run(argv, None, 0.0, (), NOT_STARTED, exc.strerror or str(exc), timeout), ""
    try:
        output, _ = process.communicate(stdin.encode() if stdin is not None else None, timeout)
        failure = ""
    except subprocess.TimeoutExpired:
        _stop(process)
        output, _ = process.communicate()
        failure = TIMED_OUT
    except BaseException:
        # Ctrl-C reaches unshim's process group, not the command's own session: stop the
        # command and whatever it started before going.
        _stop(process)
        process.wait()
        raise
    seconds = time.perf_counter() - started
    text = output.decode("utf-8", "replace")
    run = Run(
        argv=argv,
        exit_code=None if failure else process.returncode,
        seconds=seconds,
        tail=tuple(text.splitlines()[-TAIL_LINES:]),
        failure=failure,
        timeout=timeout,
        collected=collected_tests(text) if is_collection(argv) else None,
        files=files,
    )
    return run, text


def _stop(process: subprocess.Popen[bytes]) -> None:
    killpg = getattr(os, "killpg", None)  # POSIX only; elsewhere the command alone is stopped
    try:
        if killpg is not None:
            killpg(process.pid, signal.SIGKILL)
            return
    except (ProcessLookupError, PermissionError):  # pragma: no cover - already gone
        pass
    process.kill()


def _split_by_file(run: Run, output: str, files: list[str]) -> Said | None:
    """compileall's output of one run over `files`, by file; None when it cannot be trusted to
    be (the run failed, printed what compileall does not print per file, or about a file it
    was not given)."""
    split = said(output)
    if run.failure or split is None or (run.exit_code == 0) == bool(split.errors):
        return None
    given = set(files)
    if any(path not in given for path, _ in (*split.warnings, *split.errors)):
        return None
    return split


def compileall_files(
    argv: tuple[str, ...],
    root: Path,
    files: list[str],
    timeout: float,
    env: Mapping[str, str],
    memo: Memo | None = None,
    jobs: int = 1,
) -> tuple[Run, str]:
    """compileall over `files` (paths relative to root), as one `argv` run over them would
    print: each file compileall said something about in an earlier run over the same bytes is
    taken from `memo`, the others are compiled by `jobs` compileall processes at once, each
    over its share. When a share's output cannot be put to its files, the whole list is
    compiled by one process, as a reviewer would run it."""
    keys = memo.keys(root, files) if memo is not None else {}
    units: dict[str, compile_cache.Unit] = {}
    missing: list[str] = []
    for path in files:
        key = keys.get(path)
        unit = memo.get(key) if memo is not None and key is not None else None
        if unit is None:
            missing.append(path)
        else:
            units[path] = unit
    started = time.perf_counter()
    shares = [missing[i :: max(1, jobs)] for i in range(min(max(1, jobs), len(missing)))]
    with ThreadPoolExecutor(max_workers=max(1, len(shares))) as threads:
        ran = list(
            threads.map(
                lambda share: _execute(
                    argv, root, timeout, env, "\n".join(share) + "\n", len(share)
                ),
                shares,
            )
        )
    for share, (run, output) in zip(shares, ran, strict=True):
        split = _split_by_file(run, output, share)
        if split is None:
            return _execute(argv, root, timeout, env, "\n".join(files) + "\n", len(files))
        warned: dict[str, list[str]] = {}
        failed: dict[str, list[str]] = {}
        for path, lines in split.warnings:
            warned.setdefault(path, []).extend(lines)
        for path, lines in split.errors:
            failed.setdefault(path, []).extend(lines)
        for path in share:
            unit = (tuple(warned.get(path, ())), tuple(failed.get(path, ())))
            units[path] = unit
            if memo is not None and path in keys:
                memo.put(keys[path], unit)
    output = joined(files, units)
    failed_any = any(errors for _, errors in units.values())
    run = Run(
        argv,
        1 if failed_any else 0,
        time.perf_counter() - started,
        tuple(output.splitlines()[-TAIL_LINES:]),
        timeout=timeout,
        files=len(files),
    )
    return run, output


# --- the trees ----------------------------------------------------------------------------------


def analyze_trees(
    root_before: Path | None,
    root_after: Path,
    config: Config,
    changes: Mapping[str, bytes | None] | None = None,
) -> Trees:
    """Both trees analyzed. `changes` (path -> contents after, None: deleted), when the caller
    made them and knows every other file is the same in both trees: the tree after is the
    reading of the tree before with those files read again, not a second reading of it all."""
    before = None
    if root_before is not None:
        try:
            before = analyze(
                root_before,
                config.source_roots,
                config.exclude,
                reference_files=config.reference_files,
            )
        except TreeError:
            before = None  # e.g. the source root is new: nothing to compare with
    try:
        if before is not None and changes is not None:
            index = changed_index(
                before.index, root_after, changes, config.source_roots, config.exclude
            )
            after = analyze_index(index)
        else:
            after = analyze(
                root_after,
                config.source_roots,
                config.exclude,
                reference_files=config.reference_files,
            )
    except TreeError as exc:
        raise UsageError(str(exc)) from None
    return Trees(before, after)


# --- the checks ---------------------------------------------------------------------------------


def interpreter(python: str, repository: Path) -> str:
    """The configured interpreter; a relative path (`.venv/bin/python`) is relative to the
    repository, so the tree exported from HEAD (which has no virtualenv) uses the same one."""
    if "/" in python and not Path(python).is_absolute():
        return str((repository / python).resolve())
    return python


def _sources(analysis: Analysis) -> list[str]:
    # Every Python file of the tree, the ones unshim could not parse included: those are the
    # ones compileall is there to catch.
    return sorted(s.path for s in analysis.index.tree.sources if s.path.endswith(".py"))


def grep_trees(
    roots: tuple[Path | None, Path], changes: Mapping[str, bytes | None] | None
) -> tuple[GrepTree | None, GrepTree]:
    """What grep reads in each tree. With `changes` (see `analyze_trees`), the tree after is
    the tree before with those files read again."""
    before = grep_tree(roots[0]) if roots[0] is not None else None
    if before is not None and changes is not None:
        return before, overlaid(before, roots[1], changes)
    return before, grep_tree(roots[1])


def import_checks(
    trees: Trees,
    shims: tuple[str, ...],
    canonical: tuple[str, ...],
    grep: tuple[GrepTree | None, GrepTree],
) -> list[Check]:
    # Every package's counts from one pass over each tree.
    subjects = (*shims, *canonical)
    before = None
    if trees.before is not None and grep[0] is not None:
        before = tree_counts(trees.before, grep[0], subjects, shims)
    after = tree_counts(trees.after, grep[1], subjects, shims)
    checks = []
    for role, packages in ((SHIM, shims), (CANONICAL, canonical)):
        for package in packages:
            was = before[package] if before is not None else None
            now = after[package]
            failures = judge_counts(role, was, now)
            checks.append(Check(IMPORTS, package, role, was, now, failures, now.grep_command))
    return checks


def compileall_argv(python: str) -> tuple[str, ...]:
    return (python, "-m", "compileall", "-q", "-i", "-")


def _same_interpreter(python: str) -> bool:
    """`python` is the very interpreter unshim runs in: what compiles there compiles here."""
    found = shutil.which(python)
    return found is not None and os.path.realpath(found) == os.path.realpath(sys.executable)


def _compiled_trees(
    root_before: Path,
    root_after: Path,
    config: Config,
    changes: Mapping[str, bytes | None],
    argv: tuple[str, ...],
    env: Mapping[str, str],
    memo: Memo | None = None,
    jobs: int = 1,
) -> tuple[Trees, tuple[Run, str] | None]:
    """Both trees analyzed, and compileall's run over the tree before, which is also the
    grammar check of its reading: when compileall runs in unshim's own interpreter, a file it
    compiled is not compiled again here (only those it refused are, for their reason). Every
    file of the tree before is compiled once."""
    folder = cache_folder(config)
    learned = Learned(Cache(folder)) if folder is not None else None
    try:
        index = deferred_index(root_before, config.source_roots, config.exclude, learned)
    except TreeError:
        return analyze_trees(None, root_after, config), None
    files = sorted(s.path for s in index.tree.sources if s.path.endswith(".py"))
    ran = compileall_files(argv, root_before, files, config.verify.timeout, env, memo, jobs)
    run, output = ran
    split = _split_by_file(run, output, files)
    compiled: set[str] = set()
    if _same_interpreter(argv[0]) and split is not None:
        compiled = set(files) - {path for path, _ in split.errors}
    checked = check_grammar(index, compiled)
    if learned is not None:
        kept_verdicts(learned, index, checked)
    before = analyze_index(replace(checked, unchecked=frozenset()))
    # The change's own files are in the cache too: a scheduled run that makes the same change
    # again (its consumers did not change since) reads none of them anew.
    index = changed_index(
        before.index, root_after, changes, config.source_roots, config.exclude, learned
    )
    if learned is not None:
        learned.keep()
    return Trees(before, analyze_index(index)), ran


def compile_check(
    trees: Trees,
    roots: tuple[Path | None, Path],
    python: str,
    timeout: float,
    env: Mapping[str, str],
    git: bool,
    changes: Collection[str] | None = None,
    ran_before: tuple[Run, str] | None = None,
    memo: Memo | None = None,
    jobs: int = 1,
) -> Check:
    """compileall over every Python file of each tree. `changes`: the paths the change touched,
    when every other file is the same in both trees: then the tree after compiles only those
    (and the files the tree before did not have), and the rest of its run is the run before's.
    `ran_before`: the run before, already made (with its whole output)."""
    argv = compileall_argv(python)
    before: Run | None = None
    before_output = ""
    if ran_before is not None:
        before, before_output = ran_before
    elif trees.before is not None and roots[0] is not None:
        files = _sources(trees.before)
        before, before_output = compileall_files(argv, roots[0], files, timeout, env, memo, jobs)
    files = _sources(trees.after)
    after = None
    if changes is not None and before is not None and trees.before is not None:
        after = _compile_after(
            argv,
            roots[1],
            timeout,
            env,
            files,
            (before, before_output),
            trees.before,
            changes,
            memo,
            jobs,
        )
    if after is None:
        after = compileall_files(argv, roots[1], files, timeout, env, memo, jobs)[0]
    listing = (
        "git ls-files -- '*.py'"
        if git
        else (
            "find . -name '*.py' -not -path '*/.venv/*' -not -path '*/venv/*' -not -path '*/.git/*'"
        )
    )
    # The reviewer's own interpreter, not the path of this machine's.
    reproduce = f"{listing} | {shlex.join(('python', *argv[1:]))}"
    return Check(COMPILE, "compileall", "", before, after, judge_run(before, after), reproduce)


def _compile_after(
    argv: tuple[str, ...],
    root: Path,
    timeout: float,
    env: Mapping[str, str],
    files: list[str],
    before: tuple[Run, str],
    analysis: Analysis,
    changes: Collection[str],
    memo: Memo | None = None,
    jobs: int = 1,
) -> Run | None:
    """The run after, from compiling only what changed; None when the run before cannot be
    split by file (it did not finish, or printed what compileall does not print per file)."""
    run, output = before
    said_before = said(output)
    if run.failure or said_before is None or (run.exit_code == 0) == bool(said_before.errors):
        return None
    redo = recompiled(files, set(_sources(analysis)), set(changes))
    if redo:
        again, again_output = compileall_files(argv, root, redo, timeout, env, memo, jobs)
    else:  # compileall given no file compiles sys.path: nothing to run
        again, again_output = Run(argv, 0, 0.0, (), timeout=timeout), ""
    if again.failure:
        return replace(again, files=len(files))
    said_again = said(again_output)
    if said_again is None or (again.exit_code == 0) == bool(said_again.errors):
        return None
    return composed(said_before, again, said_again, redo, files, TAIL_LINES)


def command_checks(
    commands: tuple[str, ...],
    roots: tuple[Path | None, Path],
    python: str,
    timeout: float,
    env: Mapping[str, str],
) -> list[Check]:
    checks = []
    for command in commands:
        argv = command_argv(command, python)
        before = run_command(argv, roots[0], timeout, env) if roots[0] is not None else None
        after = run_command(argv, roots[1], timeout, env)
        checks.append(
            # As configured (`python ...`), which a reviewer can run; not this machine's path.
            Check(COMMAND, command, "", before, after, judge_run(before, after), command)
        )
    return checks


def parse_commands(config: Config) -> None:
    """Every configured command must split into words; all problems reported together."""
    problems = []
    for command in config.verify.commands:
        try:
            if not shlex.split(command):
                problems.append(f"{command!r}: an empty command")
        except ValueError as exc:
            problems.append(f"{command!r}: {exc}")
    if problems:
        where = f"{config.source or 'configuration'} [tool.unshim.verify] commands"
        raise UsageError("\n".join(f"{where}: {p}" for p in problems))


def command_environment(environ: Mapping[str, str], config: Config) -> dict[str, str]:
    """The environment the target's commands run in: the bot's, less the token and every other
    credential (but those `pass-env` names). The target's code and tests are not ours to trust
    with a token that can push."""
    return without_credentials(environ, (config.pr.token_env,), config.verify.pass_env)


def run_checks(
    root_before: Path | None,
    root_after: Path,
    config: Config,
    shims: tuple[str, ...],
    canonical: tuple[str, ...] | None = None,
    *,
    before_label: str | None = None,
    trees: Trees | None = None,
    changes: Mapping[str, bytes | None] | None = None,
    jobs: int = 1,
) -> Verification:
    """Run every check on both trees. `shims` are the shim packages (or modules) removed;
    `canonical` the packages their names come from (default: from the analysis). `root_before`
    None: there is no "before" to compare with, and only the tree after is checked. `changes`:
    what the caller changed between the two trees (see `analyze_trees`)."""
    parse_commands(config)
    python = interpreter(config.verify.python, root_after)
    timeout = config.verify.timeout
    roots = (root_before, root_after)
    argv = compileall_argv(python)
    with tempfile.TemporaryDirectory(prefix="unshim-pycache-") as pycache, reaped():
        env = {**command_environment(os.environ, config), "PYTHONPYCACHEPREFIX": pycache}
        # compileall's earlier word on files whose bytes did not change, kept in the work
        # tree's git folder.
        memo = compile_cache.load(root_after, python, env)
        ran_before = None
        if trees is None and changes is not None and root_before is not None:
            trees, ran_before = _compiled_trees(
                root_before, root_after, config, changes, argv, env, memo, jobs
            )
        trees = trees or analyze_trees(root_before, root_after, config, changes)
        if root_before is None:
            trees = Trees(None, trees.after)
        canonical = canonical if canonical is not None else canonical_of(trees, shims)
        checks = import_checks(trees, shims, canonical, grep_trees(roots, changes))
        git = is_git_tree(root_after)
        changed = set(changes) if changes is not None else None
        checks.append(
            compile_check(trees, roots, python, timeout, env, git, changed, ran_before, memo, jobs)
        )
        checks.extend(command_checks(config.verify.commands, roots, python, timeout, env))
        if memo is not None:
            compile_cache.save(memo)
    label = before_label or ("the tree before the change" if root_before is not None else None)
    return Verification(tuple(checks), label, python)


def unshim_table(config: Config, root: Path) -> set[Location]:
    """The lines of unshim's own configuration, which name the shims on purpose."""
    if config.source is None:
        return set()
    path = Path(config.source).resolve()
    try:
        relative, text = path.relative_to(root.resolve()).as_posix(), path.read_text("utf-8")
    except (ValueError, OSError):
        return set()
    inside = not text.lstrip().startswith("[") and path.name != "pyproject.toml"
    lines = set()
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("["):
            inside = line.lstrip().startswith(("[tool.unshim]", "[tool.unshim."))
        if inside:
            lines.add(Location(relative, number))
    return lines


def mentions(analysis: Analysis, shims: tuple[str, ...], config: Config) -> tuple[Location, ...]:
    """Docs, configuration and comments that still name a shim."""
    found = {r.location for r in text_references(analysis.index, list(shims))}
    return tuple(sorted(found - unshim_table(config, analysis.index.root)))


def verify_tree(
    path: Path, config: Config, shims: tuple[str, ...] = (), jobs: int = 1
) -> tuple[Verification, ApplyOutcome]:
    """`unshim verify PATH`: the work tree at PATH against its git HEAD (no "before" when PATH
    is not a git work tree), with what changed between the two."""
    with head_tree(path) as head:
        root_before, label = head if head is not None else (None, None)
        parse_commands(config)
        trees = analyze_trees(root_before, path, config)
        where = "--shim" if shims else f"{config.source} [tool.unshim] shims"
        shims = shims or config.shims or default_shims(trees)
        check_shims(trees, shims, where)
        canonical = canonical_of(trees, shims)
        verification = run_checks(
            root_before,
            path,
            config,
            shims,
            canonical,
            before_label=label,
            trees=trees,
            jobs=jobs,
        )
    if trees.before is not None:
        outcome = observed_outcome(trees.before, trees.after, shims, canonical)
    else:
        outcome = ApplyOutcome(shims, canonical, (), (), (), (), ())
    return verification, replace(outcome, mentions=mentions(trees.after, shims, config))


def append_job_summary(markdown: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """Append the report to the GitHub Actions job summary when the job has one."""
    target = (os.environ if environ is None else environ).get(JOB_SUMMARY_ENV)
    if not target:
        return None
    path = Path(target)
    with path.open("a", encoding="utf-8") as stream:
        stream.write(markdown if markdown.endswith("\n") else markdown + "\n")
    return path
