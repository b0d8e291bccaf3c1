"""The content-addressed cache of per-file facts: what the scanner and `ast` found in a file,
and whether it compiled, so that a second run over a tree reads only what changed.

This is the only module that reads or writes the cache. An entry is keyed by the file's git
blob id (`blob_id`: SHA-1 of `blob <size>\\0` and the bytes, what `git hash-object` prints),
computed from the bytes the scan reads anyway. Hashing them costs less than asking git
(`git ls-files -s` is one more process, and for a file changed in the work tree it names the
index's blob, not the bytes on disk, so it would still need a stat or a hash per file).

Entries live under a namespace named for the code that produced them: a digest of the scan
stage's own source files (a change to the scanner is a new namespace, whatever the version
says) and the running interpreter (its `ast` and grammar). An entry says nothing about the
file's path or module: only what its bytes say.

Writes go to a temporary file in the entry's folder, then `os.replace`: a reader sees a whole
entry or none, and two runs writing the same entry write the same bytes. An entry that cannot
be read or decoded is a miss. The cache never fails a run: a folder that cannot be written is
a cache that does not keep anything (`Cache.failed` says why). The entries are JSON, never
pickle: a restored CI cache is data, not code. `prune` keeps the folder under `max_bytes`,
oldest entries going first, and removes the namespaces of other versions.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unshim.codemods.scan.facts import Alias, Body, Facts, ImportStmt, StringRef, TopStatement

ENV_DIR = "UNSHIM_CACHE_DIR"  # where the cache is when no --cache-dir says (tests set it)
FACTS = "facts"
NAMESPACES = "namespaces"  # what a module binds (`codemods.analyze.namespace_cache`)
MAX_BYTES = 256 * 1024 * 1024


def default_dir(environ: dict[str, str] | None = None) -> Path:
    """`$UNSHIM_CACHE_DIR`, else `$XDG_CACHE_HOME/unshim`, else `~/.cache/unshim`."""
    env = os.environ if environ is None else environ
    if env.get(ENV_DIR):
        return Path(env[ENV_DIR])
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "unshim"


def blob_id(data: bytes) -> str:
    """The git blob id of these bytes."""
    digest = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


def namespace() -> str:
    """The scan stage's code and the interpreter that produced an entry."""
    return _digest(Path(__file__).resolve().parent)


def analysis_namespace() -> str:
    """For the namespaces of modules: the code of the scan and analyze stages (the evaluation
    reads the scan's `ast` helpers) and of the package's shared modules, and the interpreter."""
    scan = Path(__file__).resolve().parent
    return _digest(scan, scan.parent / "analyze", scan.parent)


def _digest(*folders: Path) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{folder.name}/{path.name}".encode() + b"\0" + path.read_bytes())
    digest.update(f"{sys.implementation.cache_tag} {sys.version}".encode())
    return digest.hexdigest()[:24]


@dataclass(frozen=True)
class Entry:
    """What a file's bytes say: its facts (None: not readable as Python, `reason` says why), and
    whether it compiled (False: the scanner read it and its grammar was not checked yet)."""

    facts: Facts | None
    reason: str = ""
    compiled: bool = False


