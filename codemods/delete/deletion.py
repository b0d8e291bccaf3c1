"""The delete stage: remove a package only with proof that nothing outside it still names it.

`prove_and_delete` is what `unshim apply --delete DOTTED.PKG` runs: build the index of the tree
as it is after the rewrite, call `prove_and_delete(index, [package])`, and exit 1 when
`result.kept` is not empty, else 0. `--delete` therefore requires the package to be DEAD (no
importers, see `codemods.inventory`), which is exactly what is proved here: no import statement
outside the package reaches it (any form, including `from parent import name` in a parent
`__init__`), no string in code names it (`importlib.import_module`, `__import__`, `mock.patch`,
dotted settings), no configuration or build manifest names its module path or file path, and no
file unshim could not analyze mentions it. Prose and comments never block; they are listed so a
reviewer can update them.

Only the package's `.py` and `.pyi` files are deleted, then the folders they leave empty with
their `__pycache__`. Anything else inside the package stays and is reported as kept: unshim does
not delete what it did not analyze.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from codemods.analyze.graph import all_refs, within
from codemods.analyze.references import (
    Reference,
    attribute_references,
    blocking_reason,
    code_references,
    names_module,
    path_pattern,
    reaches_below,
    text_references,
)
from codemods.outcome import Kept, Location
from codemods.scan.build import build_index
from codemods.scan.index import Index, NotAnalyzed

PYCACHE = "__pycache__"
PYTHON_SUFFIXES = (".py", ".pyi")
# How codemods.index words the reason for a file that does not parse.
UNPARSEABLE = ("syntax error", "cannot be decoded", "source contains")


@dataclass(frozen=True)
class DeletionResult:
    deleted_files: tuple[str, ...]  # POSIX paths relative to root, sorted
    kept: tuple[Kept, ...]  # each blocking reference (subject: the package), each file kept
    mentions: tuple[Location, ...]  # prose and comments naming a removed module; never block

    @property
    def refused(self) -> bool:
        """Something asked for was not deleted: `--delete` exits 1."""
        return bool(self.kept)


@dataclass(frozen=True)
class FilePlan:
    """What deleting one package does to the disk."""

    files: tuple[str, ...]  # the package's .py and .pyi files
    folders: tuple[str, ...]  # folders left empty, deepest first; their __pycache__ goes too
    staying: tuple[str, ...]  # files inside the package that are not deleted


def blocking_references(index: Index, package: str) -> tuple[Kept, ...]:
    """Why `package` (a dotted package or module) cannot be deleted from the tree `index`
    describes: one `Kept` per reference from outside it; empty when deleting it breaks nothing
    unshim can see. Reads configuration and unanalyzed files; writes nothing."""
    return _Evidence(index).blockers(package, frozenset({package}))


def prove_and_delete(
    index: Index, packages: Sequence[str], *, dry_run: bool = False
) -> DeletionResult:
    """Delete each of `packages` that nothing outside the deleted ones names; keep the others,
    with every reference that blocks them. Packages asked for together may name each other.
    With `dry_run` nothing is deleted and the result says what would be."""
    evidence = _Evidence(index)
    kept: list[Kept] = []
    going: set[str] = set()
    for package in dict.fromkeys(packages):
        if index.is_module(package):
            going.add(package)
        else:
            kept.append(Kept(package, "is not a module or package of the analyzed tree"))
    # Keeping one package turns its references into blockers of the others: repeat until stable.
    while True:
        blocked = {p: evidence.blockers(p, frozenset(going)) for p in sorted(going)}
        stuck = [p for p, why in blocked.items() if why]
        if not stuck:
            break
        for package in stuck:
            going.discard(package)
            kept.extend(blocked[package])
    deleted: list[str] = []
    mentions: set[Location] = set()
    for package in sorted(p for p in going if not any(p != q and within(p, q) for q in going)):
        plan = plan_files(index, package, *_listing(index.root, package_folders(index, package)))
        kept.extend(_kept_file(path) for path in plan.staying)
        mentions.update(evidence.mentions(package, frozenset(going)))
        if dry_run:
            deleted.extend(plan.files)
        else:
            removed, failed = _delete(index.root, plan)
            deleted.extend(removed)
            kept.extend(failed)
    blocking = {k.location for k in kept}
    return DeletionResult(
        tuple(sorted(set(deleted))),
        tuple(sorted(dict.fromkeys(kept), key=_kept_order)),
        tuple(sorted(mentions - blocking)),
    )


def delete_dead(
    root: Path,
    package: str,
    source_roots: tuple[str, ...] = (".",),
    exclude: tuple[str, ...] = (),
    *,
    dry_run: bool = False,
) -> DeletionResult:
    """`unshim apply --delete PACKAGE` on the tree as it is on disk. Raises `TreeError` when
    there is nothing to analyze."""
    return prove_and_delete(build_index(root, source_roots, exclude), [package], dry_run=dry_run)


def package_folders(index: Index, package: str) -> tuple[str, ...]:
    """The folders `package` lives in (several for a namespace package spread over source
    roots); none for a module such as `pkg/old.py`."""
    folders = set()
    for table in (index.modules, index.stubs):
        for name, info in table.items():
            if not within(name, package):
                continue
            depth = name.count(".") - package.count(".")
            folder = PurePosixPath(info.path).parent
            for _ in range(depth if info.source.is_package else depth - 1):
                folder = folder.parent
            if depth or info.source.is_package:
                folders.add(str(folder))
    return tuple(sorted(folders - {"."}))


def plan_files(
    index: Index, package: str, files: Iterable[str] = (), folders: Iterable[str] = ()
) -> FilePlan:
    """Pure: given every file and folder under the package's folders (root-relative, without
    `__pycache__` contents), what deleting the package removes and what stays."""
    going = tuple(index.files_under(package))
    tops = package_folders(index, package)
    if not tops:
        return FilePlan(going, (), ())  # a single module: its own files, nothing else
    staying = tuple(sorted(set(files) - set(going)))
    occupied = {str(parent) for path in staying for parent in PurePosixPath(path).parents}
    candidates = {*tops, *folders, *(str(p) for path in going for p in PurePosixPath(path).parents)}
    empty = [
        folder
        for folder in candidates
        if any(_in_folder(folder, top) for top in tops) and folder not in occupied
    ]
    return FilePlan(going, tuple(sorted(empty, key=lambda f: (-f.count("/"), f))), staying)


class _Evidence:
    """Every reference in the tree, read once, to answer for several packages."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.module_of = {i.path: n for t in (index.modules, index.stubs) for n, i in t.items()}
        self.imports = list(all_refs(index))
        self.code = code_references(index)
        self.text: dict[str, list[Reference]] = {}
        self.folders: dict[str, tuple[str, ...]] = {}

    def _folders(self, package: str) -> tuple[str, ...]:
        if package not in self.folders:
            self.folders[package] = package_folders(self.index, package)
        return self.folders[package]

    def _texts(self, package: str) -> list[Reference]:
        """Configuration, prose, comments and uses as an attribute naming the package."""
        if package not in self.text:
            self.text[package] = [
                *text_references(self.index, [package]),
                *attribute_references(self.index, [package]),
            ]
        return self.text[package]

    def owned(self, path: str, packages: Iterable[str]) -> bool:
        """`path` belongs to one of `packages`: what it says goes away with them."""
        module = self.module_of.get(path)
        if module is not None:
            return any(within(module, p) for p in packages)
        stem = str(PurePosixPath(path).with_suffix(""))
        return any(
            any(_in_folder(path, folder) for folder in self._folders(p))
            or self.module_of.get(stem + ".py") == p
            or self.module_of.get(stem + ".pyi") == p
            for p in packages
        )

    def blockers(self, package: str, going: frozenset[str]) -> tuple[Kept, ...]:
        found: dict[Location, Kept] = {}

        def block(reason: str, location: Location) -> None:
            found.setdefault(location, Kept(package, reason, location))

        for ref in self.imports:
            if within(ref.target, package) and not self.owned(ref.path, going):
                block(f"imported by {ref.importer}", Location(ref.path, ref.line))
        star = _star_export(self.index, package)
        if star is not None and not self.owned(star.path, going):
            parent = package.rpartition(".")[0]
            block(f"listed in {parent}.__all__: `from {parent} import *` imports it", star)
        for reference in (*self.code, *self._texts(package)):
            where = reference.location
            if (
                reference.blocks_deletion
                and within(reference.target, package)
                and not self.owned(where.path, going)
            ):
                block(blocking_reason(reference, self.module_of.get(where.path, where.path)), where)
        for reference in self.code:
            where = reference.location
            if (
                reference.target != package
                and within(package, reference.target)
                and not self.owned(where.path, going)
                and reaches_below(self.index, reference)
            ):
                reason = (
                    f"{reference.target} is loaded by name ({reference.text!r}), so modules "
                    f"under it, {package} among them, may be imported by computed names"
                )
                block(reason, where)
        for problem in self.index.not_analyzed:
            if self.owned(problem.path, [package]):
                reason = f"contains {problem.path}, which unshim did not analyze ({problem.reason})"
                block(reason, Location(problem.path, 0))
            elif not self.owned(problem.path, going):
                line = self._mention(problem.path, package)
                if line:
                    reason = f"{_unanalyzed(problem)} and mentions {package}"
                    block(reason, Location(problem.path, line))
        return tuple(sorted(found.values(), key=_kept_order))

    def mentions(self, package: str, going: frozenset[str]) -> set[Location]:
        return {
            r.location
            for r in self._texts(package)
            if not r.blocks_deletion and not self.owned(r.location.path, going)
        }

    def _mention(self, path: str, package: str) -> int:
        """The first line of an unanalyzed file that may import `package`, or 0. Without a parse
        a relative import (`from . import shim`) is only a word, so near the package the last
        component counts too."""
        info = self.index.modules.get(package) or self.index.stubs.get(package)
        places = [*self._folders(package)] or ([info.path.rsplit(".", 1)[0]] if info else [])
        patterns = [path_pattern(place) for place in places]
        parent = str(PurePosixPath(places[0]).parent) if places else "."
        if "." not in package or parent == "." or _in_folder(path, parent):
            patterns.append(re.compile(rf"(?<!\w){re.escape(package.split('.')[-1])}(?!\w)"))
        try:
            text = (self.index.root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return 0
        for number, line in enumerate(text.splitlines(), 1):
            if names_module(line, package) or any(p.search(line) for p in patterns):
                return number
        return 0


def _star_export(index: Index, package: str) -> Location | None:
    """Where the parent package lists `package` in a literal `__all__`: a star import of the
    parent imports the submodule, and fails once it is gone."""
    parent, _, name = package.rpartition(".")
    body = index.body(parent) if parent else None
    if body is None or name not in (body.all_names or ()):
        return None
    line = next((s.line for s in body.statements if s.kind == "all"), 0)
    info = index.load(parent, stubs=False)
    return Location(info.path, line) if info is not None else None


def _unanalyzed(problem: NotAnalyzed) -> str:
    if problem.reason.startswith(UNPARSEABLE):
        return "does not parse"
    return f"was not analyzed ({problem.reason})"


def _kept_file(path: str) -> Kept:
    python = path.endswith(PYTHON_SUFFIXES)
    what = "a Python file unshim did not analyze" if python else "not a Python file"
    reason = f"is {what}: unshim does not delete what it did not analyze, so its folder stays"
    return Kept(path, reason, Location(path, 0))


def _kept_order(kept: Kept) -> tuple[str, Location, str]:
    return kept.subject, kept.location or Location("", 0), kept.reason


def _in_folder(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + "/")


def _listing(root: Path, tops: Iterable[str]) -> tuple[list[str], list[str]]:
    """Files and folders under the package's folders, as they are on disk. `__pycache__` is
    left out (it goes with its folder); a symbolic link is a file here, never followed."""
    files: list[str] = []
    folders: list[str] = []
    for top in tops:
        for directory, dirnames, filenames in os.walk(root / top):
            here = Path(directory).relative_to(root).as_posix()
            folders.append(here)
            for name in list(dirnames):
                if name == PYCACHE or (Path(directory) / name).is_symlink():
                    dirnames.remove(name)
                    if name != PYCACHE:
                        filenames.append(name)
            files.extend(f"{here}/{name}" for name in filenames)
    return files, folders


def _delete(root: Path, plan: FilePlan) -> tuple[list[str], list[Kept]]:
    """The only writes of this stage. A file or folder that cannot be removed is a value."""
    removed: list[str] = []
    failed: list[Kept] = []
    for path in plan.files:
        try:
            (root / path).unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            failed.append(Kept(path, f"could not be deleted: {exc.strerror}", Location(path, 0)))
            continue
        removed.append(path)
    for folder in plan.folders:
        cache = root / folder / PYCACHE
        try:
            if cache.is_dir() and not cache.is_symlink():
                shutil.rmtree(cache)
            (root / folder).rmdir()
        except FileNotFoundError:
            continue
        except OSError as exc:
            reason = f"could not be removed: {exc.strerror}"
            failed.append(Kept(folder, reason, Location(folder, 0)))
    return removed, failed
