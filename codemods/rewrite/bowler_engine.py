"""`--engine bowler`: run the `--move` renames with Bowler (the `bowler` extra).

Bowler is imported only here and only when asked for. It rewrites a copy of each file in a
temporary folder; the results come back as the same `FileResult` values the LibCST engine
returns, so writing (atomic, by `codemods.rewrite.engine`), the diff and the report do not
change. Bowler parses with lib2to3's grammar (fissix): every file it cannot parse is `Failed`,
never silently skipped. Relative imports are not renamed by Bowler, and it adds a final newline
to a file that has none.
"""

from __future__ import annotations

import difflib
import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from unshim.codemods.outcome import ImportEdit, Location
from unshim.codemods.plan.values import FileTask
from unshim.codemods.rewrite.results import Failed, FileResult, Rewritten, Unchanged

INSTALL_HINT = "pip install 'unshim[bowler]'"


class BowlerMissing(RuntimeError):
    """The bowler extra is not installed."""


def _query() -> Any:
    try:
        from bowler import Query
    except ImportError:
        raise BowlerMissing(
            f"--engine bowler needs the bowler extra, which is not installed: {INSTALL_HINT}"
        ) from None
    return Query


def require() -> None:
    """BowlerMissing (with the install hint) unless Bowler can be imported."""
    _query()


class _ParseFailures(logging.Handler):
    """Bowler logs the files it cannot parse and goes on; collect them instead."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.failures: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("Can't parse") and record.args:
            args = tuple(record.args) if isinstance(record.args, tuple) else (record.args,)
            path = str(args[0])
            self.failures[path] = " ".join(str(a) for a in args[1:]) or record.getMessage()


def rewrite_files(
    root: Path, moves: Sequence[tuple[str, str]], tasks: Sequence[FileTask]
) -> tuple[FileResult, ...]:
    """The files renamed by Bowler, in memory; nothing under root is written."""
    query_class = _query()
    handler = _ParseFailures()
    logger = logging.getLogger("RefactoringTool")
    logger.addHandler(handler)
    results: list[FileResult] = []
    try:
        with tempfile.TemporaryDirectory(prefix="unshim-bowler-") as scratch:
            copies: dict[str, Path] = {}
            for task in tasks:
                copy = Path(scratch) / task.path
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes((root / task.path).read_bytes())
                copies[task.path] = copy
            if copies:
                query = query_class([str(p) for p in copies.values()])
                for old, new in moves:
                    query = query.select_module(old).rename(new)
                query.execute(interactive=False, write=True, silent=True, in_process=True)
            for task in tasks:
                before = (root / task.path).read_bytes()
                copy = copies[task.path]
                if str(copy) in handler.failures:
                    reason = f"Bowler cannot parse it ({handler.failures[str(copy)]})"
                    results.append(Failed(task.path, before, reason))
                    continue
                after = copy.read_bytes()
                if after != before:
                    edits = _edits(task.path, before, after)
                    results.append(Rewritten(task.path, before, after, edits))
                else:
                    results.append(Unchanged(task.path, before))
    finally:
        logger.removeHandler(handler)
    return tuple(results)


def _edits(path: str, before: bytes, after: bytes) -> tuple[ImportEdit, ...]:
    """Bowler reports no statements: the changed lines stand for them."""
    old = before.decode("utf-8", errors="replace").splitlines()
    new = after.decode("utf-8", errors="replace").splitlines()
    edits: list[ImportEdit] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            edits.append(
                ImportEdit(
                    Location(path, i1 + 1),
                    "\n".join(old[i1:i2]).strip(),
                    "\n".join(new[j1:j2]).strip(),
                )
            )
    return tuple(edits)
