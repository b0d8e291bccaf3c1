"""The tree before the change: git HEAD of the work tree, exported into a temporary folder
(`head_tree`), or, for a clean work tree that only unshim and compileall will read, linked to
the work tree's files before the change replaces them (`linked_tree`). `git` runs as a command
here; GitPython stays in bot.publish.gitrepo."""

from __future__ import annotations

import contextlib
import os
import shutil
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
    label = _head_label(path)
    if label is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="unshim-before-") as temporary:
        if not export_head(path, Path(temporary)):
            yield None
            return
        yield Path(temporary), label


def _head_label(path: Path) -> str | None:
    """The label of the work tree's commit ("HEAD 1a2b3c4"); None outside git or before one."""
    head = _git(path, "rev-parse", "--short", "HEAD") if is_git_tree(path) else None
    if head is None or head.returncode != 0:
        return None
    return f"HEAD {head.stdout.decode().strip()}"


# `git ls-files -s` modes: a file, an executable file, a symbolic link, a submodule.
_FILES = ("100644", "100755")
_LINK = "120000"
_SUBMODULE = "160000"


def _link_files(path: Path, target: Path) -> bool:
    """Hard links in `target` to every file git tracks at `path`, with the folders, symbolic
    links and (empty) submodule folders `git archive` would write; False when git cannot list
    them or a link cannot be made (another file system, say)."""
    listed = _git(path, "ls-files", "-s", "-z")
    if listed.returncode != 0:
        return False
    folders: set[Path] = set()
    for entry in listed.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not entry:
            continue
        fields, _, name = entry.partition("\t")
        mode = fields.split(" ", 1)[0]
        source, linked = path / name, target / name
        try:
            if linked.parent not in folders:
                linked.parent.mkdir(parents=True, exist_ok=True)
                folders.add(linked.parent)
            if mode in _FILES:
                os.link(source, linked)
            elif mode == _LINK:
                pointed = os.readlink(source)
                # As the export's "data" filter: a link out of the tree is not part of it.
                inside = os.path.normpath(os.path.join(os.path.dirname(name), pointed))
                if not os.path.isabs(pointed) and not inside.startswith(".."):
                    os.symlink(pointed, linked)
            elif mode == _SUBMODULE:
                linked.mkdir(exist_ok=True)
        except OSError:  # e.g. tracked but not there (not clean), or another file system
            return False
    return True


@contextmanager
def linked_tree(path: Path) -> Iterator[tuple[Path, str] | None]:
    """`head_tree` for a work tree whose tracked files are HEAD's (`unshim run` starts only
    from a clean tree), without writing a file: each file is a hard link to the work tree's,
    made before the change, in a folder of the repository's git folder (the same file system).
    The change writes each file it rewrites anew and moves it over the old one (never into it),
    so the links keep the bytes before. Nothing may write into a linked file: only unshim and
    compileall (whose bytecode goes elsewhere) read this tree, never the configured commands.
    Unlike an export, the files `export-ignore` leaves out are there, and `export-subst` ones
    are as checked out, as they are in the tree after. None where `head_tree` yields None;
    then, or where links cannot be made, the caller exports."""
    label = _head_label(path)
    folder = _git(path, "rev-parse", "--absolute-git-dir") if label is not None else None
    if label is None or folder is None or folder.returncode != 0:
        yield None
        return
    try:
        target = Path(tempfile.mkdtemp(prefix="unshim-before-", dir=folder.stdout.decode().strip()))
    except OSError:  # a git folder unshim may not write into
        yield None
        return
    try:
        yield (target, label) if _link_files(path, target) else None
    finally:
        shutil.rmtree(target, ignore_errors=True)
