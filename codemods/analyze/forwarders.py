"""Where a PEP 562 `__getattr__` gets what it returns: the return value traced, inside the
function, to the module it is looked up in (`trace_getattr`).

Understood: `getattr(M, name)`, `M.__dict__[name]`, a name table `_TABLE[name]` whose values
name modules, a local variable holding one of these, and a call of a helper of the project,
read one level deep with the literal arguments of the call (SciPy's
`_sub_module_deprecation(sub_package="constants", private_modules=["_codata"], ...)`). `M` is a
module imported in the function or at module level, or `importlib.import_module(C)` with `C` a
string literal or a module-level string constant. Modules the function imports for itself
(`warnings`) are never targets: only what the return value comes from is.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from unshim.codemods.analyze.namespace import Aliased, Binding, Forwarder, Imported
from unshim.codemods.names import from_base
from unshim.codemods.scan.nodes import dotted_name

MODULE_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?::[A-Za-z_]\w*)?")
LOADERS = frozenset({"import_module", "__import__"})
Helper = Callable[[Imported], ast.FunctionDef | ast.AsyncFunctionDef | None]
Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Scope:
    """The module-level names a function sees."""

    module: str
    is_package: bool
    bindings: Mapping[str, Binding]
    constants: Mapping[str, str]
    tables: Mapping[str, tuple[tuple[str, str], ...]]


def is_notice(call: ast.Call) -> bool:
    """A call that only warns: `warnings.warn(...)`, `SomeWarning(...).warn()`, or a helper
    whose name says it deprecates."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "warn":
        return True
    name = dotted_name(func) or ""
    last = name.split(".")[-1]
    return last == "warn" or "deprecat" in last.lower()


