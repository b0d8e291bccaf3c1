"""A published mapping: where every name a library's shims export lives now, as a value.

`mapping_of` reads it off the same `RewritePlan` that `apply --shim` follows, so it says no
more than the plan proves: a name the plan keeps is listed as kept, with the plan's reason.
`parse_mapping` reads a mapping document back (the JSON of `docs/mapping.schema.json`), and
`plan_of_mapping` turns it into a plan over a downstream tree that imports the library's
shims without holding the library: the rewrite follows it as it follows `--shim`, and nothing
is deleted. Pure: the caller reads the files.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from unshim.codemods.analyze.analysis import Analysis, consumed_names
from unshim.codemods.analyze.references import PATCHES, Reference
from unshim.codemods.outcome import Kept, Location, Note
from unshim.codemods.plan.build import file_tasks
from unshim.codemods.plan.patches import retarget
from unshim.codemods.plan.values import (
    DOTTED_NAME,
    PatchTarget,
    PlanError,
    RewritePlan,
    ShimModule,
    Target,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

SCHEMA_VERSION = 1
NOT_MAPPED = "not in the mapping: kept"
# Strings that load a module by name: the rewrite leaves them, and they break when it goes.
LOADERS = frozenset({"import_module", "__import__"})


@dataclass(frozen=True)
class Entry:
    """`old` (a dotted name under a shim module) is imported from `new` now."""

    old: str
    new: str
    module: str  # the shim module `old` is imported from
    name: str | None  # the name it exports; None for the whole module
    deprecation: str = ""  # the shim's own deprecation message, when it has one


@dataclass(frozen=True)
class KeptName:
    subject: str
    reason: str
    location: str = ""  # path:line in the library, when known


@dataclass(frozen=True)
class Producer:
    distribution: str = ""
    version: str = ""


@dataclass(frozen=True)
class PublishedMapping:
    shims: tuple[str, ...]  # what was asked for
    entries: tuple[Entry, ...]
    kept: tuple[KeptName, ...] = ()
    producer: Producer = Producer()

    @property
    def modules(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.module for e in self.entries))


def deprecation_message(text: str, lines: tuple[int, ...]) -> str:
    """The literal message of the first deprecation call on `lines` (`warnings.warn("...")`);
    "" when it is not a string literal (an f-string or a variable says nothing exact)."""
    if not lines:
        return ""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.lineno in lines:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return " ".join(first.value.split())
    return ""


def _dotted(target: Target) -> str:
    return f"{target.module}.{target.name}" if target.name else target.module


def mapping_of(analysis: Analysis, plan: RewritePlan, producer: Producer) -> PublishedMapping:
    """Every name of every shim module of the plan, to where the plan rewrites it."""
    entries: list[Entry] = []
    unplaced: list[KeptName] = []
    for module in sorted(plan.shims):
        shim = plan.shims[module]
        space = analysis.resolver.namespace(module)
        info = analysis.index.modules.get(module)
        notices = space.notices if space is not None else ()
        message = deprecation_message(info.text, notices) if info is not None else ""
        if shim.module_target is not None:
            entries.append(Entry(module, shim.module_target, module, None, message))
        elif not shim.names and not shim.unresolved:
            # A `__getattr__` that forwards whatever it is asked for lists no names: the
            # mapping says so instead of leaving the module out without a word.
            unplaced.append(
                KeptName(
                    module,
                    "the source places none of its names (its __getattr__ forwards names it "
                    "does not list): nothing is mapped for it"
                    if space is not None and space.forwarder is not None
                    else "it exports no name: nothing is mapped for it",
                    shim.path,
                )
            )
        for name in sorted(shim.names):
            target = shim.names[name]
            entries.append(Entry(f"{module}.{name}", _dotted(target), module, name, message))
    kept = tuple(
        KeptName(k.subject, k.reason, str(k.location) if k.location else "") for k in plan.kept
    ) + tuple(unplaced)
    return PublishedMapping(plan.requested, tuple(entries), kept, producer)


def producer_of(pyproject: str | None, metadata: str | None) -> Producer:
    """The distribution's name and version from `pyproject.toml`'s `[project]`, else from a
    wheel's `METADATA`; empty fields when neither says."""
    if pyproject:
        try:
            project = tomllib.loads(pyproject).get("project", {})
        except tomllib.TOMLDecodeError:
            project = {}
        if isinstance(project, dict) and isinstance(project.get("name"), str):
            version = project.get("version")
            return Producer(project["name"], version if isinstance(version, str) else "")
    if metadata:
        name = re.search(r"^Name:\s*(\S+)", metadata, re.MULTILINE)
        version = re.search(r"^Version:\s*(\S+)", metadata, re.MULTILINE)
        return Producer(name.group(1) if name else "", version.group(1) if version else "")
    return Producer()


