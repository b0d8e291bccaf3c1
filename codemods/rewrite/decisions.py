"""What to do with each import of one file, decided before anything is changed.

`decide` reads the parsed file and the plan and returns `Decisions`: for each import statement
the statements that replace it, for each use of a rebound or dissolved module the expression
that replaces it, the `__all__` entries to drop, and what stays and why. The transformer in
`codemods.rewrite` only carries these out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst
from libcst.helpers import get_full_name_for_node

from codemods.analyze.graph import from_base
from codemods.outcome import ImportEdit, Kept, Location
from codemods.plan.build import FileTask, RewritePlan, ShimModule, Target
from codemods.rewrite.bindings import uses_of
from codemods.rewrite.layout import FileView
from codemods.rewrite.rebinding import Piece, import_of, rebind, replace
from codemods.rewrite.spelling import (
    alias_node,
    dotted_expr,
    keep_items,
    spec_for,
    split_module,
    strip_paren_comment,
    with_spec,
)

Small = cst.BaseSmallStatement
Key = tuple[str, "str | None", str]  # (module, name or None for `import module`, local name)


@dataclass
class Decisions:
    statements: dict[cst.CSTNode, list[Small]] = field(default_factory=dict)
    exprs: dict[cst.CSTNode, cst.BaseExpression] = field(default_factory=dict)
    sequences: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)  # `__all__` lists
    edits: list[ImportEdit] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)


def rewritten(plan: RewritePlan, module: str, name: str | None) -> bool:
    """An import of this goes through a shim or a moved module: it is being rewritten."""
    full = f"{module}.{name}" if name else module
    return module in plan.shims or full in plan.shims or plan.moved(full) is not None


def import_keys(node: ast.Import | ast.ImportFrom, task: FileTask) -> Iterator[Key]:
    """What an import binds, read from `ast`: the same keys `_Decider._keys` reads from LibCST."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, None, alias.asname or alias.name
        return
    base = from_base(task.module, task.is_package, node.module, node.level)
    if base is None or any(alias.name == "*" for alias in node.names):
        return
    for alias in node.names:
        yield base, alias.name, alias.asname or alias.name


def touches_plan(node: ast.Import | ast.ImportFrom, task: FileTask, plan: RewritePlan) -> bool:
    """Whether the decisions may change this import (else it only matters as what the file
    already imports)."""
    if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
        base = from_base(task.module, task.is_package, node.module, node.level)
        return base is not None and rewritten(plan, base, None)
    return any(rewritten(plan, module, name) for module, name, _ in import_keys(node, task))


def _name(node: cst.CSTNode | None) -> str:
    return get_full_name_for_node(node) or "" if node is not None else ""


def _local(alias: cst.ImportAlias) -> str:
    return _name(alias.asname.name) if alias.asname is not None else _name(alias.name)


