"""What `apply` did, as plain values: the hand-off from the rewrite and delete stages to
verification and the report."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    path: str  # POSIX path relative to the repository root
    line: int  # 1-based; 0 when the whole file is meant

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class ImportEdit:
    """One import statement as it was and as it is now (`after` is empty when it was removed)."""

    location: Location
    before: str
    after: str
    # What the reader of the edit should know, e.g. an import dropped as a duplicate of one the
    # file already has: the change is right, but it is not only a re-pointing.
    notes: tuple[str, ...] = ()
    # "import", or "patch target": the string of a test's patch (`before` and `after` are the
    # literals), rewritten with the imports of the name it patches.
    kind: str = "import"


@dataclass(frozen=True)
class Kept:
    """Something unshim left alone, why, and where the reason is."""

    subject: str  # dotted module/package name, or a file path
    reason: str
    location: Location | None = None


@dataclass(frozen=True)
class Note:
    """Something a reviewer should know that blocked nothing: a side effect a rewritten import
    no longer runs, an import dropped as a duplicate."""

    subject: str  # dotted module name, or the file path
    text: str
    location: Location


@dataclass(frozen=True)
class ApplyOutcome:
    shims: tuple[str, ...]  # the shim modules/packages that were handled
    canonical: tuple[str, ...]  # the packages names now come from
    edits: tuple[ImportEdit, ...]
    changed_files: tuple[str, ...]
    deleted_files: tuple[str, ...]
    kept: tuple[Kept, ...]  # shims kept, references that blocked deletion, impure modules
    not_parsed: tuple[Kept, ...]  # files that could not be parsed (never written)
    mentions: tuple[Location, ...] = ()  # prose and comments naming a removed path; never block
    notes: tuple[Note, ...] = ()  # decided at plan time, about a shim; never block
    patch_targets: tuple[ImportEdit, ...] = ()  # patch strings rewritten (kind "patch target")

    def every_note(self) -> tuple[Note, ...]:
        """The plan's notes and those of the edits, by location."""
        found = [*self.notes]
        found += [Note(e.location.path, text, e.location) for e in self.edits for text in e.notes]
        return tuple(sorted(found, key=lambda note: (note.location, note.text)))

    @property
    def refused(self) -> bool:
        """True when unshim refused part of the job: exit 1."""
        return bool(self.kept) or any(k.reason.startswith("mentions") for k in self.not_parsed)

    @property
    def changed(self) -> bool:
        return bool(self.changed_files or self.deleted_files)