def to_json(mapping: PublishedMapping) -> dict[str, object]:
    """The document of `docs/mapping.schema.json`."""
    return {
        "schema_version": SCHEMA_VERSION,
        "producer": {
            "distribution": mapping.producer.distribution,
            "version": mapping.producer.version,
        },
        "shims": list(mapping.shims),
        "names": [
            {
                "old": e.old,
                "new": e.new,
                "module": e.module,
                "name": e.name,
                **({"deprecation": e.deprecation} if e.deprecation else {}),
            }
            for e in mapping.entries
        ],
        "kept": [
            {"subject": k.subject, "reason": k.reason, **({"at": k.location} if k.location else {})}
            for k in mapping.kept
        ],
    }


def _field(item: Mapping[str, object], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not DOTTED_NAME.fullmatch(value):
        raise PlanError(f"{where}: '{key}' must be a dotted name, got {value!r}")
    return value


def parse_mapping(text: str, source: str) -> PublishedMapping:
    """A mapping document read back; PlanError (one line, naming `source`) when it is not one."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise PlanError(f"{source}: not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise PlanError(f"{source}: not an unshim mapping (expected a JSON object)")
    if document.get("schema_version") != SCHEMA_VERSION:
        raise PlanError(
            f"{source}: schema_version {document.get('schema_version')!r} is not "
            f"{SCHEMA_VERSION} (see docs/mapping.schema.json)"
        )
    names = document.get("names")
    if not isinstance(names, list):
        raise PlanError(f"{source}: 'names' must be a list")
    entries: list[Entry] = []
    for number, item in enumerate(names):
        where = f"{source}: names[{number}]"
        if not isinstance(item, dict):
            raise PlanError(f"{where}: expected an object")
        old, new, module = (_field(item, k, where) for k in ("old", "new", "module"))
        name = item.get("name")
        if name is not None and (not isinstance(name, str) or old != f"{module}.{name}"):
            raise PlanError(f"{where}: 'old' must be 'module.name' ({module}.{name})")
        if name is None and old != module:
            raise PlanError(f"{where}: a whole-module entry has 'old' equal to 'module'")
        message = item.get("deprecation", "")
        entries.append(Entry(old, new, module, name, message if isinstance(message, str) else ""))
    if not entries:
        raise PlanError(f"{source}: the mapping has no names")
    shims = document.get("shims")
    requested = tuple(s for s in shims if isinstance(s, str)) if isinstance(shims, list) else ()
    return PublishedMapping(
        requested or tuple(dict.fromkeys(e.module for e in entries)), tuple(entries)
    )


def _target(new: str, whole_module: bool) -> Target:
    if whole_module:
        return Target(new, None)
    module, _, name = new.rpartition(".")
    return Target(module, name) if module else Target(new, None)


def _owner(dotted: str, mapped: set[str]) -> str | None:
    """The mapped module a dotted string is, or names a name of (the longest)."""
    owners = [m for m in mapped if dotted == m or dotted.startswith(m + ".")]
    return max(owners, key=len) if owners else None


def _strings_naming(analysis: Analysis, mapped: set[str]) -> list[Reference]:
    """Tests' patches (`mock.patch("lib.shim.X")`, `monkeypatch.setattr(...)`, `sys.modules`
    keys) and loads by name that name a mapped module. The library is not in the tree, so the
    reference finder, which resolves strings to the tree's own modules, does not see them."""
    found: list[Reference] = []
    for info in (*analysis.index.modules.values(), *analysis.index.stubs.values()):
        for string in info.facts.strings:
            if string.kind not in PATCHES and string.kind not in LOADERS:
                continue
            owner = _owner(string.value, mapped)
            if owner is not None:
                where = Location(info.path, string.line)
                found.append(Reference(where, owner, string.value, string.kind))
    return found


