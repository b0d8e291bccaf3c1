"""The static evaluation of a module's top-level statements, in order, into a `Namespace`.

Pure: it reads the `ast` it is given, and asks `Context.is_module` (does the repository have
that module) and `Context.helper` (the `def` of a function another module defines, for a
`__getattr__` that calls one) of the index it was made from. A later binding always replaces
an earlier one: `from pkg.text import slugify` then `def slugify(...)` leaves slugify defined
here. Statements that only warn are deprecation notices, not code.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from unshim.codemods.analyze.forwarders import Scope, is_notice, loaded_module, trace_getattr
from unshim.codemods.analyze.namespace import (
    NOT_CODE,
    Aliased,
    Binding,
    Conditional,
    Defined,
    Imported,
    Namespace,
    Starred,
)
from unshim.codemods.names import from_base
from unshim.codemods.scan.body import literal_strings, string_table
from unshim.codemods.scan.nodes import catches_import_error, dotted_name, is_type_checking

HelperLookup = Callable[[Imported], ast.FunctionDef | ast.AsyncFunctionDef | None]


@dataclass(frozen=True)
class Context:
    module: str
    path: str
    is_package: bool
    is_module: Callable[[str], bool]
    helper: HelperLookup


@dataclass
class _State:
    bindings: dict[str, Binding] = field(default_factory=dict)
    all_names: tuple[str, ...] | None = None
    stars: list[Starred] = field(default_factory=list)
    notices: list[int] = field(default_factory=list)
    code: list[tuple[int, str]] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)
    tables: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    alias: tuple[Imported | Aliased, int] | None = None
    helpers: set[str] = field(default_factory=set)
    patches: list[_Patch] = field(default_factory=list)

    def use(self, node: ast.AST) -> None:
        """The names a statement of the module's plumbing reads are helpers."""
        self.helpers.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name))

    def branch(self) -> _State:
        return _State(dict(self.bindings), self.all_names, constants=dict(self.constants))


@dataclass(frozen=True)
class _Patch:
    """`M.attr = value` on a module `M` the module imported: real code, unless `M` is what the
    module hands itself over to (`sys.modules[__name__] = M`), where it is only a side effect
    on that module. Until that is known it is booked as code; `evaluate` undoes the booking."""

    line: int
    module: Imported | Aliased
    attributes: tuple[str, ...]  # as written: "_j.logger"
    code: tuple[int, str]  # the entry booked in `code`
    bound: tuple[tuple[str, Binding | None, Binding], ...]  # (name, before, booked)
    node: ast.stmt


def _same_module(one: Imported | Aliased, other: Imported | Aliased) -> bool:
    if isinstance(one, Imported) and isinstance(other, Imported):
        return (one.module, one.name) == (other.module, other.name)
    return isinstance(one, Aliased) and isinstance(other, Aliased) and one.source == other.source


def _bound(target: ast.expr) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


def _helper_name(name: str) -> bool:
    """A private or dunder name: a shim's own plumbing (`_TARGET`, `__version__`)."""
    return name.startswith("_")


