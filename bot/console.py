"""Where the user's terminal gets progress and messages.

Results go to stdout; progress, warnings and errors go to stderr, so machine-readable output
(`--format json`) can be piped while progress still shows.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Console:
    verbosity: int = 1  # 0 quiet, 1 normal, 2 verbose
    # Looked up when the console is made, so a redirected sys.stderr (tests, wrappers) is used.
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _progress_shown: bool = False

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