def _by_name(ref: Reference) -> Kept:
    return Kept(
        ref.target,
        f"{ref.kind}({ref.text!r}) loads it by name: apply --mapping rewrites imports and "
        "tests' patches, not this; it breaks when the library removes the module",
        ref.location,
    )


def plan_of_mapping(
    analysis: Analysis, mapping: PublishedMapping, conflicts: tuple[Kept, ...] = ()
) -> RewritePlan:
    """The plan that rewrites the tree's imports of the mapped names to their new homes, and
    the tests' patches of those names with them (as `--shim` does; `conflicts`: what the
    rewrite kept, whose patches must stay). A name imported from a mapped module but not in
    the mapping stays, and is reported."""
    mapped = set(mapping.modules)
    in_tree = sorted(m for m in mapped if analysis.index.is_module(m))
    if in_tree:
        raise PlanError(
            f"{in_tree[0]} is a module of this tree: a mapping rewrites imports of another "
            "library; rewrite this tree's own shims with --shim"
        )
    tables: dict[str, dict[str, Target]] = {m: {} for m in mapped}
    whole: dict[str, str] = {}
    for entry in mapping.entries:
        if entry.name is None:
            whole[entry.module] = entry.new
        else:
            tables[entry.module][entry.name] = _target(entry.new, False)
    found: set[str] = set()
    unmapped: dict[str, dict[str, str]] = {m: {} for m in mapped}
    kept: list[Kept] = []
    for ref in analysis.refs:
        if ref.target not in mapped:
            continue
        found.add(ref.path)
        if ref.name and ref.name != "*" and ref.name not in tables[ref.target]:
            if ref.name not in unmapped[ref.target]:
                unmapped[ref.target][ref.name] = NOT_MAPPED
            kept.append(Kept(ref.target, f"{ref.name}: {NOT_MAPPED}", Location(ref.path, ref.line)))
    shims = {
        module: ShimModule(
            module,
            "",
            tables[module],
            module_target=whole.get(module),
            unresolved=unmapped[module],
            star_refusal=f"{NOT_MAPPED} (a star import binds names the mapping may not list)",
        )
        for module in sorted(mapped)
    }
    strings = _strings_naming(analysis, mapped)
    kept.extend(_by_name(ref) for ref in strings if ref.kind in LOADERS)
    patches: list[PatchTarget] = []
    notes: list[Note] = []
    for module in sorted(mapped):
        refs = [ref for ref in strings if ref.target == module and ref.kind in PATCHES]
        patched = retarget(analysis, shims[module], refs, conflicts)
        if patched.kept:
            # A patch that stays needs every lookup through the shim to stay: its imports too.
            kept.extend(patched.kept)
            del shims[module]
            continue
        patches.extend(patched.targets)
        notes.extend(patched.notes)
        found.update(target.location.path for target in patched.targets)
    return RewritePlan(
        shims=shims,
        moves=(),
        files=file_tasks(analysis.index, found),
        consumed=consumed_names(list(analysis.refs)),
        kept=tuple(kept),
        delete=(),
        requested=mapping.shims,
        notes=tuple(notes),
        patches=tuple(patches),
    )