class _Evaluator:
    def __init__(self, context: Context) -> None:
        self.context = context

    def block(self, statements: list[ast.stmt], state: _State, top: bool = False) -> None:
        for number, statement in enumerate(statements):
            if top and number == 0 and _is_docstring(statement):
                continue
            self.statement(statement, state)

    def statement(self, node: ast.stmt, state: _State) -> None:
        line = node.lineno
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    state.bindings[alias.asname] = Imported(alias.name, None, line)
                else:
                    head = alias.name.split(".")[0]
                    state.bindings[head] = Imported(head, None, line)
        elif isinstance(node, ast.ImportFrom):
            self._from_import(node, state)
        elif isinstance(node, ast.If) and is_type_checking(node.test):
            self.block(node.orelse, state)  # what only type checkers see binds nothing
        elif isinstance(node, ast.If):
            state.use(node.test)
            self._branches(node, [node.body, node.orelse], state, "if/else")
        elif isinstance(node, ast.Try) and not node.finalbody:
            self._try(node, state)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            self._assign(node, state)
        elif isinstance(node, ast.Expr):
            self._expression(node, state)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name not in NOT_CODE:
                state.bindings[node.name] = Defined(line, "def")
                state.code.append((line, node.name))
            else:
                state.use(node)
                if node.name == "__getattr__":
                    state.bindings["__getattr__"] = Defined(line, "def")
        elif isinstance(node, ast.ClassDef):
            state.bindings[node.name] = Defined(line, "class")
            state.code.append((line, node.name))
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    state.bindings.pop(target.id, None)
        elif not isinstance(node, ast.Pass):
            names = [n for child in ast.walk(node) for n in _stored(child)]
            for name in names:
                state.bindings[name] = Defined(line, "statement")
            state.code.append((line, ", ".join(dict.fromkeys(names)) or "a statement"))

    def _from_import(self, node: ast.ImportFrom, state: _State) -> None:
        if node.module == "__future__":
            return
        context = self.context
        base = from_base(context.module, context.is_package, node.module, node.level)
        if base is None:
            return
        for alias in node.names:
            if alias.name == "*":
                state.stars.append(Starred(base, node.lineno))
            else:
                state.bindings[alias.asname or alias.name] = Imported(base, alias.name, node.lineno)

    def _try(self, node: ast.Try, state: _State) -> None:
        guarded = any(catches_import_error(h) for h in node.handlers)
        body = state.branch()
        self.block([*node.body, *node.orelse], body)
        if (
            guarded
            and all(self._repository_import(b) for b in _new(state, body).values())
            and all(_no_alternative(h.body) for h in node.handlers)
        ):
            # A repository module imports (its own code is there), and the fallback offers
            # nothing in its place: what the body binds is the name's one home. A fallback
            # that imports or runs something else is an alternative the module may really
            # take (`django.contrib.gis` without GDAL): the name is conditional.
            _absorb(state, body)
            state.bindings.update(_new(state, body))
            return
        why = "try/except ImportError" if guarded else "try/except"
        branches = [body]
        for handler in node.handlers:
            branch = state.branch()
            self.block(handler.body, branch)
            branches.append(branch)
        self._merge(node.lineno, branches, state, why)

    def _repository_import(self, binding: Binding) -> bool:
        return isinstance(binding, Imported) and self.context.is_module(binding.module)

    def _branches(
        self, node: ast.stmt, blocks: list[list[ast.stmt]], state: _State, why: str
    ) -> None:
        branches = []
        for statements in blocks:
            branch = state.branch()
            self.block(statements, branch)
            branches.append(branch)
        self._merge(node.lineno, branches, state, why)

    def _merge(self, line: int, branches: list[_State], state: _State, why: str) -> None:
        names = {n for b in branches for n in _new(state, b)}
        for name in sorted(names):
            found = [b.bindings.get(name) for b in branches]
            distinct = list(dict.fromkeys(found))
            if len(distinct) == 1 and distinct[0] is not None:
                state.bindings[name] = distinct[0]
                continue
            candidates: list[Imported | Aliased | Defined] = []
            for binding in distinct:
                if isinstance(binding, Conditional):
                    candidates.extend(binding.candidates)
                elif binding is not None:
                    candidates.append(binding)
            state.bindings[name] = Conditional(tuple(dict.fromkeys(candidates)), line, why)
        for branch in branches:
            _absorb(state, branch)

    def _assign(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign, state: _State) -> None:
        line, value = node.lineno, node.value
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if len(targets) == 1 and isinstance(targets[0], ast.Name) and value is not None:
            name = targets[0].id
            if name == "__all__":
                listed = literal_strings(value)
                if isinstance(node, ast.AugAssign):
                    listed = (state.all_names or ()) + listed if listed is not None else None
                state.all_names = listed
                return
            if not isinstance(node, ast.AugAssign) and self._plain(name, value, line, state):
                return
        if (
            len(targets) == 1
            and isinstance(targets[0], ast.Subscript)
            and value is not None
            and (dotted_name(targets[0].value) or "").split(".")[-1] == "modules"
        ):
            module = loaded_module(value, self._scope(state, unbooked=True))
            if module is not None:
                state.alias = (module, line)
                state.use(node)
                return
        patched = self._patched_module(targets, state) if value is not None else None
        names = [n for t in targets for n in _bound(t)]
        before = [(name, state.bindings.get(name)) for name in dict.fromkeys(names)]
        for name in names:
            state.bindings[name] = Defined(line, "assignment")
        entry = (line, ", ".join(dict.fromkeys(names)) or "a statement")
        state.code.append(entry)
        if patched is not None:
            bound = tuple((name, old, state.bindings[name]) for name, old in before)
            attributes = tuple(dotted_name(t) or "" for t in targets)
            state.patches.append(_Patch(line, patched, attributes, entry, bound, node))

    def _patched_module(
        self, targets: Sequence[ast.expr], state: _State
    ) -> Imported | Aliased | None:
        """The one imported module every target is an attribute of, if there is one."""
        found: list[Imported | Aliased] = []
        for target in targets:
            if not isinstance(target, ast.Attribute) or dotted_name(target) is None:
                return None
            module = loaded_module(target.value, self._scope(state, unbooked=True))
            if module is None:
                return None
            found.append(module)
        first = found[0] if found else None
        if first is None or not all(_same_module(first, other) for other in found):
            return None
        return first

    def _plain(self, name: str, value: ast.expr, line: int, state: _State) -> bool:
        """An assignment that binds without running code of this module: an alias of an
        imported name, a module loaded by name, a string constant or a table of strings."""
        source = dotted_name(value)
        head = state.bindings.get(source.split(".")[0]) if source else None
        if source and isinstance(head, (Imported, Aliased, Conditional)):
            state.bindings[name] = Aliased(source, line)
            return True
        module = loaded_module(value, self._scope(state)) if isinstance(value, ast.Call) else None
        if module is not None:
            state.bindings[name] = module
            state.use(value)
            return True
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            state.constants[name] = value.value
        table = string_table(value)
        if table is not None:
            state.tables[name] = table
        if (table is not None or name in state.constants) and _helper_name(name):
            state.bindings[name] = Defined(line, "constant")
            return True
        return False

    def _expression(self, node: ast.Expr, state: _State) -> None:
        value = node.value
        if isinstance(value, ast.Constant):
            return  # a string in the middle of the module: documentation
        if isinstance(value, ast.Call) and is_notice(value):
            state.notices.append(node.lineno)
            state.use(value)
            return
        if isinstance(value, ast.Call) and dotted_name(value.func) in (
            "__all__.extend",
            "__all__.append",
        ):
            extra = literal_strings(value.args[0]) if value.args else None
            if dotted_name(value.func) == "__all__.append" and value.args:
                first = value.args[0]
                text = first.value if isinstance(first, ast.Constant) else None
                extra = (text,) if isinstance(text, str) else None
            state.all_names = (state.all_names or ()) + extra if extra is not None else None
            return
        state.code.append((node.lineno, "a statement"))

    def _scope(self, state: _State, unbooked: bool = False) -> Scope:
        """`unbooked`: with each name an attribute assignment booked as code bound to what it
        was before (`M.attr = ...` does not rebind `M`), to tell which module it patches."""
        context = self.context
        bindings = state.bindings
        if unbooked and state.patches:
            bindings = dict(bindings)
            for patch in reversed(state.patches):  # the last booking first: `M.a = 1; M.b = 2`
                for name, before, booked in patch.bound:
                    if before is not None and bindings.get(name) is booked:
                        bindings[name] = before
        return Scope(context.module, context.is_package, bindings, state.constants, state.tables)


