"""The deletion proof: what blocks deleting a package, and which files deleting it takes.

No import statement outside the package may reach it (any form, including `from parent import
name` in a parent `__init__`), no string in code may name it (`importlib.import_module`,
`__import__`, `mock.patch`, dotted settings), no configuration or build manifest may name its
module path or file path, and no file unshim could not analyze may mention it. Prose and
comments never block; they are listed so a reviewer can update them.

Only the package's `.py` and `.pyi` files and its markers (`py.typed`) go, then the folders
they leave empty. Any other file inside the package keeps the whole package, and `staying_file`
says which: deleting the Python files of a folder that stays would leave a broken package.
Everything here reads the index and, for unanalyzed files and configuration, the tree; nothing
writes (that is `codemods.delete.removal`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TypeVar

from unshim.codemods.analyze.attributes import FileUses
from unshim.codemods.analyze.graph import ImportRef, all_refs
from unshim.codemods.analyze.references import (
    Reference,
    attribute_references_each,
    blocking_reason,
    code_references,
    listing_call,
    names_module,
    path_pattern,
    reaches_below,
    text_references,
)
from unshim.codemods.delete.own_names import (
    adds_folder,
    names_reaching,
    namespace_names,
    own_name_imports,
    pth_adds,
    script_folders,
)
from unshim.codemods.delete.siblings import sibling_lines
from unshim.codemods.names import prefixes, within
from unshim.codemods.outcome import Kept, Location
from unshim.codemods.scan.index import Index, NotAnalyzed
from unshim.codemods.scan.templates import COMPUTED, MIDDLE, SUFFIX

PYTHON_SUFFIXES = (".py", ".pyi")
# Files that only describe the package they are in (PEP 561): they go when it goes.
MARKER_NAMES = frozenset({"py.typed"})
# How codemods.index words the reason for a file that does not parse.
UNPARSEABLE = ("syntax error", "cannot be decoded", "source contains")


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
    return Evidence(index).blockers(package, frozenset({package}))


def provable(evidence: Evidence, packages: Sequence[str]) -> tuple[set[str], list[Kept]]:
    """Which of `packages` nothing outside the deleted ones names, and every reason the others
    stay. Packages asked for together may name each other."""
    index = evidence.index
    kept: list[Kept] = []
    going: set[str] = set()
    for package in dict.fromkeys(packages):
        if index.is_module(package):
            going.add(package)
        else:
            kept.append(Kept(package, "is not a module or package of the analyzed tree"))
    evidence.prefetch(sorted(going))
    # Keeping one package turns its references into blockers of the others: repeat until stable.
    while True:
        blocked = {p: evidence.blockers(p, frozenset(going)) for p in sorted(going)}
        stuck = [p for p, why in blocked.items() if why]
        if not stuck:
            break
        for package in stuck:
            going.discard(package)
            kept.extend(blocked[package])
    return going, kept


def package_folders(index: Index, package: str) -> tuple[str, ...]:
    """The folders `package` lives in (several for a namespace package spread over source
    roots); none for a module such as `pkg/old.py`."""
    folders = set()
    for info in index.below(package):
        depth = info.name.count(".") - package.count(".")
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
    # A package's own markers (`py.typed`) go with it; any other file keeps it.
    markers = {path for path in files if PurePosixPath(path).name in MARKER_NAMES}
    going = tuple(sorted({*going, *markers}))
    staying = tuple(sorted(set(files) - set(going)))
    occupied = {str(parent) for path in staying for parent in PurePosixPath(path).parents}
    candidates = {*tops, *folders, *(str(p) for path in going for p in PurePosixPath(path).parents)}
    empty = [
        folder
        for folder in candidates
        if any(_in_folder(folder, top) for top in tops) and folder not in occupied
    ]
    return FilePlan(going, tuple(sorted(empty, key=lambda f: (-f.count("/"), f))), staying)


Targeted = TypeVar("Targeted", ImportRef, Reference)


def _within_each(found: Sequence[Targeted]) -> dict[str, list[Targeted]]:
    """For each module, the items whose target is it or lies below it, in their order."""
    table: dict[str, list[Targeted]] = {}
    for item in found:
        for module in prefixes(item.target):
            table.setdefault(module, []).append(item)
    return table


def _by_target(found: Sequence[Targeted]) -> dict[str, list[tuple[int, Targeted]]]:
    """For each target, (position, item) of the items naming exactly it: items of several
    targets are merged back into their order by position."""
    table: dict[str, list[tuple[int, Targeted]]] = {}
    for position, item in enumerate(found):
        table.setdefault(item.target, []).append((position, item))
    return table


def _by_first(
    index: Index, imports: Sequence[ImportRef]
) -> dict[str, list[tuple[str, int, str, str]]]:
    """(path, line, the dotted name, "import" or "string") of every import and dotted string
    in code, by the name's first part, in the order of the files."""
    table: dict[str, list[tuple[str, int, str, str]]] = {}
    for ref in imports:
        table.setdefault(ref.target.split(".")[0], []).append(
            (ref.path, ref.line, ref.target, "import")
        )
    for info in (*index.modules.values(), *index.stubs.values()):
        for string in info.facts.strings:
            if "." in string.value:
                entry = (info.path, string.line, string.value, "string")
                table.setdefault(string.value.split(".")[0], []).append(entry)
    return table


