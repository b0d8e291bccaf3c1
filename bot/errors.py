"""Whole-run failures and the exit codes they map to.

Per-file problems are values in the stage results, never exceptions; only a failure that ends
the whole run is raised, and the CLI turns it into one line on stderr and an exit code.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_REFUSED = 1  # unshim refused part of the job, or a check failed
EXIT_USAGE = 2  # bad arguments, bad configuration, bad path
EXIT_INTERNAL = 3  # a bug in unshim
EXIT_INTERRUPTED = 130


class UnshimError(Exception):
    """A failure that ends the run; `str()` is the one-line message shown to the user."""

    exit_code = EXIT_INTERNAL


class UsageError(UnshimError):
    """The command line, the configuration or the target tree is not usable as given."""

    exit_code = EXIT_USAGE


class RefusedError(UnshimError):
    """unshim would not do what was asked, for a reason the user can act on."""

    exit_code = EXIT_REFUSED
