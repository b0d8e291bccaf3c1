"""Does importing a module do something beyond binding names?

A shim that registers a plugin or patches another module at import time must keep being
imported: bypassing it would silently drop that effect. A deprecation warning is not such an
effect; bypassing it is the point.
"""

from __future__ import annotations

import ast

from unshim.codemods.scan.collector import parse

BINDING_ONLY = (ast.Import, ast.ImportFrom, ast.Pass)
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# Decorators that only shape the definition they decorate. Any other one may register it
# somewhere (`@app.route("/")`, `@receiver(signal)`, `@registry.register`) when the module is
# imported.
SHAPING_DECORATORS = frozenset(
    {
        "abstractmethod", "asynccontextmanager", "cache", "cached_property", "classmethod",
        "contextmanager", "dataclass", "deprecated", "final", "lru_cache", "overload",
        "override", "property", "runtime_checkable", "singledispatch", "staticmethod",
        "total_ordering", "unique", "wraps",
    }
)  # fmt: skip


def _is_docstring_or_warning(statement: ast.stmt) -> bool:
    if not isinstance(statement, ast.Expr):
        return False
    value = statement.value
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name == "warn"
    return False


def _binds_names_only(statement: ast.stmt) -> bool:
    """`X = ...`, `X: T = ...`, `__all__ += [...]`: binds module names and touches nothing else."""
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        targets = [statement.target]
    else:
        return False
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, (ast.Attribute, ast.Subscript)):
                return False  # `other.attr = ...`, `registry[key] = ...`: patching
    return True


def _registering_decorator(statement: ast.stmt) -> ast.expr | None:
    """The first decorator of a definition that may do more than shape it."""
    decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
    for decorator in decorators:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name not in SHAPING_DECORATORS:
            return decorator
    return None


def _is_type_checking_block(statement: ast.stmt) -> bool:
    if not isinstance(statement, ast.If):
        return False
    test = statement.test
    name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", "")
    return name == "TYPE_CHECKING"


def side_effect_lines(text: str) -> tuple[int, ...]:
    """Lines of top-level statements that run code when the module is imported: calls other
    than `warnings.warn`, assignments to attributes or items, loops, `with`, `try` with code.
    Assignments to plain names (even from a call) and definitions count as defining names, not
    as effects: that is what an impure shim's own code usually is; but a decorator that may
    register the definition (anything but the ones that only shape it, `@property`,
    `@dataclass`, ...) is an effect, at its line."""
    try:
        tree = parse(text)
    except (SyntaxError, ValueError):
        return ()
    lines: list[int] = []
    for statement in tree.body:
        if isinstance(statement, DEFINITIONS):
            decorator = _registering_decorator(statement)
            if decorator is not None:
                lines.append(decorator.lineno)
            continue
        if isinstance(statement, BINDING_ONLY) or _is_docstring_or_warning(statement):
            continue
        if _binds_names_only(statement) or _is_type_checking_block(statement):
            continue
        if isinstance(statement, ast.Try) and all(
            isinstance(s, (ast.Import, ast.ImportFrom, ast.Pass, ast.Assign))
            for part in (statement.body, *(h.body for h in statement.handlers))
            for s in part
        ):
            continue  # an import guard
        if isinstance(statement, ast.Delete):
            continue
        lines.append(statement.lineno)
    return tuple(lines)
