"""What to do with each import of one file, decided before anything is changed.

`decide` reads the parsed file and the plan and returns `Decisions`: for each import statement
the statements that replace it, for each use of a rebound or dissolved module the expression
that replaces it, the `__all__` entries to drop, and what stays and why. The transformer in
`codemods.rewrite` only carries these out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst
from libcst.helpers import get_full_name_for_node

from codemods.bindings import Use, Uses, string_with, uses_of
from codemods.facts import ImportStmt
from codemods.graph import absolute_base
from codemods.layout import Metadata
from codemods.outcome import ImportEdit, Kept, Location
from codemods.plan import FileTask, RewritePlan, ShimModule, Target
from codemods.spelling import (
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


@dataclass(frozen=True)
class _Piece:
    """What one imported name becomes: `from module import name as local`, or `import module
    as local` when name is None; `keep`: the consumer's alias stays as it is."""

    module: str
    name: str | None
    local: str
    alias: cst.ImportAlias | None = None  # the consumer's alias it replaces, for its formatting
    index: int = -1  # that alias's position in the statement
    keep: bool = False


Resolved = list[tuple[Use, Target, int]]


@dataclass
class _Binding:
    """A module binding resolved: rebind it to `module`, or dissolve it into `pieces`."""

    module: str | None = None
    pieces: list[_Piece] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)  # dotted form: extra `import X` lines
    exprs: dict[cst.CSTNode, cst.BaseExpression] = field(default_factory=dict)
    reason: str | None = None  # kept, and why


def _name(node: cst.CSTNode | None) -> str:
    return get_full_name_for_node(node) or "" if node is not None else ""


def _local(alias: cst.ImportAlias) -> str:
    return _name(alias.asname.name) if alias.asname is not None else _name(alias.name)


def _member(target: Target) -> tuple[str, str | None]:
    """(module, name) to import for a target; a module object comes from its parent."""
    if target.name is not None:
        return target.module, target.name
    parent, last = split_module(target.module)
    return (parent, last) if parent else (target.module, None)