@dataclass
class Cache:
    """The entries of one namespace below `folder`: per-file facts, or with `kind`
    NAMESPACES (and `space` its `analysis_namespace`) what modules bind."""

    folder: Path
    space: str = field(default_factory=namespace)
    max_bytes: int = MAX_BYTES
    failed: str = ""  # why nothing could be written, when that happened
    written: int = 0
    kind: str = FACTS

    @property
    def here(self) -> Path:
        return self.folder / self.kind / self.space

    def _path(self, blob: str) -> Path:
        return self.here / blob[:2] / blob[2:]

    def get(self, blob: str) -> Entry | None:
        try:
            return decode_entry(self.get_value(blob))
        except (ValueError, TypeError, KeyError, IndexError):
            return None

    def put(self, blob: str, entry: Entry) -> None:
        self.put_value(blob, encode_entry(entry))

    def get_value(self, key: str) -> Any:
        """The JSON value kept under `key` (a hex digest), None when there is none or it
        cannot be read."""
        try:
            with open(self._path(key), "rb") as stream:
                return json.loads(stream.read())
        except (OSError, ValueError):
            return None

    def put_value(self, key: str, value: Any) -> None:
        if self.failed:
            return
        target = self._path(key)
        data = json.dumps(value, separators=(",", ":")).encode()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            self.failed = f"{self.folder}: {exc.strerror or exc}"
            return
        self.written += 1

    def prune(self) -> None:
        """Other namespaces removed; then the oldest entries until the rest fit `max_bytes`."""
        root = self.folder / self.kind
        try:
            spaces = list(os.scandir(root))
        except OSError:
            return
        entries: list[tuple[float, int, str]] = []
        for space in spaces:
            for directory, _, names in os.walk(space.path):
                for name in names:
                    path = os.path.join(directory, name)
                    try:
                        status = os.stat(path)
                        if space.name != self.space or name.startswith(".tmp-"):
                            # another version's entry, or a write that was interrupted (an
                            # hour is longer than any write takes)
                            if space.name != self.space or status.st_mtime < _hour_ago():
                                os.unlink(path)
                            continue
                    except OSError:
                        continue
                    entries.append((status.st_mtime, status.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            try:
                os.unlink(path)
            except OSError:
                continue
            total -= size
        for space in spaces:
            if space.name != self.space:
                _remove_empty(space.path)


def _hour_ago() -> float:
    return time.time() - 3600


def _remove_empty(top: str) -> None:
    for directory, _, _ in sorted(os.walk(top), key=lambda w: -len(w[0])):
        with contextlib.suppress(OSError):  # not empty: a run wrote there meanwhile
            os.rmdir(directory)


# --- the entries as JSON ----------------------------------------------------------------------
# Positional lists, the fields in their dataclass order: an entry is read for every file of a
# warm run, and names would double its size.


def encode_entry(entry: Entry) -> list[Any]:
    return [_facts(entry.facts) if entry.facts is not None else None, entry.reason, entry.compiled]


def decode_entry(value: list[Any]) -> Entry:
    facts, reason, compiled = value
    if not isinstance(reason, str) or not isinstance(compiled, bool):
        raise ValueError("not an entry")
    return Entry(_unfacts(facts) if facts is not None else None, reason, compiled)


def _facts(facts: Facts) -> list[Any]:
    body = facts.body
    return [
        [
            [
                i.line,
                i.end_line,
                i.is_from,
                i.module,
                i.level,
                [[a.name, a.asname] for a in i.names],
                i.in_function,
                i.in_class,
                i.type_checking,
                i.guarded,
                i.nested,
            ]
            for i in facts.imports
        ],
        [[s.line, s.value, s.kind] for s in facts.strings],
        None
        if body is None
        else [
            [[s.kind, s.line, list(s.names), s.target] for s in body.statements],
            None if body.all_names is None else list(body.all_names),
            list(body.forwards),
            [list(pair) for pair in body.table],
            list(body.defined),
        ],
    ]


def _unfacts(value: list[Any]) -> Facts:
    imports, strings, body = value
    return Facts(
        tuple(
            ImportStmt(
                line,
                end,
                is_from,
                module,
                level,
                tuple(Alias(name, asname) for name, asname in names),
                *flags,  # in_function, in_class, type_checking, guarded, nested
            )
            for line, end, is_from, module, level, names, *flags in imports
        ),
        tuple(StringRef(line, text, kind) for line, text, kind in strings),
        None if body is None else _unbody(body),
    )


def _unbody(value: list[Any]) -> Body:
    statements, all_names, forwards, table, defined = value
    return Body(
        tuple(
            TopStatement(kind, line, tuple(names), target)
            for kind, line, names, target in statements
        ),
        None if all_names is None else tuple(all_names),
        tuple(forwards),
        tuple((name, where) for name, where in table),
        tuple(defined),
    )
