"""Finding the repository's files and naming its modules.

This is the only place that lists the tree. The Python files are the ones git tracks (plus
untracked, not-ignored ones) when the tree is a git work tree, else a directory walk that skips
virtualenvs, `.git`, `node_modules` and build folders.
"""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import lru_cache
from pathlib import Path, PurePosixPath

from unshim.codemods.scan.distributions import BUILD_FILES, Distribution, distributions

SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "env",
        ".env",
        ".tox",
        ".nox",
        "node_modules",
        "build",
        "dist",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".eggs",
        "site-packages",
    }
)
PYTHON_SUFFIXES = (".py", ".pyi")
# Files whose text can name modules or file paths that a deletion must respect: the default of
# `reference-files` (`[tool.unshim]`). A glob without `/` matches a file's name in any folder,
# one with `/` the end of its path. The entry points of a built distribution are here too.
REFERENCE_FILES = (
    "tox.ini", "*.toml", "*.cfg", "*.ini", "*.yaml", "*.yml", "*.pth", "Makefile", "*.mk",
    "Dockerfile*", ".github/workflows/*", "MANIFEST.in", "meson.build",
    "*.dist-info/entry_points.txt", "*.egg-info/entry_points.txt",
)  # fmt: skip
ENTRY_POINTS = "entry_points.txt"
# setup.py is code, but its paths are configuration: read whatever the list says.
ALWAYS_REFERENCES = frozenset({"setup.py"})
PROSE_SUFFIXES = (".md", ".rst", ".txt")
MAX_FILE_BYTES = 8 * 1024 * 1024  # larger files are reported, not read


class TreeError(Exception):
    """The tree cannot be analyzed at all (missing path, nothing to analyze)."""


@dataclass(frozen=True)
class SourceFile:
    path: str  # POSIX path relative to the repository root
    module: str  # dotted module name ("pkg" for pkg/__init__.py)
    is_package: bool  # an __init__ file
    is_stub: bool  # a .pyi file


@dataclass(frozen=True)
class Tree:
    root: Path
    sources: tuple[SourceFile, ...]
    configs: tuple[str, ...]  # paths of pyproject.toml/setup.cfg/... files
    prose: tuple[str, ...]  # paths of Markdown/reST/text files
    skipped: tuple[tuple[str, str], ...]  # (path, reason) of files not analyzed at all
    distributions: tuple[Distribution, ...] = ()  # what the tree builds or ships


def list_files(root: Path) -> tuple[list[str], bool]:
    """Every file below root as POSIX relative paths, and whether git listed them."""
    try:
        listed = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return _walk(root), False
    paths = sorted({p for p in listed.decode("utf-8", "surrogateescape").split("\0") if p})
    # git lists deleted-but-unstaged files too: keep what is really there (not a link).
    base = os.fspath(root)
    return [p for p in paths if _regular(os.path.join(base, p))], True


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _walk(root: Path) -> list[str]:
    found: list[str] = []
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        eggs = sorted(d for d in dirnames if d.endswith(".egg-info"))
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIPPED_DIRS
            and not d.endswith(".egg-info")
            and not (Path(directory) / d).is_symlink()
            and not (Path(directory) / d / "pyvenv.cfg").exists()
        )
        rel = Path(directory).relative_to(root)
        # An egg-info folder is build output, but its entry points name modules of the tree.
        for egg in eggs:
            if _regular(os.path.join(directory, egg, ENTRY_POINTS)):
                found.append((rel / egg / ENTRY_POINTS).as_posix())
        for name in sorted(filenames):
            if not (Path(directory) / name).is_symlink():
                found.append((rel / name).as_posix())
    return found


@lru_cache(maxsize=16)
def _roots(source_roots: tuple[str, ...]) -> tuple[str, ...]:
    """Each source root as a prefix of the paths under it ('' for the repository root)."""
    normalized = (str(PurePosixPath(root)) for root in source_roots)
    return tuple("" if root in ("", ".") else root + "/" for root in normalized)


def module_name(path: str, source_roots: tuple[str, ...]) -> str | None:
    """The dotted module name of a Python file, from the first source root that contains it."""
    if not path.endswith(PYTHON_SUFFIXES):
        return None
    stem = path[: path.rindex(".")]
    for prefix in _roots(source_roots):
        if not stem.startswith(prefix):
            continue
        parts = stem[len(prefix) :].split("/")
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(part.isidentifier() for part in parts):
            return ".".join(parts)
        return None
    return None


def is_reference_file(path: str, globs: tuple[str, ...]) -> bool:
    """Whether the file at `path` (POSIX, root-relative) is one whose text may name a module
    as configuration: a glob without `/` matches its name, one with `/` the end of its path.
    Python files are code (their strings are read as code), except `setup.py`."""
    name = PurePosixPath(path).name
    if name in ALWAYS_REFERENCES:
        return True
    if path.endswith(PYTHON_SUFFIXES):
        return False
    return any(
        fnmatch(path, glob) or fnmatch(path, "*/" + glob) if "/" in glob else fnmatch(name, glob)
        for glob in globs
    )


def discover(
    root: Path,
    source_roots: tuple[str, ...] = (".",),
    exclude: tuple[str, ...] = (),
    reference_files: tuple[str, ...] = REFERENCE_FILES,
) -> Tree:
    """Index the files of the tree at root; raise TreeError when there is nothing to analyze.
    `reference_files`: globs of the files whose text may name a module (`REFERENCE_FILES`)."""
    if not root.exists():
        raise TreeError(f"{root}: no such directory")
    if not root.is_dir():
        raise TreeError(f"{root}: not a directory")
    paths, _ = list_files(root)
    base = os.fspath(root)
    sources: list[SourceFile] = []
    configs: list[str] = []
    prose: list[str] = []
    skipped: list[tuple[str, str]] = []
    for path in paths:
        if any(
            fnmatch(path, pattern) or path.startswith(pattern.rstrip("/") + "/")
            for pattern in exclude
        ):
            continue
        name = PurePosixPath(path).name
        if is_reference_file(path, reference_files):
            configs.append(path)
        if path.endswith(PROSE_SUFFIXES):
            prose.append(path)
        if not path.endswith(PYTHON_SUFFIXES):
            continue
        module = module_name(path, source_roots)
        if module is None:
            skipped.append((path, "not under a source root, or not a valid module name"))
            continue
        size = os.path.getsize(os.path.join(base, path))
        if size > MAX_FILE_BYTES:
            skipped.append((path, f"file too large ({size} bytes)"))
            continue
        sources.append(
            SourceFile(
                path=path,
                module=module,
                is_package=name in ("__init__.py", "__init__.pyi"),
                is_stub=path.endswith(".pyi"),
            )
        )
    if not sources:
        raise TreeError(f"{root}: no Python files to analyze")
    shipped = distributions(paths, lambda path: _build_text(root, path))
    return Tree(root, tuple(sources), tuple(configs), tuple(prose), tuple(skipped), shipped)


def _build_text(root: Path, path: str) -> str | None:
    """A build file's text, for `distributions`; None when it cannot be read."""
    pure = PurePosixPath(path)
    if pure.name not in BUILD_FILES and not (
        pure.name == "METADATA" and pure.parent.name.endswith(".dist-info")
    ):
        return None
    try:
        return (root / path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