class _Decider:
    def __init__(self, module: cst.Module, meta: FileView, task: FileTask, plan: RewritePlan):
        self.module = module
        self.meta = meta
        self.task = task
        self.plan = plan
        self.out = Decisions()
        self.statements = meta.statements
        self.taken: set[str] = set()  # names chosen for dissolved aliases so far
        # Imports the rewrite leaves alone, where they stand: a rewritten import that would
        # repeat one of them is dropped.
        self.existing: dict[Key, list[tuple[cst.CSTNode, int]]] = {}  # key -> (block, order)
        found = [
            (self._order(s), self._suite(s), list(self._keys(s))) for s in meta.statements.imports
        ]
        found += [
            (at, block, list(import_keys(node, task))) for node, block, at in meta.other_imports
        ]
        for order, block, keys in sorted(found, key=lambda entry: entry[0]):
            for key in keys:
                if not self._rewritten(key[0], key[1]):
                    self.existing.setdefault(key, []).append((block, order))
        self.emitted: set[tuple[int, Key]] = set()  # (block, key) the rewrite produced
        self.module_level: dict[Key, int] = {
            k: min(at for _, at in places)
            for k, places in self.existing.items()
            if any(isinstance(w, cst.Module) for w, _ in places)
        }
        self.unregistered: set[str] = set()

    def _line(self, node: cst.CSTNode) -> int:
        return self.meta.line(node)

    def _order(self, statement: cst.CSTNode) -> int:
        """Position among the file's imports: what comes first runs first."""
        return self.meta.order.get(id(statement), -1)

    def _suite(self, statement: cst.CSTNode) -> cst.CSTNode:
        return self.statements.block.get(id(statement), statement)

    def _nested(self, statement: cst.CSTNode) -> bool:
        """Runs when a function is called, after every module-level import."""
        return id(statement) in self.statements.in_function

    def _top(self, statement: cst.CSTNode) -> bool:
        return isinstance(self._suite(statement), cst.Module)

    def _base(self, node: cst.ImportFrom) -> str | None:
        module = _name(node.module) or None
        return from_base(self.task.module, self.task.is_package, module, len(node.relative))

    def _keys(self, statement: cst.Import | cst.ImportFrom) -> Iterator[Key]:
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                yield _name(alias.name), None, _local(alias)
            return
        base = self._base(statement)
        if base is None or isinstance(statement.names, cst.ImportStar):
            return
        for alias in statement.names:
            yield base, _name(alias.name), _local(alias)

    def _duplicate(self, statement: cst.CSTNode, key: Key) -> bool:
        """The file already binds `key` where this statement is: never import it twice. Only
        when nothing else in the file binds that name: `def Dummy(): from x import Dummy`
        needs its import."""
        suite = self._suite(statement)
        order = self._order(statement)
        nested = self._nested(statement)
        repeated = (id(suite), key) in self.emitted or any(
            ((where is suite or isinstance(where, cst.Module)) and at < order)
            or (isinstance(where, cst.Module) and nested)
            for where, at in self.existing.get(key, [])
        )
        self.emitted.add((id(suite), key))
        if isinstance(suite, cst.Module):
            self.module_level.setdefault(key, order)
        if not repeated:
            return False
        local = key[2].split(".")[0]
        return local not in self.meta.rebound and not any(
            other[2].split(".")[0] == local and other[:2] != key[:2] for other in self.existing
        )

    def _rewritten(self, module: str, name: str | None) -> bool:
        return rewritten(self.plan, module, name)

    def reuse(self, statement: cst.CSTNode, module: str, name: str | None) -> str | None:
        """The name a module-level import already binds `module.name` to, usable here."""
        order = self._order(statement)
        nested = self._nested(statement)
        for (owner, member, local), at in self.module_level.items():
            if (owner, member) == (module, name) and (at < order or nested):
                return local
        return None

    def fresh(self, member: str, local: str) -> str:
        """A name that collides with nothing in the file."""
        member = member.rpartition(".")[2]
        used = self.meta.layout.names | self.taken
        candidate = next((c for c in (member, f"{local}_{member}") if c not in used), None)
        number = 2
        while candidate is None:
            if f"{local}_{member}_{number}" not in used:
                candidate = f"{local}_{member}_{number}"
            number += 1
        self.taken.add(candidate)
        return candidate

    def _keep(self, shim: str, statement: cst.CSTNode, reason: str) -> None:
        self.out.kept.append(Kept(shim, reason, Location(self.task.path, self._line(statement))))

    def run(self) -> Decisions:
        for statement in self.statements.imports:
            if isinstance(statement, cst.ImportFrom):
                self._import_from(statement)
            else:
                self._import(statement)
        if self.unregistered:
            self._drop_from_all()
        return self.out

    def _import_from(self, statement: cst.ImportFrom) -> None:
        base = self._base(statement)
        if base is None:
            return
        if isinstance(statement.names, cst.ImportStar):
            self._star(statement, base)
            return
        pieces: list[Piece] = []
        exprs: dict[cst.CSTNode, cst.BaseExpression] = {}
        for index, alias in enumerate(statement.names):
            found, more = self._from_alias(statement, base, alias, index)
            pieces.extend(found)
            exprs.update(more)
        if len(pieces) == len(statement.names) and all(p.keep for p in pieces):
            return
        self.out.exprs.update(exprs)
        self._record(statement, self._statements(statement, statement, pieces))

    def _from_alias(
        self, statement: cst.ImportFrom, base: str, alias: cst.ImportAlias, index: int
    ) -> tuple[list[Piece], dict[cst.CSTNode, cst.BaseExpression]]:
        name, local = _name(alias.name), _local(alias)
        full = f"{base}.{name}"
        keep = [Piece("", None, local, alias, index, keep=True)]
        if full in self.plan.shims:
            if self._registration(statement, self.plan.shims[full], local):
                return [], {}
            binding = rebind(statement, local, full, False, self.plan, self.meta, self)
            if binding.reason is not None:
                self._keep(full, statement, f"still imports {full}: {binding.reason}")
                return keep, {}
            if binding.module is not None:
                module, member = import_of(Target(binding.module, None))
                return [Piece(module, member, local, alias, index)], binding.exprs
            return binding.pieces, binding.exprs
        if base in self.plan.shims:
            shim = self.plan.shims[base]
            target = shim.names.get(name)
            if target is None:
                why = self._why(shim, name)
                self._keep(base, statement, f"still imports {name} from it: {why}")
                return keep, {}
            module, member = import_of(target)
            if module == self.task.module:
                return keep, {}
            return [Piece(module, member, local, alias, index)], {}
        moved_base = self.plan.moved(base)
        if moved_base is not None:
            return [Piece(moved_base, name, local, alias, index)], {}
        moved = self.plan.moved(full)
        if moved is not None:
            module, member = import_of(Target(moved, None))
            return [Piece(module, member, local, alias, index)], {}
        return keep, {}

    def _why(self, shim: ShimModule, name: str) -> str:
        if name in shim.unresolved:
            return shim.unresolved[name]
        if shim.impure:
            return f"defined in {shim.module} itself (impure shim)"
        return "no canonical definer known"

    def _registration(self, statement: cst.ImportFrom, shim: ShimModule, local: str) -> bool:
        """`from . import filters` in the parent package of a shim that goes: only there to
        expose the shim, so it goes with it (and from the parent's `__all__`)."""
        parent, last = split_module(shim.module)
        if not (shim.deleting and self.task.is_package and self.task.module == parent):
            return False
        if local != last or not self._top(statement):
            return False
        uses = uses_of(statement, local, self.meta)
        if uses.uses or uses.ambiguous:
            return False
        self.unregistered.add(last)
        return True

    def _star(self, statement: cst.ImportFrom, base: str) -> None:
        if base in self.plan.shims:
            shim = self.plan.shims[base]
            if shim.star_module is not None:
                self._record(statement, [self._respell(statement, shim.star_module)])
                return
            wanted = self._unbound() | set(self.plan.consumed.get(self.task.module, ()))
            wanted |= self._all_names()
            missing = sorted(n for n in wanted if n in shim.unresolved)
            if missing:
                self._keep(
                    base,
                    statement,
                    f"still star-imports it: {', '.join(missing[:5])} cannot be resolved",
                )
                return
            pieces = [
                Piece(*import_of(shim.names[n]), n) for n in sorted(wanted) if n in shim.names
            ]
            self._record(statement, self._statements(statement, statement, pieces))
            return
        moved = self.plan.moved(base)
        if moved is not None:
            self._record(statement, [self._respell(statement, moved)])

    def _respell(self, statement: cst.ImportFrom, module: str) -> cst.ImportFrom:
        level, rest = spec_for(
            self.task.module, self.task.is_package, module, bool(statement.relative)
        )
        return with_spec(statement, level, rest)

    def _unbound(self) -> set[str]:
        """Names the file uses but binds nowhere: what its star imports provide."""
        names: set[str] = set()
        for scope in set(self.meta.scopes.values()):
            if scope is None:
                continue
            for access in scope.accesses:
                if not access.referents and isinstance(access.node, cst.Name):
                    names.add(access.node.value)
        return names

    def _all_names(self) -> set[str]:
        found: set[str] = set()
        for value in self.meta.all_values:
            for element in value.elements:
                if isinstance(element.value, cst.SimpleString):
                    text = element.value.evaluated_value
                    if isinstance(text, str):
                        found.add(text)
        return found

    def _import(self, statement: cst.Import) -> None:
        inplace: list[tuple[int, cst.ImportAlias]] = []
        pieces: list[Piece] = []
        extra: list[str] = []
        changed = False
        for index, alias in enumerate(statement.names):
            dotted_name, local = _name(alias.name), _local(alias)
            dotted = alias.asname is None
            if dotted_name in self.plan.shims:
                binding = rebind(statement, local, dotted_name, dotted, self.plan, self.meta, self)
                if binding.reason is not None:
                    self._keep(
                        dotted_name, statement, f"still imports {dotted_name}: {binding.reason}"
                    )
                    inplace.append((index, alias))
                    continue
                changed = True
                self.out.exprs.update(binding.exprs)
                if binding.module is None:
                    pieces.extend(binding.pieces)
                    continue
                new_local = binding.module if dotted else local
                same = binding.module == dotted_name
                if same or not self._duplicate(statement, (binding.module, None, new_local)):
                    inplace.append((index, alias_node(alias, binding.module, new_local)))
                extra.extend(binding.imports)
                continue
            moved = self.plan.moved(dotted_name)
            if moved is None:
                inplace.append((index, alias))
                continue
            if dotted:
                uses = uses_of(statement, dotted_name, self.meta)
                head = dotted_name.split(".")[0]
                if uses.other and moved.split(".")[0] != head:
                    self._keep(
                        dotted_name, statement, f"other code uses {head} through this import"
                    )
                    inplace.append((index, alias))
                    continue
                for use in uses.uses:
                    self.out.exprs.update(replace(use, 0, moved))
            changed = True
            inplace.append((index, alias_node(alias, moved, moved if dotted else local)))
        if not changed:
            return
        new: list[Small] = []
        if inplace:
            new.append(statement.with_changes(names=keep_items(statement.names, inplace)))
        for module in extra:
            if not self._duplicate(statement, (module, None, module)):
                new.append(cst.Import(names=[cst.ImportAlias(name=dotted_expr(module))]))
        new.extend(self._statements(statement, None, pieces))
        self._record(statement, new)

    def _statements(
        self, statement: cst.CSTNode, like: cst.ImportFrom | None, pieces: list[Piece]
    ) -> list[Small]:
        """The pieces as statements: one per module, in the order the names came, without
        duplicates of what the file already imports."""
        groups: dict[tuple[str, str | None], list[Piece]] = {}
        own = self._base(like) if like is not None else None
        for piece in pieces:
            if piece.keep:
                groups.setdefault(("", None), []).append(piece)
                continue
            if piece.module == own and piece.name is not None and piece.alias is not None:
                groups.setdefault(("", None), []).append(piece)  # same module: same statement
                continue
            if self._duplicate(statement, (piece.module, piece.name, piece.local)):
                continue
            key = (piece.module, None if piece.name is not None else piece.local)
            groups.setdefault(key, []).append(piece)
        original = (
            list(like.names)
            if like is not None and not isinstance(like.names, cst.ImportStar)
            else []
        )
        new: list[Small] = []
        for (module, imported_as), members in groups.items():
            node: Small
            if module and imported_as is not None:
                local = imported_as if imported_as != module else None
                node = cst.Import(names=[alias_node(None, module, local)])
            elif like is not None and all(p.alias is not None for p in members):
                chosen = [
                    (p.index, p.alias if p.keep else alias_node(p.alias, p.name or "", p.local))
                    for p in members
                    if p.alias is not None
                ]
                node = like if not module else self._respell(like, module)
                node = node.with_changes(names=keep_items(original, chosen))
            else:
                aliases = [alias_node(None, p.name or "", p.local) for p in members]
                base = (
                    like
                    if like is not None
                    else cst.ImportFrom(module=dotted_expr(module), names=aliases)
                )
                node = self._respell(base, module).with_changes(names=aliases, lpar=None, rpar=None)
            if new and isinstance(node, cst.ImportFrom):
                node = strip_paren_comment(node)
            new.append(node)
        return new

    def _record(self, statement: cst.CSTNode, new: list[Small]) -> None:
        old = self.meta.source_of(statement, statement)
        rendered = [self.meta.source_of(node, statement) for node in new]
        if rendered == [old]:
            return  # every name already comes from where it lives
        before = old.strip().rstrip(";").strip()
        after = "\n".join(text.strip().rstrip(";").strip() for text in rendered)
        self.out.statements[statement] = new
        self.out.edits.append(
            ImportEdit(Location(self.task.path, self._line(statement)), before, after)
        )

    def _drop_from_all(self) -> None:
        for value in self.meta.all_values:
            chosen = [
                (i, e)
                for i, e in enumerate(value.elements)
                if not (
                    isinstance(e.value, cst.SimpleString)
                    and e.value.evaluated_value in self.unregistered
                )
            ]
            if len(chosen) != len(value.elements):
                self.out.sequences[value] = value.with_changes(
                    elements=keep_items(list(value.elements), chosen)
                )


def decide(module: cst.Module, meta: FileView, task: FileTask, plan: RewritePlan) -> Decisions:
    """Every change to one file, decided from its parse and the plan."""
    return _Decider(module, meta, task, plan).run()
