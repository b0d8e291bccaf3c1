"""References that are not import statements: dotted strings in code, module paths in build
configuration, and mentions in prose and comments.

Code strings and configuration block a deletion; prose and comments never do, but are listed so
a reviewer can update the docs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from unshim.codemods.analyze.attributes import FileUses, attribute_uses, attribute_uses_each
from unshim.codemods.outcome import Location
from unshim.codemods.scan.focus import IMPORT_MACHINERY
from unshim.codemods.scan.index import Index
from unshim.codemods.scan.templates import COMPUTED, MIDDLE, SUFFIX, template_refs

ENTRY_POINT = "entry point"  # a line of a built distribution's entry_points.txt
ENTRY_POINTS = "entry_points.txt"
UNSHIM_CONFIG = ".unshim.toml"  # read by bot.config, whose keys may be at its top level
DOTTED_IN_TEXT = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
WORD = re.compile(r"\w+")
FEW_WORDS = 8  # up to this many last names, text_references looks for each as a substring
BLOCKING = frozenset(
    {
        "import_module", "__import__", "mock.patch", "setattr", "sys.modules", "string",
        "config", "manifest", ENTRY_POINT, "attribute", COMPUTED, SUFFIX, MIDDLE,
    }
)  # fmt: skip
# Tests replacing what a module binds (`mock.patch`, `monkeypatch.setattr`) or the module itself
# (`patch.dict(sys.modules, ...)`).
PATCHES = frozenset({"mock.patch", "setattr", "sys.modules"})
# Calls whose first argument can only be a module name: there a single word is a module too.
MODULE_NAME_KINDS = frozenset({"import_module", "__import__"})


@dataclass(frozen=True)
class Reference:
    location: Location
    target: str  # the repository module the text names
    text: str  # the string or line as found
    # import_module|__import__|mock.patch|setattr|sys.modules|string|config|manifest|
    # entry point|attribute|prose|comment, or a template's part (`codemods.scan.templates`)
    kind: str

    @property
    def blocks_deletion(self) -> bool:
        return self.kind in BLOCKING


def named_module(index: Index, dotted: str, *, module_name: bool = False) -> str | None:
    """The repository module a dotted string names (`a.b.c:attr` or `a.b.Class` -> `a.b`), if
    any. Whole components only: `app.compatibility` does not name `app.compat`. `module_name`
    says the string can only be a module name (`import_module("app")`), so one word counts."""
    head = dotted.split(":")[0]
    parts = head.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if index.is_module(candidate):
            # A single top-level word ("os", "json") is too common to count as a reference.
            return candidate if end > 1 or ":" in dotted or module_name else None
    return None


def _absolute(relative: str, module: str, is_package: bool) -> str:
    """`import_module(".x", __package__)` read from the package of the module that holds it, the
    usual anchor; the anchor argument itself is not recorded."""
    name = relative.lstrip(".")
    parts = (module if is_package else module.rpartition(".")[0]).split(".")
    climb = len(relative) - len(name) - 1
    if climb > len(parts):
        return relative  # above the top: names nothing
    return ".".join(p for p in [*parts[: len(parts) - climb], name] if p)


def code_references(index: Index) -> list[Reference]:
    """Dotted strings in Python code that name a repository module, and templates of module
    paths: a template's constant head names the package below which it computes names, its
    constant tail every module whose name ends so (`"%s.formats"`: every `*.formats`), a
    constant middle every package whose name ends so, below which it computes names
    (`"%s.management.commands.%s"`: every `*.management.commands`)."""
    found: list[Reference] = []
    by_last: dict[str, list[str]] = {}
    # A focused index (`apply`) has not read every module: a template's tail or middle names
    # those it left unread too (the package above the module being deleted, say).
    unread = (source.module for source in index.unread)
    for name in dict.fromkeys((*index.modules, *index.stubs, *unread)):
        by_last.setdefault(name.rpartition(".")[2], []).append(name)
    for info in (*index.modules.values(), *index.stubs.values()):
        for ref in info.facts.strings:
            where = Location(info.path, ref.line)
            if ref.kind in (COMPUTED, SUFFIX, MIDDLE):
                for named in _template_targets(index, by_last, ref.value, ref.kind):
                    found.append(Reference(where, named, ref.value, ref.kind))
                continue
            certain = ref.kind in MODULE_NAME_KINDS
            value = ref.value
            if certain and value.startswith("."):
                value = _absolute(value, info.name, info.source.is_package)
            target = named_module(index, value, module_name=certain)
            if target is not None:
                found.append(Reference(where, target, ref.value, ref.kind))
    return found


def _template_targets(
    index: Index, by_last: dict[str, list[str]], template: str, kind: str
) -> list[str]:
    """The modules a template's head (COMPUTED), tail (SUFFIX) or middle (MIDDLE) names. A `+`
    at an end marks an operand of `+` (`codemods.scan.collector`)."""
    joined = template.startswith("+") or template.endswith("+")
    targets: list[str] = []
    for found_kind, part in template_refs(template.strip("+"), joined):
        if found_kind != kind:
            continue
        if kind == COMPUTED:
            # Names computed below a package that does not exist name none of ours (a logger
            # name such as "app.security.%s" is no module path).
            targets.extend([part] if index.is_module(part) else [])
        else:
            tail = "." + part
            targets.extend(n for n in by_last.get(part.rpartition(".")[2], ()) if n.endswith(tail))
    return list(dict.fromkeys(targets))


def _module_path(index: Index, module: str) -> str | None:
    info = index.modules.get(module) or index.stubs.get(module)
    if info is not None:
        path = PurePosixPath(info.path)
        return str(path.parent) if info.source.is_package else str(path.with_suffix(""))
    for name, other in index.modules.items():
        if name.startswith(module + "."):
            depth = len(name.split(".")) - len(module.split("."))
            parent = PurePosixPath(other.path).parent
            for _ in range(depth - (0 if other.source.is_package else 1)):
                parent = parent.parent
            return str(parent)
    return None


def path_pattern(path: str) -> re.Pattern[str]:
    """A file path in text, whole components only: `pkg/shim` is not `pkg/shimmer`, `pkg/shim-2`
    or `pkg/shim.txt`; a module's path also matches its own file (`pkg/old.py`, `pkg/old.pyi`)."""
    return re.compile(rf"(?<![\w./-])(?:\./)?{re.escape(path)}(?:\.pyi?)?(?![\w-])(?!\.\w)")