class Evidence:
    """Every reference in the tree, read once, to answer for several packages."""

    def __init__(
        self,
        index: Index,
        imports: Sequence[ImportRef] | None = None,
        code: Sequence[Reference] | None = None,
    ) -> None:
        """`imports` and `code`: the index's `all_refs` and `code_references`, when the
        caller has them already (the analysis does)."""
        self.index = index
        self.module_of = {i.path: n for t in (index.modules, index.stubs) for n, i in t.items()}
        self.imports = list(imports) if imports is not None else list(all_refs(index))
        self.code = list(code) if code is not None else code_references(index)
        self.text: dict[str, list[Reference]] = {}
        self.folders: dict[str, tuple[str, ...]] = {}
        self.path_touchers: list[tuple[str, str]] | None = None  # files that touch sys.path
        self.read: dict[str, FileUses | None] = {}  # files read for attribute uses
        self.by_folder: dict[str, list[tuple[str, str, str]]] | None = None  # (path, module, text)
        # The imports and code references whose target is each module or lies below it, in
        # their order: a package's blockers without a walk of every reference.
        self.imports_within = _within_each(self.imports)
        self.code_within = _within_each(self.code)
        self.code_of = _by_target(self.code)
        # Every import and dotted string by its first part, for the names a module has when
        # a namespace package's folder is on sys.path (`own_names.namespace_names`).
        self.by_first = _by_first(index, self.imports)
        self._positions: dict[int, int] | None = None
        self.scripts = script_folders(index)

    def _position(self, ref: ImportRef) -> int:
        """Where the import is in `imports`: what the order of blockers follows."""
        if self._positions is None:
            self._positions = {id(r): at for at, r in enumerate(self.imports)}
        return self._positions[id(ref)]

    def _folders(self, package: str) -> tuple[str, ...]:
        if package not in self.folders:
            self.folders[package] = package_folders(self.index, package)
        return self.folders[package]

    def _added_by(self, folder: str) -> str | None:
        """A file of the tree that may add `folder` to `sys.path`, or None: Python code that
        touches `sys.path`, or a `.pth` file (site adds its lines when it is installed)."""
        if self.path_touchers is None:
            self.path_touchers = []
            pth = [p for p in self.index.tree.configs if p.endswith(".pth")]
            for path in (*(s.path for s in self.index.tree.sources), *pth):
                try:
                    data = (self.index.root / path).read_bytes()
                except OSError:
                    continue
                if b"sys.path" in data or path.endswith(".pth"):
                    text = data.decode("utf-8", errors="replace")
                    self.path_touchers.append((path, text))
        return next(
            (
                p
                for p, t in self.path_touchers
                if (pth_adds(folder, p, t) if p.endswith(".pth") else adds_folder(folder, p, t))
            ),
            None,
        )

    def _places(self, package: str) -> tuple[str, ...]:
        """Where `package` lives: its folders, or a module's path without its suffix."""
        info = self.index.modules.get(package) or self.index.stubs.get(package)
        if self._folders(package) or info is None:
            return self._folders(package)
        return (str(PurePosixPath(info.path).with_suffix("")),)

    def _siblings(self, package: str) -> Iterator[tuple[str, str, int, str]]:
        """(path, module, line, text): modules beside `package` (in the folder that holds it)
        that build its path from their own `__file__`."""
        if self.by_folder is None:
            self.by_folder = {}
            for table in (self.index.modules, self.index.stubs):
                for name, info in table.items():
                    if "__file__" in info.text:
                        folder = str(PurePosixPath(info.path).parent)
                        self.by_folder.setdefault(folder, []).append((info.path, name, info.text))
        for place in self._places(package):
            where = PurePosixPath(place)
            for path, module, text in self.by_folder.get(str(where.parent), ()):
                for line, found in sibling_lines(where.name, text):
                    yield path, module, line, found

    def _places_under(self, package: str) -> list[tuple[str, str]]:
        """(module, where it lives) for `package` and every module below it."""
        places = [(package, place) for place in self._places(package)]
        for info in self.index.below(package):
            if info.name != package:
                path = PurePosixPath(info.path)
                place = path.parent if info.source.is_package else path.with_suffix("")
                places.append((info.name, str(place)))
        return list(dict.fromkeys(places))

    def prefetch(self, packages: Iterable[str]) -> None:
        """Read the configuration, prose and comments naming any of `packages` in one pass
        over the files (a pass per package costs as many reads of the tree)."""
        todo = [p for p in dict.fromkeys(packages) if p not in self.text]
        named: dict[str, list[Reference]] = {p: [] for p in todo}
        for reference in text_references(self.index, todo):
            named[reference.target].append(reference)
        attributes = attribute_references_each(self.index, todo, self.read)
        for package in todo:
            self.text[package] = [*named[package], *attributes[package]]

    def _texts(self, package: str) -> list[Reference]:
        """Configuration, prose, comments and uses as an attribute naming the package."""
        self.prefetch([package])
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

        for ref in self.imports_within.get(package, ()):
            if not self.owned(ref.path, going):
                block(f"imported by {ref.importer}", Location(ref.path, ref.line))
        for ref, name, folder, adder, module in own_name_imports(
            self.index,
            self._places_under(package),
            self.imports_within,
            self._position,
            self._added_by,
        ):
            if not self.owned(ref.path, going):
                reason = (
                    f"{ref.importer} imports {name} by that name, and with {folder}/ on sys.path "
                    f"(as {adder} may put it there) that is {module}: unshim cannot prove it "
                    "is another module"
                )
                block(reason, Location(ref.path, ref.line))
        for name, namespace in namespace_names(self.index, package, self.scripts):
            folder = ", ".join(f"{f}/" for f in self._folders(namespace)) or f"{namespace}/"
            for path, line, value, what in self.by_first.get(name.split(".")[0], ()):
                reaches = within(value, name) if what == "string" else names_reaching(name, value)
                if reaches and not self.owned(path, going):
                    reason = (
                        f"{self.module_of.get(path, path)} names {value} ({what}), which with "
                        f"{folder} on sys.path (as a script or test runner there puts it) is "
                        f"{package}: unshim cannot prove it is another module"
                    )
                    block(reason, Location(path, line))
        for path, module, line, text in self._siblings(package):
            if not self.owned(path, going):
                reason = (
                    f"{module} builds the path of {package} from its own __file__ ({text}): "
                    "unshim cannot prove nothing loads it from there"
                )
                block(reason, Location(path, line))
        star = _star_export(self.index, package)
        if star is not None and not self.owned(star.path, going):
            parent = package.rpartition(".")[0]
            block(f"listed in {parent}.__all__: `from {parent} import *` imports it", star)
        for reference in (*self.code_within.get(package, ()), *self._texts(package)):
            where = reference.location
            if (
                reference.blocks_deletion
                and within(reference.target, package)
                and not self.owned(where.path, going)
            ):
                block(blocking_reason(reference, self.module_of.get(where.path, where.path)), where)
        above = prefixes(package)[:-1]
        for _, reference in sorted(e for a in above for e in self.code_of.get(a, ())):
            where = reference.location
            if not self.owned(where.path, going) and reaches_below(self.index, reference):
                reason = (
                    f"{reference.target} is loaded by name ({reference.text!r}), so modules "
                    f"under it, {package} among them, may be imported by computed names"
                )
                if reference.kind in (COMPUTED, MIDDLE):
                    reason = blocking_reason(reference, self.module_of.get(where.path, ""))
                elif reference.kind == SUFFIX:
                    reason = (
                        f"{reference.target} is named by the module name template "
                        f"{reference.text!r} in {self.module_of.get(where.path, where.path)}, "
                        f"which also lists packages ({listing_call(self.index, reference)}): "
                        f"modules under it, {package} among them, may be imported by computed "
                        "names"
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
        return tuple(sorted(found.values(), key=kept_order))

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


def staying_file(package: str, path: str) -> Kept:
    """Why `package` stays: `path`, inside it, is not one of its own Python or marker files.
    A folder that stays keeps all its files, so nothing of the package is deleted."""
    python = path.endswith(PYTHON_SUFFIXES)
    what = "a Python file unshim did not analyze" if python else "not a Python file"
    reason = (
        f"stays: it holds {path}, {what}; unshim does not delete what it did not analyze, so "
        "the package and all its files stay (move or delete that file first)"
    )
    return Kept(package, reason, Location(path, 0))


def kept_order(kept: Kept) -> tuple[str, Location, str]:
    return kept.subject, kept.location or Location("", 0), kept.reason


def _in_folder(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + "/")