def _string(node: ast.expr, constants: Mapping[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def loaded_module(node: ast.expr, scope: Scope) -> Imported | Aliased | None:
    """The module an expression evaluates to: a name bound to an import, or a module loaded
    by a literal name (`importlib.import_module("a.b")`)."""
    line = getattr(node, "lineno", 0)
    if isinstance(node, ast.Call):
        callee = (dotted_name(node.func) or "").split(".")[-1]
        if callee in LOADERS and node.args:
            name = _string(node.args[0], scope.constants)
            if name is not None and not name.startswith("."):
                return Imported(name, None, line)
        return None
    dotted = dotted_name(node)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    binding = scope.bindings.get(head)
    if isinstance(binding, Imported):
        if not rest:
            return binding
        if binding.name is None:
            return Imported(f"{binding.module}.{rest}", None, line)
    if isinstance(binding, Aliased) and not rest:
        return binding
    return None


class _Tracer:
    def __init__(self, scope: Scope, helper: Helper, local_defs: Mapping[str, Function]) -> None:
        self.scope = scope
        self.helper = helper
        self.local_defs = local_defs
        self.table: tuple[tuple[str, str], ...] = ()

    def function(self, function: Function) -> list[Imported]:
        bindings = dict(self.scope.bindings)
        constants = dict(self.scope.constants)
        assigned: dict[str, ast.expr] = {}
        for node in _own_nodes(function):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    module = alias.name if alias.asname else local
                    bindings[local] = Imported(module, None, node.lineno)
            elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
                scope = self.scope
                base = from_base(scope.module, scope.is_package, node.module, node.level)
                for alias in node.names:
                    if base and alias.name != "*":
                        local = alias.asname or alias.name
                        bindings[local] = Imported(base, alias.name, node.lineno)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    assigned[target.id] = node.value
                    text = _string(node.value, constants)
                    if text is not None:
                        constants[target.id] = text
        inner = Scope(
            self.scope.module, self.scope.is_package, bindings, constants, self.scope.tables
        )
        found: list[Imported] = []
        for node in _own_nodes(function):
            if isinstance(node, ast.Return) and node.value is not None:
                found.extend(self.value(node.value, inner, assigned, 0))
        return list(dict.fromkeys(found))

    def value(
        self, node: ast.expr, scope: Scope, assigned: Mapping[str, ast.expr], depth: int
    ) -> list[Imported]:
        if depth > 4:
            return []
        if isinstance(node, ast.Name) and node.id in assigned:
            return self.value(assigned[node.id], scope, assigned, depth + 1)
        if isinstance(node, ast.Subscript):
            holder = node.value
            if isinstance(holder, ast.Attribute) and holder.attr == "__dict__":
                return self.module(holder.value, scope, assigned, depth)
            return self.lookup(holder)
        if not isinstance(node, ast.Call):
            return []
        callee = dotted_name(node.func) or ""
        if callee == "getattr" and len(node.args) >= 2:
            return self.module(node.args[0], scope, assigned, depth)
        if callee.split(".")[-1] in LOADERS and node.args:
            return self.module(node, scope, assigned, depth)
        if isinstance(node.func, ast.Name):
            return self.call(node, scope)
        return []

    def module(
        self, node: ast.expr, scope: Scope, assigned: Mapping[str, ast.expr], depth: int
    ) -> list[Imported]:
        if isinstance(node, ast.Name) and node.id in assigned and node.id not in scope.bindings:
            return self.module(assigned[node.id], scope, assigned, depth + 1)
        if isinstance(node, ast.Call) and node.args:
            callee = (dotted_name(node.func) or "").split(".")[-1]
            argument = node.args[0]
            if isinstance(argument, ast.Name) and argument.id in assigned:
                argument = assigned[argument.id]  # `target = _MOVED[name]`
            if callee in LOADERS and isinstance(argument, ast.Subscript):
                return self.lookup(argument.value)
        found = loaded_module(node, scope)
        return [found] if isinstance(found, Imported) else []

    def lookup(self, holder: ast.expr) -> list[Imported]:
        """`_TABLE[name]`: the modules a table of the module names, when all its values do."""
        if not isinstance(holder, ast.Name) or holder.id not in self.scope.tables:
            return []
        pairs = self.scope.tables[holder.id]
        if not all(MODULE_PATH.fullmatch(value) for _, value in pairs):
            return []
        self.table = pairs
        return [Imported(v.partition(":")[0], None, 0) for _, v in pairs]

    def call(self, node: ast.Call, scope: Scope) -> list[Imported]:
        """A helper called with literal arguments: the modules it loads, one level deep."""
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        binding = scope.bindings.get(name)
        function: Function | None = None
        if isinstance(binding, Imported) and binding.name is not None:
            function = self.helper(binding)
        elif name in self.local_defs:
            function = self.local_defs[name]
        if function is None:
            return []
        return _helper_modules(function, node)


def _own_nodes(function: Function) -> list[ast.AST]:
    """The nodes of the function's body, nested functions and classes left out."""
    found: list[ast.AST] = []
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop(0)
        found.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            pending.extend(ast.iter_child_nodes(node))
    return found


def _helper_modules(function: Function, call: ast.Call) -> list[Imported]:
    """The modules `function` returns attributes of, its parameters bound to the call's
    literal arguments (strings and lists of strings)."""
    env: dict[str, tuple[str, ...]] = {}
    positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    for parameter, argument in zip(positional, call.args, strict=False):
        if (values := _literal(argument)) is not None:
            env[parameter] = values
    for keyword in call.keywords:
        if keyword.arg and (values := _literal(keyword.value)) is not None:
            env[keyword.arg] = values
    nodes = _own_nodes(function)
    for _ in range(2):  # loops and assignments may refer to one another
        for node in nodes:
            if (
                isinstance(node, ast.For)
                and isinstance(node.target, ast.Name)
                and isinstance(node.iter, ast.Name)
                and node.iter.id in env
            ):
                env[node.target.id] = env[node.iter.id]
    found: list[Imported] = []
    for node in nodes:
        if not (isinstance(node, ast.Return) and isinstance(node.value, ast.Call)):
            continue
        value = node.value
        if dotted_name(value.func) != "getattr" or not value.args:
            continue
        loader = value.args[0]
        if not (isinstance(loader, ast.Call) and loader.args):
            continue
        if (dotted_name(loader.func) or "").split(".")[-1] not in LOADERS:
            continue
        for name in _formatted(loader.args[0], env):
            found.append(Imported(name, None, node.lineno))
    return found


def _literal(node: ast.expr) -> tuple[str, ...] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return tuple(e.value for e in node.elts)  # type: ignore[attr-defined]
    return None


def _formatted(node: ast.expr, env: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Every string an f-string, a literal or a parameter can be, given `env`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name):
        return list(env.get(node.id, ()))
    if not isinstance(node, ast.JoinedStr):
        return []
    parts: list[tuple[str, ...]] = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append((value.value,))
        elif (
            isinstance(value, ast.FormattedValue)
            and isinstance(value.value, ast.Name)
            and value.value.id in env
            and value.format_spec is None
        ):
            parts.append(env[value.value.id])
        else:
            return []
    return ["".join(p) for p in itertools.product(*parts)]


def trace_getattr(
    function: Function, scope: Scope, helper: Helper, local_defs: Mapping[str, Function]
) -> Forwarder:
    tracer = _Tracer(scope, helper, local_defs)
    targets = tracer.function(function)
    notices = tuple(
        node.lineno
        for node in _own_nodes(function)
        if isinstance(node, ast.Call) and is_notice(node)
    )
    return Forwarder(function.lineno, tuple(targets), tracer.table, bool(notices), notices)
