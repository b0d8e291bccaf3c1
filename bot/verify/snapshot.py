"""The tree before the change, for `unshim verify` run on its own: git HEAD of the work tree,
exported into a temporary folder. `git` runs as a command here; GitPython stays in
bot.publish.gitrepo."""

from __future__ import annotations

import contextlib
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

GIT_TIMEOUT = 300


def _git(path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "-C", str(path), *args], capture_output=True, timeout=GIT_TIMEOUT, check=False
    )


def is_git_tree(path: Path) -> bool:
    try:
        return _git(path, "rev-parse", "--is-inside-work-tree").stdout.strip() == b"true"
    except (OSError, subprocess.SubprocessError):
        return False


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    if hasattr(tarfile, "data_filter"):
        # A link out of the tree is refused: it is not part of what is compiled or run.
        with contextlib.suppress(tarfile.FilterError):
            archive.extract(member, target, filter="data")
        return
    # Pythons without extraction filters (3.10 before 3.10.12): plain files and folders only.
    name = PurePosixPath(member.name)
    if (member.isfile() or member.isdir()) and not name.is_absolute() and ".." not in name.parts:
        archive.extract(member, target)


def export_head(path: Path, target: Path) -> bool:
    """Write the files of git HEAD at `path` into `target`; False when git cannot."""
    process = subprocess.Popen(
        ["git", "-C", str(path), "archive", "--format=tar", "HEAD"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    try:
        with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
            for member in archive:
                _extract(archive, member, target)
    except tarfile.TarError:  # nothing came out: e.g. PATH is an untracked folder
        process.kill()
        process.wait()
        return False
    return process.wait() == 0


@contextmanager
def head_tree(path: Path) -> Iterator[tuple[Path, str] | None]:
    """The files of git HEAD at `path`, exported into a temporary folder, with a label such as
    "HEAD 1a2b3c4"; None when `path` is not in a git work tree, has no commit yet, or is not
    in HEAD. `git archive` run inside a subfolder exports that subfolder only, so the export
    lines up with `path`. Files marked `export-ignore` in .gitattributes are not exported."""
    head = _git(path, "rev-parse", "--short", "HEAD") if is_git_tree(path) else None
    if head is None or head.returncode != 0:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="unshim-before-") as temporary:
        if not export_head(path, Path(temporary)):
            yield None
            return
        yield Path(temporary), f"HEAD {head.stdout.decode().strip()}"
