"""The verification's values and the decisions about them: what a check observed on each tree,
and whether that is a pass. Pure: `bot.verify` runs things and hands the observations here;
`bot.report` words the result."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

IMPORTS, COMPILE, COMMAND = "imports", "compile", "command"
SHIM, CANONICAL = "shim", "canonical"

# Why a check failed. Codes, not sentences: bot.report words them for the reviewer.
SHIM_STILL_IMPORTED = "shim-still-imported"
CANONICAL_DROPPED = "canonical-dropped"
EXITED_NONZERO = "exited-nonzero"
NOT_STARTED = "not-started"
TIMED_OUT = "timed-out"
TESTS_DROPPED = "tests-dropped"

_COLLECTED = re.compile(r"\b(\d+)(?:/(\d+))? tests? collected\b")
_NONE_COLLECTED = re.compile(r"\bno tests collected\b")
_NODE_ID = re.compile(r"^\S+\.py::\S")
_PER_FILE = re.compile(r"^(\S+\.py): (\d+)$")


@dataclass(frozen=True)
class Run:
    """One command run on one tree."""

    argv: tuple[str, ...]
    exit_code: int | None  # None when it did not start or was stopped at the timeout
    seconds: float
    tail: tuple[str, ...]  # the last lines of its output, stdout and stderr together
    failure: str = ""  # NOT_STARTED or TIMED_OUT
    message: str = ""  # the operating system's reason, when it did not start
    timeout: float = 0.0
    collected: int | None = None  # tests collected, for a pytest collection command
    files: int = 0  # files handed to it on standard input (compileall)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.failure


@dataclass(frozen=True)
class Gap:
    """One reason the grep count and the exact count of a package differ."""

    reason: str  # a code from bot.counts; bot.report words it
    count: int
    example: str  # "path:line" of the first instance


@dataclass(frozen=True)
class Counts:
    """How much of one tree imports one package."""

    package: str
    present: bool  # the package is still in this tree
    importers: int  # modules outside the package that import it
    statements: int  # import statements outside the package that reach it
    shim_importers: int  # of those, the ones inside the shim layers being removed
    shim_statements: int
    grep: int
    grep_command: str
    gaps: tuple[Gap, ...]  # why `grep` differs from `statements`


@dataclass(frozen=True)
class Check:
    kind: str  # IMPORTS, COMPILE or COMMAND
    subject: str  # the package, or the command as configured
    role: str  # SHIM or CANONICAL for an import check, else ""
    before: Run | Counts | None  # None: there was no tree before the change to run it on
    after: Run | Counts
    failures: tuple[str, ...]  # empty when the check passed
    reproduce: str  # the shell command a reviewer can paste to see it for themselves

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class Verification:
    checks: tuple[Check, ...]
    before: str | None  # what the "before" tree is ("HEAD 1a2b3c4"); None when there was none
    python: str  # the interpreter the target's commands ran with

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.passed)


def command_argv(command: str, python: str) -> tuple[str, ...]:
    """The argument vector of a configured command: split like a shell would (no shell runs
    it), with a leading `python` replaced by the configured interpreter, so the target's
    commands never run in unshim's own environment by accident."""
    argv = shlex.split(command)
    if argv and argv[0] == "python":
        argv[0] = python
    return tuple(argv)


def is_collection(argv: tuple[str, ...]) -> bool:
    """A pytest run that only collects: its test count is compared before and after."""
    runs_pytest = any(a in ("pytest", "py.test") or a.endswith("/pytest") for a in argv[:3])
    return runs_pytest and any(a in ("--co", "--collect-only") for a in argv)


def collected_tests(output: str) -> int | None:
    """Tests a pytest collection reports: "N tests collected", "N/M tests collected (K
    deselected)" (N were selected), "no tests collected", or else the node ids `-q` lists
    (or the per-file counts of `-qq`). None when the output shows none of these."""
    lines = output.splitlines()
    for line in reversed(lines):
        match = _COLLECTED.search(line)
        if match:
            return int(match.group(1))
        if _NONE_COLLECTED.search(line):
            return 0
    node_ids = sum(1 for line in lines if _NODE_ID.match(line))
    if node_ids:
        return node_ids
    per_file = [int(m.group(2)) for m in map(_PER_FILE.match, lines) if m]
    return sum(per_file) if per_file else None


def judge_run(before: Run | None, after: Run) -> tuple[str, ...]:
    """A command passes when it exits 0 after the change and, for a test collection, collects
    no fewer tests than before. A failure before the change still fails: the reviewer needs to
    know the command does not pass, whoever broke it."""
    if after.failure:
        return (after.failure,)
    failures = [] if after.exit_code == 0 else [EXITED_NONZERO]
    if (
        before is not None
        and before.collected is not None
        and after.collected is not None
        and after.collected < before.collected
    ):
        failures.append(TESTS_DROPPED)
    return tuple(failures)


def judge_counts(role: str, before: Counts | None, after: Counts) -> tuple[str, ...]:
    """A shim must have no importers left. A canonical package must keep at least the
    importers it had outside the shim layers: the shims' own imports of it go when they do."""
    if role == SHIM:
        return (SHIM_STILL_IMPORTED,) if after.importers or after.statements else ()
    if before is None:
        return ()
    kept_importers = after.importers - after.shim_importers
    kept_statements = after.statements - after.shim_statements
    if (
        kept_importers < before.importers - before.shim_importers
        or kept_statements < before.statements - before.shim_statements
    ):
        return (CANONICAL_DROPPED,)
    return ()
