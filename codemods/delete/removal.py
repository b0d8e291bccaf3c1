"""The delete stage's writes: remove the packages the proof lets go, and nothing else.

`prove_and_delete` is what `unshim apply --delete DOTTED.PKG` runs: build the index of the tree
as it is after the rewrite, call `prove_and_delete(index, [package])`, and exit 1 when
`result.kept` is not empty, else 0. `--delete` therefore requires the package to be DEAD (no
importers, see `codemods.analyze.inventory`), which is exactly what `codemods.delete.proof`
proves. Only the package's `.py` and `.pyi` files are deleted, then the folders they leave
empty with their `__pycache__`; this is the only module of unshim that deletes files.
`apply` proves first (a dry run) and deletes last, after its rewrites are renamed into place,
with `remove_listed`: each file only while it still holds the bytes unshim read.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from unshim.codemods.analyze.graph import ImportRef
from unshim.codemods.analyze.references import Reference
from unshim.codemods.delete.proof import (
    Evidence,
    FilePlan,
    kept_order,
    package_folders,
    plan_files,
    provable,
    staying_file,
)
from unshim.codemods.names import within
from unshim.codemods.outcome import Kept, Location
from unshim.codemods.scan.build import build_index
from unshim.codemods.scan.index import Index
from unshim.codemods.scan.sources import REFERENCE_FILES
from unshim.codemods.worktree import faults
from unshim.codemods.worktree.journal import Entry

PYCACHE = "__pycache__"


@dataclass(frozen=True)
class DeletionResult:
    deleted_files: tuple[str, ...]  # POSIX paths relative to root, sorted
    kept: tuple[Kept, ...]  # each blocking reference (subject: the package), each file kept
    mentions: tuple[Location, ...]  # prose and comments naming a removed module; never block
    deleted_folders: tuple[str, ...] = ()  # the packages' folders, removed once empty

    @property
    def refused(self) -> bool:
        """Something asked for was not deleted: `--delete` exits 1."""
        return bool(self.kept)


def prove_and_delete(
    index: Index, packages: Sequence[str], *, dry_run: bool = False
) -> DeletionResult:
    """Delete each of `packages` that nothing outside the deleted ones names; keep the others,
    with every reference that blocks them. Packages asked for together may name each other.
    With `dry_run` nothing is deleted and the result says what would be."""
    return _prove_and_delete(Evidence(index), packages, dry_run=dry_run)


@dataclass(frozen=True)
class Proof:
    """The proof `analyze` asks of each package it would call DEAD: why `apply --delete` would
    keep it (the same proof, the same listing of its folder), never deleting anything. The
    tree's references are read once for all of them (`prefetch`)."""

    evidence: Evidence

    def __call__(self, package: str) -> tuple[Kept, ...]:
        return _prove_and_delete(self.evidence, [package], dry_run=True).kept

    def prefetch(self, packages: Sequence[str]) -> None:
        self.evidence.prefetch(packages)


def proof_of(index: Index, imports: Sequence[ImportRef], code: Sequence[Reference]) -> Proof:
    """The deletion proof of the packages of `index`, one at a time (`Proof`), from the
    index's imports and code references as the analysis found them."""
    return Proof(Evidence(index, imports, code))


def _prove_and_delete(
    evidence: Evidence, packages: Sequence[str], *, dry_run: bool
) -> DeletionResult:
    index = evidence.index
    going, kept = provable(evidence, packages)
    deleted: list[str] = []
    folders: list[str] = []
    mentions: set[Location] = set()
    plans = {
        package: plan_files(index, package, *_listing(index.root, package_folders(index, package)))
        for package in going
    }
    # A package that keeps a file stays whole, and then so does what it names: prove again.
    staying = {p: plan.staying for p, plan in plans.items() if plan.staying}
    if staying:
        kept.extend(staying_file(p, path) for p, paths in staying.items() for path in paths)
        going, more = provable(evidence, sorted(going - set(staying)))
        kept.extend(more)
        going -= {p for p in going if any(within(q, p) for q in staying)}
    for package in sorted(p for p in going if not any(p != q and within(p, q) for q in going)):
        plan = plans[package]
        mentions.update(evidence.mentions(package, frozenset(going)))
        folders.extend(plan.folders)
        if dry_run:
            deleted.extend(plan.files)
        else:
            removed, failed = _delete(index.root, plan)
            deleted.extend(removed)
            kept.extend(failed)
    blocking = {k.location for k in kept}
    return DeletionResult(
        tuple(sorted(set(deleted))),
        tuple(sorted(dict.fromkeys(kept), key=kept_order)),
        tuple(sorted(mentions - blocking)),
        tuple(dict.fromkeys(folders)) if dry_run else (),
    )


def delete_dead(
    root: Path,
    package: str,
    source_roots: tuple[str, ...] = (".",),
    exclude: tuple[str, ...] = (),
    *,
    dry_run: bool = False,
    reference_files: tuple[str, ...] = REFERENCE_FILES,
) -> DeletionResult:
    """`unshim apply --delete PACKAGE` on the tree as it is on disk. Raises `TreeError` when
    there is nothing to analyze."""
    index = build_index(root, source_roots, exclude, reference_files=reference_files)
    return prove_and_delete(index, [package], dry_run=dry_run)


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


CHANGED = "changed while unshim ran; left as it is"


def remove_listed(
    root: Path, entries: Sequence[Entry], folders: Sequence[str]
) -> tuple[list[str], list[Kept]]:
    """Delete each entry's file while it holds the bytes unshim read (`entry.old`), then the
    folders left empty. Run again on the same entries, it finishes what is left."""
    failed: list[Kept] = []
    going: list[str] = []
    for entry in entries:
        try:
            now = hashlib.sha256((root / entry.path).read_bytes()).hexdigest()
        except FileNotFoundError:
            continue
        except OSError as exc:
            reason = f"could not be deleted: {exc.strerror}"
            failed.append(Kept(entry.path, reason, Location(entry.path, 0)))
            continue
        if now != entry.old:
            failed.append(Kept(entry.path, CHANGED, Location(entry.path, 0)))
            continue
        going.append(entry.path)
    done, problems = _delete(root, FilePlan(tuple(going), tuple(folders), ()))
    return done, failed + problems


def _delete(root: Path, plan: FilePlan) -> tuple[list[str], list[Kept]]:
    """The only writes of this stage. A file or folder that cannot be removed is a value."""
    removed: list[str] = []
    failed: list[Kept] = []
    for path in plan.files:
        try:
            (root / path).unlink()
            faults.step()
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