def _stored(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        return [node.id]
    return []


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _new(before: _State, after: _State) -> dict[str, Binding]:
    return {n: b for n, b in after.bindings.items() if before.bindings.get(n) is not b}


def _absorb(state: _State, branch: _State) -> None:
    state.stars.extend(branch.stars)
    state.notices.extend(branch.notices)
    state.code.extend(branch.code)
    state.constants.update(branch.constants)
    state.tables.update(branch.tables)
    state.alias = branch.alias or state.alias
    state.helpers |= branch.helpers
    if branch.all_names is not None:
        state.all_names = branch.all_names


def _side_effects(state: _State) -> tuple[tuple[int, str], ...]:
    """The attribute assignments on the module this one hands itself over to: no code of this
    module (its namespace is thrown away), but a change to that module that only happens when
    this one is imported. Their booking as code is undone."""
    if state.alias is None:
        return ()
    target = state.alias[0]
    effects: list[tuple[int, str]] = []
    for patch in reversed(state.patches):  # undone from the last, as they were booked
        if not _same_module(patch.module, target) or patch.code not in state.code:
            continue
        state.code.remove(patch.code)
        for name, before, booked in patch.bound:
            if state.bindings.get(name) is booked:
                if before is None:
                    del state.bindings[name]
                else:
                    state.bindings[name] = before
        state.use(patch.node)
        effects.extend((patch.line, attribute) for attribute in patch.attributes)
    return tuple(sorted(effects))


def evaluate(tree: ast.Module, context: Context) -> Namespace:
    state = _State()
    _Evaluator(context).block(tree.body, state, top=True)
    effects = _side_effects(state)
    getattr_def = next(
        (
            s
            for s in reversed(tree.body)
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__getattr__"
        ),
        None,
    )
    scope = Scope(context.module, context.is_package, state.bindings, state.constants, state.tables)
    local_defs = {
        s.name: s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    forwarder = (
        trace_getattr(getattr_def, scope, context.helper, local_defs)
        if getattr_def is not None
        else None
    )
    bindings = {n: b for n, b in state.bindings.items() if n != "__getattr__"}
    return Namespace(
        context.module,
        context.path,
        bindings,
        state.all_names,
        tuple(state.stars),
        forwarder,
        state.alias,
        tuple(state.notices),
        tuple(state.code),
        frozenset(state.helpers),
        effects,
    )


def _no_alternative(handler: list[ast.stmt]) -> bool:
    """Whether an `except ImportError:` block only gives up: `pass`, `raise`, names set to
    constants (`X = None`), a docstring-like expression."""
    for statement in handler:
        if isinstance(statement, (ast.Pass, ast.Raise)):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue
        if (
            isinstance(statement, (ast.Assign, ast.AnnAssign))
            and isinstance(statement.value, ast.Constant)
            and all(isinstance(t, ast.Name) for t in _targets(statement))
        ):
            continue
        return False
    return True


def _targets(statement: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return statement.targets if isinstance(statement, ast.Assign) else [statement.target]