def names_module(line: str, target: str) -> bool:
    """Whether a line names the module `target` by its dotted name or a submodule's."""
    return _names([m.group(0) for m in DOTTED_IN_TEXT.finditer(line)], target)


def _names(spelled: list[str], target: str) -> bool:
    """Whether one of the dotted names spelled in a line is `target` or below it."""
    return any(word == target or word.startswith(target + ".") for word in spelled)


def _patterns(folder_of: str, path: str | None) -> list[re.Pattern[str]]:
    """The forms of `path` the file at `folder_of` can use: from the root, and when that file is
    in a parent folder (a nested `meson.build`'s `subdir('shim')`), relative to its folder."""
    if not path or path == ".":
        return []
    found = [path_pattern(path)]
    folder = str(PurePosixPath(folder_of).parent)
    if folder != "." and path.startswith(folder + "/"):
        found.append(path_pattern(path[len(folder) + 1 :]))
    return found


def text_references(index: Index, targets: list[str]) -> list[Reference]:
    """Configuration, manifests, prose and comments that name one of `targets` (dotted names of
    packages or modules), by dotted name or by file path: a line naming several targets is a
    reference to each, so one call over many targets finds what a call per target would."""
    if not targets:
        return []
    paths = {t: _module_path(index, t) for t in targets}
    indexed = {info.path for table in (index.modules, index.stubs) for info in table.values()}
    found: list[Reference] = []
    # Every form of a target (its dotted name, its path from anywhere) spells its last name as
    # a whole word: a line is tried only against the targets whose last name is a word of it.
    by_last: dict[str, list[int]] = {}
    always: set[int] = set()  # a last name that is not one word (not a module name) is tried
    for position, target in enumerate(targets):
        last = target.rpartition(".")[2]
        if WORD.fullmatch(last):
            by_last.setdefault(last, []).append(position)
        else:
            always.add(position)
    known: dict[tuple[str, str], list[re.Pattern[str]]] = {}

    def patterns(folder_of: str, target: str) -> list[re.Pattern[str]]:
        """The target's path forms for a file at `folder_of` (they depend on its folder)."""
        key = (str(PurePosixPath(folder_of).parent), target)
        if key not in known:
            known[key] = _patterns(folder_of, paths[target])
        return known[key]

    # Few last names: looking for each in the line is cheaper than splitting it into words.
    few = len(by_last) <= FEW_WORDS and not always
    words = list(by_last)

    def matches(line: str, folder_of: str, dotted: bool) -> list[str]:
        """Every target the line names (each is a reference of its own)."""
        if few and not any(word in line for word in words):
            return []
        positions = {p for word in WORD.findall(line) for p in by_last.get(word, ())} | always
        if not positions:
            return []
        spelled = [m.group(0) for m in DOTTED_IN_TEXT.finditer(line)] if dotted else []
        return [
            targets[p]
            for p in sorted(positions)
            if (dotted and _names(spelled, targets[p]))
            or any(x.search(line) for x in patterns(folder_of, targets[p]))
        ]

    configs = set(index.tree.configs)
    for relpath in dict.fromkeys((*index.tree.configs, *index.tree.prose)):
        if PurePosixPath(relpath).name == UNSHIM_CONFIG:
            continue  # unshim's own configuration names the shims it is told to remove
        kind = "config" if relpath in configs else "prose"
        if relpath.endswith(("MANIFEST.in", "meson.build")):
            kind = "manifest"
        elif kind == "config" and PurePosixPath(relpath).name == ENTRY_POINTS:
            kind = ENTRY_POINT
        # An analyzed setup.py's dotted strings are code references already; its paths are not.
        dotted = not (relpath.endswith("setup.py") and relpath in indexed)
        # Build files name paths from their own folder; prose and comments from the root.
        here = "." if kind == "prose" else relpath
        try:
            text = (index.root / relpath).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if few and not any(word in text for word in words):
            continue  # no line of it can name a target
        table = ""
        for number, line in enumerate(text.splitlines(), 1):
            if relpath.endswith(".toml") and line.lstrip().startswith("["):
                table = line.strip().strip("[]").strip()
            if table == "tool.unshim" or table.startswith("tool.unshim."):
                continue  # unshim's own configuration names the shims it is told to remove
            for target in matches(line, here, dotted):
                found.append(Reference(Location(relpath, number), target, line.strip(), kind))
    for info in (*index.modules.values(), *index.stubs.values()):
        if "#" not in info.text or (few and not any(word in info.text for word in words)):
            continue
        for number, line in enumerate(info.text.splitlines(), 1):
            hash_at = line.find("#")
            if hash_at < 0:
                continue
            comment = line[hash_at:].strip()
            for target in matches(line[hash_at:], ".", True):
                found.append(Reference(Location(info.path, number), target, comment, "comment"))
    return found


