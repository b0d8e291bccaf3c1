"""The module body classified statement by statement, for shim detection (`module_body`)."""

from __future__ import annotations

import ast

from unshim.codemods.scan.facts import Body, TopStatement
from unshim.codemods.scan.nodes import dotted_name, is_type_checking


def literal_strings(node: ast.expr) -> tuple[str, ...] | None:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return tuple(e.value for e in node.elts)  # type: ignore[attr-defined]
    return None


def _is_warning_call(statement: ast.stmt) -> bool:
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    callee = dotted_name(statement.value.func) or ""
    return callee.split(".")[-1] == "warn"


def _only_imports(statements: list[ast.stmt]) -> bool:
    return all(
        isinstance(s, (ast.Import, ast.ImportFrom, ast.Pass))
        or (
            isinstance(s, ast.Assign)
            and isinstance(s.value, ast.Constant)
            and s.value.value is None
        )
        or _is_warning_call(s)
        for s in statements
    )


def _bound_names(statement: ast.stmt) -> tuple[str, ...]:
    names: list[str] = []
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names.append(statement.name)
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = list(statement.targets)
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        targets = [statement.target]
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                names.append(node.id)
    return tuple(names)


def _forwards(function: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    """Modules a module-level __getattr__ hands lookups to."""
    found: list[str] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            callee = dotted_name(node.func) or ""
            if callee.split(".")[-1] in ("import_module", "__import__") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append(first.value)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names)
    return tuple(dict.fromkeys(found))


def string_table(value: ast.expr) -> tuple[tuple[str, str], ...] | None:
    if not isinstance(value, ast.Dict) or not value.keys:
        return None
    pairs: list[tuple[str, str]] = []
    for key, item in zip(value.keys, value.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        if isinstance(item, ast.Constant) and isinstance(item.value, str):
            pairs.append((key.value, item.value))
        elif (
            isinstance(item, ast.Tuple) and (strings := literal_strings(item)) and len(strings) == 2
        ):
            pairs.append((key.value, f"{strings[0]}:{strings[1]}"))
        else:
            return None
    return tuple(pairs)


def _classify(statement: ast.stmt, index: int, imported: set[str]) -> TopStatement:
    line = statement.lineno
    if (
        index == 0
        and isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    ):
        return TopStatement("docstring", line)
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return TopStatement("import", line)
    if (
        isinstance(statement, ast.If)
        and is_type_checking(statement.test)
        and _only_imports(statement.body)
        and _only_imports(statement.orelse)
    ):
        return TopStatement("import", line)
    if isinstance(statement, ast.Try) and _only_imports(statement.body):
        handlers_ok = all(_only_imports(h.body) for h in statement.handlers)
        if handlers_ok and _only_imports(statement.orelse) and not statement.finalbody:
            return TopStatement("import", line)
    if _is_warning_call(statement):
        return TopStatement("warn", line)
    if isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        names = _bound_names(statement)
        value = statement.value
        if names == ("__all__",):
            return TopStatement("all", line, names)
        if isinstance(statement, ast.Assign) and len(names) == 1 and value is not None:
            source = dotted_name(value)
            if source and source.split(".")[0] in imported:
                return TopStatement("alias", line, names, source)
            if string_table(value) is not None:
                return TopStatement("table", line, names)
            target = statement.targets[0]
            if isinstance(target, ast.Subscript) and (dotted_name(target.value) or "").endswith(
                "sys.modules"
            ):
                return TopStatement("sys_modules", line, (), source or "")
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if isinstance(target, ast.Subscript) and dotted_name(target.value) in (
            "sys.modules",
            "modules",
        ):
            return TopStatement("sys_modules", line, (), dotted_name(statement.value) or "")
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        callee = dotted_name(statement.value.func) or ""
        if callee == "__all__.extend" or callee == "__all__.append":
            return TopStatement("all", line, ("__all__",))
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name in (
        "__getattr__",
        "__dir__",
    ):
        return TopStatement("getattr", line, (statement.name,))
    if isinstance(statement, ast.Delete):
        return TopStatement("import", line)  # `del` of a helper name binds nothing
    return TopStatement("code", line, _bound_names(statement))


def module_body(tree: ast.Module) -> Body:
    imported: set[str] = set()
    # Module-scope statements only, blocks of if/try included: what an import binds inside a
    # function is that function's.
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            for alias in statement.names:
                imported.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(statement, ast.If):
            pending.extend([*statement.body, *statement.orelse])
        elif isinstance(statement, ast.Try):
            pending.extend([*statement.body, *statement.orelse, *statement.finalbody])
            for handler in statement.handlers:
                pending.extend(handler.body)
    statements = tuple(_classify(s, i, imported) for i, s in enumerate(tree.body))
    all_names: tuple[str, ...] | None = None
    forwards: tuple[str, ...] = ()
    table: tuple[tuple[str, str], ...] = ()
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and _bound_names(statement) == (
            "__all__",
        ):
            value = statement.value
            all_names = literal_strings(value) if value is not None else None
        elif isinstance(statement, ast.AugAssign) and _bound_names(statement) == ("__all__",):
            extra = literal_strings(statement.value)
            all_names = (all_names or ()) + extra if extra is not None else None
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if statement.name == "__getattr__":
                forwards = _forwards(statement)
        elif isinstance(statement, ast.Assign) and statement.value is not None:
            found = string_table(statement.value)
            if found is not None:
                table = found
    defined = tuple(
        name for s in statements if s.kind == "code" for name in s.names if name != "__all__"
    )
    return Body(statements, all_names, forwards, table, defined)
