"""The bot's credentials, out of reach of every process the bot starts.

A variable in a process's environment is readable for as long as the process lives, by anyone
who may read `/proc/<pid>/environ`: the target's verification commands run as the same user
as unshim, and so would a daemon they leave behind. Removing the token from the environment
passed to those commands is not enough. So on Linux the program, before doing anything,
re-executes itself with an environment that holds no credential, and hands the credentials to
its new image through an inherited pipe that it reads once and closes. The values then live
only in this module, and reach git through the environment of the one command that pushes.
The process also marks itself not dumpable, so that its memory and its `/proc` files are not
open to the processes it starts.

Elsewhere (no `/proc`, no exec of the same interpreter), the environment stays as it is and
the commands get it without credentials, as before.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping

from unshim.codemods.credentials import is_credential

FD_VARIABLE = "UNSHIM_CREDENTIALS_FD"
_PR_SET_DUMPABLE = 4

_held: dict[str, str] = {}


def hide() -> None:
    """Re-execute the program without credentials in its environment, handing them on through
    a pipe; in the re-executed program, take them from the pipe. Called first thing by the
    command line, never by a caller's test."""
    if FD_VARIABLE in os.environ:
        _receive(os.environ.pop(FD_VARIABLE))
        _not_dumpable()
        return
    secret = {name: value for name, value in os.environ.items() if is_credential(name)}
    if not secret or not sys.platform.startswith("linux") or not sys.orig_argv:
        return
    payload = json.dumps(secret).encode()
    read, write = os.pipe()
    if len(payload) >= 65536:  # more than a pipe holds before a reader: keep it as it is
        os.close(read)
        os.close(write)
        return
    os.write(write, payload)
    os.close(write)
    os.set_inheritable(read, True)
    environ = {name: value for name, value in os.environ.items() if name not in secret}
    environ[FD_VARIABLE] = str(read)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(sys.executable, sys.orig_argv, environ)
    except OSError:  # the interpreter cannot be started again: go on as before
        os.close(read)


def _receive(fd: str) -> None:
    try:
        descriptor = int(fd)
        chunks = []
        while chunk := os.read(descriptor, 65536):
            chunks.append(chunk)
        os.close(descriptor)
        received = json.loads(b"".join(chunks) or b"{}")
    except (ValueError, OSError):
        return
    if isinstance(received, dict):
        _held.update({str(k): str(v) for k, v in received.items()})


def _not_dumpable() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl here
        pass


def environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment the bot itself reads its settings and token from: the process's, with
    the credentials it was started with."""
    return {**(os.environ if environ is None else environ), **_held}