# Calls that import the modules below a package found by listing its folder (`pkgutil`).
LISTING = ("walk_packages", "iter_modules")


def reaches_below(index: Index, reference: Reference) -> bool:
    """Whether a reference to a package may load modules below it by computed names: an
    `import_module`/`__import__` of the package, its dotted name as a string in a file that
    uses the import machinery (a vendoring importer mapping `pkg.extern.x` to `pkg._vendor.x`),
    or a template's tail naming it in a file that lists packages (`listing_call`: Django
    imports every `*.templatetags` and then each module found below it). Nothing below such a
    package can be proven unused."""
    if reference.kind in (COMPUTED, MIDDLE):
        return True  # `"app.plugins.%s" % name`: any module below the template's head
    if reference.kind == SUFFIX:
        return listing_call(index, reference) is not None
    if "." not in reference.target:
        return False  # loading a whole top-level package by name computes no names below it
    if reference.kind in ("import_module", "__import__"):
        return True
    if reference.kind != "string":
        return False
    text = _text_at(index, reference)
    return text is not None and any(word in text for word in IMPORT_MACHINERY)


def listing_call(index: Index, reference: Reference) -> str | None:
    """The `pkgutil` call that lists packages (`LISTING`) in the reference's file, if any."""
    text = _text_at(index, reference)
    return next((word for word in LISTING if text is not None and word in text), None)


def _text_at(index: Index, reference: Reference) -> str | None:
    path = reference.location.path
    found = (i for t in (index.modules, index.stubs) for i in t.values() if i.path == path)
    info = next(found, None)
    return info.text if info is not None else None


def blocking_reason(reference: Reference, module: str) -> str:
    """Why a reference keeps what it names, for a reviewer; `module`: the file's module."""
    text = reference.text
    if reference.kind in ("import_module", "__import__"):
        return f"imported by {module} through {reference.kind}({text!r})"
    if reference.kind == COMPUTED:
        return (
            f"{reference.target} is the constant head of the module name template {text!r} "
            f"in {module}: modules below it may be imported by computed names"
        )
    if reference.kind == MIDDLE:
        return (
            f"{reference.target} ends with the constant middle of the module name template "
            f"{text!r} in {module}: modules below it may be imported by computed names"
        )
    if reference.kind == SUFFIX:
        return (
            f"named by the module name template {text!r} in {module}: it computes the head "
            f"of a name whose constant tail matches {reference.target}"
        )
    if reference.kind == "mock.patch":
        return f"patched by {module}: mock.patch({text!r})"
    if reference.kind == "setattr":
        return f"patched by {module}: setattr({text!r}, ...)"
    if reference.kind == "sys.modules":
        return f"replaced in sys.modules by {module}: patch.dict(sys.modules, {{{text!r}: ...}})"
    if reference.kind == "config":
        return f"named in {reference.location.path}: {text}"
    if reference.kind == "attribute":
        return f"used by {module} as {text}, an attribute of a package it imports"
    if reference.kind == ENTRY_POINT:
        return f"an entry point of the built distribution, {reference.location.path}: {text}"
    if reference.kind == "manifest":
        return f"listed in the build manifest {reference.location.path}: {text}"
    return f"named by the string {text!r} in {module}"


def attribute_references_each(
    index: Index, targets: Sequence[str], read: dict[str, FileUses | None] | None = None
) -> dict[str, list[Reference]]:
    """`attribute_references(index, [target], read)` for each target, in one pass."""
    return {
        target: [Reference(where, module, text, "attribute") for where, module, text in found]
        for target, found in attribute_uses_each(index, targets, read).items()
    }


def attribute_references(
    index: Index, targets: Sequence[str], read: dict[str, FileUses | None] | None = None
) -> list[Reference]:
    """`pkg.shim.X` after `import pkg`: uses of the targets that no import statement names.
    `read`: files already read over the same index (`attribute_uses`)."""
    return [
        Reference(where, module, text, "attribute")
        for where, module, text in attribute_uses(index, targets, read)
    ]
