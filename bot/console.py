"""Where the user's terminal gets progress and messages.

Results go to stdout; progress, warnings and errors go to stderr, so machine-readable output
(`--format json`) can be piped while progress still shows.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import TextIO


def process_age() -> float:
    """Seconds since this process started, as the kernel counts them (Linux): the interpreter's
    start, the imports and the re-execution without credentials (an exec keeps the process)
    included. 0.0 where the kernel does not say."""
    try:
        with open("/proc/self/stat", "rb") as stream:
            stat = stream.read()
        with open("/proc/uptime", "rb") as stream:
            uptime = float(stream.read().split()[0])
        # Field 22, the start in clock ticks after boot; counted after the parenthesized name.
        start = int(stat[stat.rindex(b")") + 2 :].split()[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0
    return max(0.0, uptime - start)


@dataclass
class Console:
    verbosity: int = 1  # 0 quiet, 1 normal, 2 verbose
    err: TextIO = field(default_factory=lambda: sys.stderr)
    # When the command started, on the `time.perf_counter` clock.
    started: float = field(default_factory=time.perf_counter)
    _progress_shown: bool = False

    def elapsed(self) -> float:
        """The command's wall time so far, the figure every "in N s" prints."""
        return time.perf_counter() - self.started

    @property
    def interactive(self) -> bool:
        return self.verbosity >= 1 and self.err.isatty()

    def progress(self, what: str, done: int, total: int) -> None:
        """A single self-overwriting line on a terminal; nothing when piped or quiet."""
        if not self.interactive:
            return
        self.err.write(f"\r{what}: {done}/{total}")
        if done >= total:
            self.err.write("\n")
        self.err.flush()
        self._progress_shown = done < total

    def info(self, message: str) -> None:
        if self.verbosity >= 1:
            self._line(message)

    def detail(self, message: str) -> None:
        if self.verbosity >= 2:
            self._line(message)

    def warn(self, message: str) -> None:
        self._line(f"warning: {message}")

    def error(self, message: str) -> None:
        self._line(f"error: {message}")

    def _line(self, message: str) -> None:
        if self._progress_shown:
            self.err.write("\n")
            self._progress_shown = False
        self.err.write(message + "\n")
        self.err.flush()
