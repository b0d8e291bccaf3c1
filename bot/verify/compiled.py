"""What `python -m compileall -q` said about each file, and what it would say about a tree that
differs from one it ran on only in some files. Pure: `bot.verify.run` runs compileall on the
tree before the change and on the files the change touched, and composes the run after here.

compileall prints, for a file that does not compile, a block on standard output that starts
with `*** Error compiling 'PATH'...`; a warning goes to standard error as `PATH:LINE:
SomethingWarning: ...` followed by the indented source line. Standard output reaches the pipe
in one piece at the end (a pipe is block-buffered) and standard error line by line, so the
warnings come before the errors.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from unshim.bot.verify.checks import Run

_ERROR = re.compile(r"^\*\*\* Error compiling '(.+)'\.\.\.$")
_WARNING = re.compile(r"^(.+?):\d+: \w*Warning: ")


@dataclass(frozen=True)
class Said:
    """compileall's output split by file: each file's warning lines and error block, in the
    order it printed them. None when a line cannot be put to a file (then the output of
    another tree cannot be composed from it)."""

    warnings: tuple[tuple[str, tuple[str, ...]], ...]
    errors: tuple[tuple[str, tuple[str, ...]], ...]


def said(output: str) -> Said | None:
    warnings: list[tuple[str, list[str]]] = []
    errors: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    in_error = False
    for line in output.splitlines():
        error, warning = _ERROR.match(line), _WARNING.match(line)
        if error:
            errors.append((error.group(1), [line]))
            current, in_error = errors[-1][1], True
        elif warning:
            warnings.append((warning.group(1), [line]))
            current, in_error = warnings[-1][1], False
        elif current is not None and (in_error or not line or line[0].isspace()):
            # An error block's traceback and message, or a warning's source line.
            current.append(line)
        else:
            return None
    return Said(
        tuple((path, tuple(lines)) for path, lines in warnings),
        tuple((path, tuple(lines)) for path, lines in errors),
    )


def recompiled(
    files: Sequence[str], before: Collection[str], touched: Collection[str]
) -> list[str]:
    """The files of the tree after that compileall must see again: those the change touched and
    those the tree before did not have. Every other one is the same file, compiled already."""
    return [f for f in files if f in touched or f not in before]


def composed(
    before: Said,
    after: Run,
    after_said: Said,
    redone: Collection[str],
    files: Sequence[str],
    tail_lines: int,
) -> Run:
    """The run compileall would make over `files` (the tree after): the output of the files in
    `redone` from `after` (a run over those alone), of every other file from the run before. A
    file that failed before and was not touched still fails."""
    kept = set(files) - set(redone)
    warnings = [u for u in before.warnings if u[0] in kept] + list(after_said.warnings)
    errors = [u for u in before.errors if u[0] in kept] + list(after_said.errors)
    order = {path: position for position, path in enumerate(files)}
    lines = [
        line
        for units in (warnings, errors)
        for _, unit in sorted(units, key=lambda u: order.get(u[0], len(order)))
        for line in unit
    ]
    failed = any(path in kept for path, _ in before.errors)
    exit_code = 1 if failed and after.exit_code == 0 else after.exit_code
    return replace(after, exit_code=exit_code, tail=tuple(lines[-tail_lines:]), files=len(files))


def joined(files: Sequence[str], units: Mapping[str, tuple[Sequence[str], Sequence[str]]]) -> str:
    """The output of one compileall run over `files`, from what it says about each file
    (its warning lines, its error block): the warnings first, as they reach the pipe before
    standard output does, then the errors, each in the order of `files`."""
    lines = [line for path in files for line in units.get(path, ((), ()))[0]]
    lines += [line for path in files for line in units.get(path, ((), ()))[1]]
    return "".join(line + "\n" for line in lines)