class _Decider:
    def __init__(self, module: cst.Module, meta: Metadata, task: FileTask, plan: RewritePlan):
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
        for statement in meta.statements.imports:
            for key in self._keys(statement):
                if not self._rewritten(key[0], key[1]):
                    self.existing.setdefault(key, []).append((self._suite(statement),
                                                              self._order(statement)))
        self.emitted: set[tuple[int, Key]] = set()  # (block, key) the rewrite produced
        self.module_level: dict[Key, int] = {k: min(at for _, at in places) for k, places
                                             in self.existing.items()
                                             if any(isinstance(w, cst.Module) for w, _ in places)}
        self.unregistered: set[str] = set()

    # --- small facts ----------------------------------------------------------------------------

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
        stmt = ImportStmt(0, 0, True, _name(node.module) or None, len(node.relative), ())
        return absolute_base(self.task.module, self.task.is_package, stmt)

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
        """An import of this goes through a shim or a moved module: it is being rewritten."""
        full = f"{module}.{name}" if name else module
        return (module in self.plan.shims or full in self.plan.shims
                or self.plan.moved(full) is not None)

    def _existing_local(self, statement: cst.CSTNode, module: str, name: str | None) -> str | None:
        """The name a module-level import already binds `module.name` to, usable here."""
        order = self._order(statement)
        nested = self._nested(statement)
        for (owner, member, local), at in self.module_level.items():
            if (owner, member) == (module, name) and (at < order or nested):
                return local
        return None

    def _fresh(self, member: str, local: str) -> str:
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

    # --- module bindings ------------------------------------------------------------------------

    def _follow(self, shim: str, use: Use) -> tuple[Target, int] | None:
        """The target a chain `m.a.b...` reaches, and how many links it takes."""
        module = shim
        for depth, link in enumerate(use.chain, 1):
            table = self.plan.shims[module].names
            if link.attr in table:
                return table[link.attr], depth
            sub = f"{module}.{link.attr}"
            if sub not in self.plan.shims:
                return None
            module = sub
        target = self.plan.shims[module].module_target
        if target is None or module == shim:
            return None
        return Target(target, None), len(use.chain)

    def _resolve_uses(self, shim: str, local: str, uses: Uses) -> tuple[Resolved, list[Use], str]:
        resolved: Resolved = []
        bare: list[Use] = []
        for use in uses.uses:
            if not use.chain:
                bare.append(use)
                continue
            found = self._follow(shim, use)
            if found is None:
                line = self._line(use.node)
                return [], [], (f"uses {local}.{use.chain[0].attr} (line {line}), which has "
                                "no known canonical definer")
            target, depth = found
            if use.chain[depth - 1].store:
                return [], [], (f"assigns to {local}.{use.chain[depth - 1].attr} (line "
                                f"{self._line(use.node)}); that changes the shim's attribute")
            resolved.append((use, target, depth))
        return resolved, bare, ""

    def _binding(self, statement: cst.CSTNode, local: str, shim: str, dotted: bool) -> _Binding:
        uses = uses_of(statement, local, self.meta)
        if uses.ambiguous:
            lines = ", ".join(str(self._line(n)) for n in uses.ambiguous[:5])
            return _Binding(reason=f"{local} may also name something else (line {lines})")
        resolved, bare, reason = self._resolve_uses(shim, local, uses)
        if reason:
            return _Binding(reason=reason)
        entry = self.plan.shims[shim]
        owners = {t.module if dotted else _member(t)[0] for _, t, _ in resolved}
        module: str | None = None
        if bare:
            module = entry.module_target
            if module is None or owners - {module}:
                return _Binding(reason=f"uses the module object {local} itself (line "
                                f"{self._line(bare[0].node)}), and its names live in several "
                                "modules")
        elif not resolved:
            every = {t.module for t in entry.names.values() if t.name is not None}
            module = entry.module_target or (next(iter(every)) if len(every) == 1 else None)
            if module is None:
                return _Binding(reason=f"imports {shim} but uses none of its names here, and "
                                "they live in several modules")
        elif len(owners) == 1:
            module = next(iter(owners))
        if dotted:
            return self._dotted(shim, module, resolved, bare, uses.other)
        if module is not None:
            exprs: dict[cst.CSTNode, cst.BaseExpression] = {}
            for use, target, depth in resolved:
                name = _member(target)[1]
                if depth != 1 or use.chain[0].attr != name or use.annotation is not None:
                    exprs.update(self._replace(use, depth, f"{local}.{name}" if name else local))
            return _Binding(module=module, exprs=exprs)
        binding = _Binding()
        chosen: dict[tuple[str, str | None], str] = {}
        for use, target, depth in resolved:
            member = _member(target)
            if member not in chosen:
                reuse = self._existing_local(statement, *member)
                chosen[member] = reuse or self._fresh(member[1] or member[0], local)
                if reuse is None:
                    binding.pieces.append(_Piece(member[0], member[1], chosen[member]))
            binding.exprs.update(self._replace(use, depth, chosen[member]))
        return binding

    def _dotted(
        self, shim: str, module: str | None, resolved: Resolved, bare: list[Use], other: int
    ) -> _Binding:
        """`import shim.mod` used as `shim.mod.X`: import the canonical modules, rewrite chains."""
        modules = [module] if module is not None else list(
            dict.fromkeys(t.module for _, t, _ in resolved)
        )
        head = shim.split(".")[0]
        if other and any(m.split(".")[0] != head for m in modules):
            return _Binding(reason=f"other code uses {head} through this import, and the "
                            "canonical module has another top-level name")
        binding = _Binding(module=modules[0], imports=modules[1:])
        for use, target, depth in resolved:
            text = f"{target.module}.{target.name}" if target.name else target.module
            binding.exprs.update(self._replace(use, depth, text))
        for use in bare:
            binding.exprs.update(self._replace(use, 0, modules[0]))
        return binding

    def _replace(self, use: Use, depth: int, text: str) -> dict[cst.CSTNode, cst.BaseExpression]:
        if use.annotation is not None:
            rest = [link.attr for link in use.chain[depth:]]
            return {use.annotation: string_with(use.annotation, ".".join([text, *rest]))}
        node = use.chain[depth - 1].node if depth else use.node
        expr = dotted_expr(text)
        if isinstance(node, (cst.Name, cst.Attribute)):
            expr = expr.with_changes(lpar=node.lpar, rpar=node.rpar)
        return {node: expr}

    # --- statements -----------------------------------------------------------------------------

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
        pieces: list[_Piece] = []
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
    ) -> tuple[list[_Piece], dict[cst.CSTNode, cst.BaseExpression]]:
        name, local = _name(alias.name), _local(alias)
        full = f"{base}.{name}"
        keep = [_Piece("", None, local, alias, index, keep=True)]
        if full in self.plan.shims:
            if self._registration(statement, self.plan.shims[full], local):
                return [], {}
            binding = self._binding(statement, local, full, dotted=False)
            if binding.reason is not None:
                self._keep(full, statement, f"still imports {full}: {binding.reason}")
                return keep, {}
            if binding.module is not None:
                module, member = _member(Target(binding.module, None))
                return [_Piece(module, member, local, alias, index)], binding.exprs
            return binding.pieces, binding.exprs
        if base in self.plan.shims:
            shim = self.plan.shims[base]
            target = shim.names.get(name)
            if target is None:
                why = self._why(shim, name)
                self._keep(base, statement, f"still imports {name} from it: {why}")
                return keep, {}
            module, member = _member(target)
            if module == self.task.module:
                return keep, {}
            return [_Piece(module, member, local, alias, index)], {}
        moved_base = self.plan.moved(base)
        if moved_base is not None:
            return [_Piece(moved_base, name, local, alias, index)], {}
        moved = self.plan.moved(full)
        if moved is not None:
            module, member = _member(Target(moved, None))
            return [_Piece(module, member, local, alias, index)], {}
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
                self._keep(base, statement, f"still star-imports it: {', '.join(missing[:5])} "
                           "cannot be resolved")
                return
            pieces = [_Piece(*_member(shim.names[n]), n) for n in sorted(wanted)
                      if n in shim.names]
            self._record(statement, self._statements(statement, statement, pieces))
            return
        moved = self.plan.moved(base)
        if moved is not None:
            self._record(statement, [self._respell(statement, moved)])

    def _respell(self, statement: cst.ImportFrom, module: str) -> cst.ImportFrom:
        level, rest = spec_for(self.task.module, self.task.is_package, module,
                               bool(statement.relative))
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
        for value in self.statements.all_values:
            for element in value.elements:
                if isinstance(element.value, cst.SimpleString):
                    text = element.value.evaluated_value
                    if isinstance(text, str):
                        found.add(text)
        return found

    def _import(self, statement: cst.Import) -> None:
        inplace: list[tuple[int, cst.ImportAlias]] = []
        pieces: list[_Piece] = []
        extra: list[str] = []
        changed = False
        for index, alias in enumerate(statement.names):
            dotted_name, local = _name(alias.name), _local(alias)
            dotted = alias.asname is None
            if dotted_name in self.plan.shims:
                binding = self._binding(statement, local, dotted_name, dotted=dotted)
                if binding.reason is not None:
                    self._keep(dotted_name, statement,
                               f"still imports {dotted_name}: {binding.reason}")
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
                    self._keep(dotted_name, statement,
                               f"other code uses {head} through this import")
                    inplace.append((index, alias))
                    continue
                for use in uses.uses:
                    self.out.exprs.update(self._replace(use, 0, moved))
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

    # --- output ---------------------------------------------------------------------------------

    def _statements(
        self, statement: cst.CSTNode, like: cst.ImportFrom | None, pieces: list[_Piece]
    ) -> list[Small]:
        """The pieces as statements: one per module, in the order the names came, without
        duplicates of what the file already imports."""
        groups: dict[tuple[str, str | None], list[_Piece]] = {}
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
        original = list(like.names) if like is not None and not isinstance(
            like.names, cst.ImportStar) else []
        new: list[Small] = []
        for (module, imported_as), members in groups.items():
            node: Small
            if module and imported_as is not None:
                local = imported_as if imported_as != module else None
                node = cst.Import(names=[alias_node(None, module, local)])
            elif like is not None and all(p.alias is not None for p in members):
                chosen = [(p.index, p.alias if p.keep else alias_node(p.alias, p.name or "",
                                                                    p.local))
                          for p in members if p.alias is not None]
                node = like if not module else self._respell(like, module)
                node = node.with_changes(names=keep_items(original, chosen))
            else:
                aliases = [alias_node(None, p.name or "", p.local) for p in members]
                base = like if like is not None else cst.ImportFrom(
                    module=dotted_expr(module), names=aliases)
                node = self._respell(base, module).with_changes(
                    names=aliases, lpar=None, rpar=None)
            if new and isinstance(node, cst.ImportFrom):
                node = strip_paren_comment(node)
            new.append(node)
        return new

    def _record(self, statement: cst.CSTNode, new: list[Small]) -> None:
        render = self.module.code_for_node
        before = render(statement).strip().rstrip(";").strip()
        after = "\n".join(render(s).strip().rstrip(";").strip() for s in new)
        if len(new) == 1 and render(new[0]) == render(statement):
            return  # every name already comes from where it lives
        self.out.statements[statement] = new
        self.out.edits.append(ImportEdit(Location(self.task.path, self._line(statement)),
                                         before, after))

    def _drop_from_all(self) -> None:
        for value in self.statements.all_values:
            chosen = [
                (i, e) for i, e in enumerate(value.elements)
                if not (isinstance(e.value, cst.SimpleString)
                        and e.value.evaluated_value in self.unregistered)
            ]
            if len(chosen) != len(value.elements):
                self.out.sequences[value] = value.with_changes(
                    elements=keep_items(list(value.elements), chosen)
                )


def decide(module: cst.Module, meta: Metadata, task: FileTask, plan: RewritePlan) -> Decisions:
    """Every change to one file, decided from its parse and the plan."""
    return _Decider(module, meta, task, plan).run()
