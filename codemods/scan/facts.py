"""What one file says about imports, as plain values, and how `ast` finds it.

`file_facts` is the exact, complete reading of a file (every import with its context, the
dotted strings in code, the shape of the module body). The analysis uses a faster scanner for
imports on most files (`codemods.scanner`); this module stays the reference it is tested against.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?::[A-Za-z_]\w*)?")
PACKAGE_PREFIX = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
MODULE_LOADERS = frozenset({"import_module", "__import__"})
IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
DYNAMIC_CALLS = {
    "import_module": "import_module",
    "__import__": "__import__",
    "patch": "mock.patch",
    "patch.object": "mock.patch",
    "patch.dict": "mock.patch",
    "setattr": "string",
    "find_spec": "import_module",
    "run_module": "import_module",
}


@dataclass(frozen=True)
class Alias:
    name: str  # as written: "X", "a.b" (for `import a.b`), or "*"
    asname: str | None = None


@dataclass(frozen=True)
class ImportStmt:
    """One import statement where it stands in the file."""

    line: int
    end_line: int
    is_from: bool
    module: str | None  # the part after `from` without its dots (None for `from . import x`)
    level: int  # leading dots of a relative `from` import
    names: tuple[Alias, ...]
    in_function: bool = False
    in_class: bool = False
    type_checking: bool = False  # under `if TYPE_CHECKING:`
    guarded: bool = False  # inside a `try` that catches ImportError
    nested: bool = False  # not a direct statement of the module body (inside if/try/def/...)


@dataclass(frozen=True)
class StringRef:
    """A dotted string in code that may name a module (`importlib.import_module("a.b")`)."""

    line: int
    value: str
    kind: str  # "import_module", "__import__", "mock.patch" or "string"


@dataclass(frozen=True)
class TopStatement:
    """A statement of the module body, classified for shim detection."""

    kind: str  # docstring|import|all|warn|alias|getattr|table|sys_modules|code
    line: int
    names: tuple[str, ...] = ()  # names this statement binds
    target: str = ""  # alias: dotted source; getattr: forwarded module; sys_modules: bound name


@dataclass(frozen=True)
class Body:
    statements: tuple[TopStatement, ...]
    all_names: tuple[str, ...] | None  # the literal __all__, when there is one
    forwards: tuple[str, ...] = ()  # modules a PEP 562 __getattr__ forwards to
    table: tuple[tuple[str, str], ...] = ()  # name -> "module" or "module:attr" of a name table
    defined: tuple[str, ...] = field(default=())  # top-level names bound by real code


@dataclass(frozen=True)
class Facts:
    imports: tuple[ImportStmt, ...]
    strings: tuple[StringRef, ...]
    body: Body | None  # None when the body was not examined (fast path, not a shim candidate)


def _dotted_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted_name(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def _is_type_checking(test: ast.expr) -> bool:
    name = _dotted_name(test)
    return name is not None and name.split(".")[-1] == "TYPE_CHECKING"


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((_dotted_name(t) or "").split(".")[-1] in IMPORT_ERRORS for t in types)


class _Collector(ast.NodeVisitor):
    def __init__(self) -> None:
        self.imports: list[ImportStmt] = []
        self.strings: list[StringRef] = []
        self.function = 0
        self.klass = 0
        self.type_checking = 0
        self.guarded = 0
        self.depth = 0  # statements nested below the module body

    def _context(self) -> dict[str, bool]:
        return {
            "in_function": self.function > 0,
            "in_class": self.klass > 0,
            "type_checking": self.type_checking > 0,
            "guarded": self.guarded > 0,
            "nested": self.depth > 0,
        }

    def visit_Import(self, node: ast.Import) -> None:
        names = tuple(Alias(a.name, a.asname) for a in node.names)
        self.imports.append(
            ImportStmt(
                node.lineno,
                node.end_lineno or node.lineno,
                False,
                None,
                0,
                names,
                **self._context(),
            )
        )

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        names = tuple(Alias(a.name, a.asname) for a in node.names)
        self.imports.append(
            ImportStmt(
                node.lineno,
                node.end_lineno or node.lineno,
                True,
                node.module,
                node.level or 0,
                names,
                **self._context(),
            )
        )

    def _nested(self, node: ast.AST, attr: str | None = None) -> None:
        self.depth += 1
        if attr:
            setattr(self, attr, getattr(self, attr) + 1)
        self.generic_visit(node)
        if attr:
            setattr(self, attr, getattr(self, attr) - 1)
        self.depth -= 1

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._nested(node, "function")

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._nested(node, "function")

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._nested(node, "function")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._nested(node, "klass")

    def visit_If(self, node: ast.If) -> None:
        self.depth += 1
        self.visit(node.test)
        if _is_type_checking(node.test):
            self.type_checking += 1
            for child in node.body:
                self.visit(child)
            self.type_checking -= 1
        else:
            for child in node.body:
                self.visit(child)
        for child in node.orelse:
            self.visit(child)
        self.depth -= 1

    def _visit_try(self, node: ast.Try) -> None:
        self.depth += 1
        guarded = any(_catches_import_error(h) for h in node.handlers)
        self.guarded += guarded
        for child in node.body:
            self.visit(child)
        self.guarded -= guarded
        for handler in node.handlers:
            self.visit(handler)
        for child in [*node.orelse, *node.finalbody]:
            self.visit(child)
        self.depth -= 1

    visit_Try = _visit_try
    visit_TryStar = _visit_try

    def _block(self, node: ast.AST) -> None:
        self._nested(node)

    visit_For = visit_AsyncFor = visit_While = visit_With = visit_AsyncWith = _block
    visit_Match = _block

    def visit_Call(self, node: ast.Call) -> None:
        callee = _dotted_name(node.func) or ""
        kind = None
        for suffix, name in DYNAMIC_CALLS.items():
            if callee == suffix or callee.endswith("." + suffix):
                kind = name
        if kind and node.args:
            first = node.args[0]
            prefix = _computed_prefix(first) if kind in MODULE_LOADERS else None
            if prefix is not None:
                # `import_module("app.plugins." + name)`: any module under that package.
                self.strings.append(StringRef(first.lineno, prefix, kind))
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                self.strings.append(StringRef(first.lineno, first.value, kind))
                for arg in node.args[1:]:
                    self.visit(arg)
                for keyword in node.keywords:
                    self.visit(keyword)
                self.visit(node.func)
                return
        self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        # A bare string statement is a docstring: prose, not a reference.
        if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and DOTTED.fullmatch(node.value):
            self.strings.append(StringRef(node.lineno, node.value, "string"))


def _computed_prefix(node: ast.expr) -> str | None:
    """The package a computed module name starts with: `"a.b." + name`, `f"a.b.{name}"`."""
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        node = node.left
    if isinstance(node, ast.JoinedStr) and node.values:
        node = node.values[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        if text.endswith(".") and PACKAGE_PREFIX.fullmatch(text[:-1]):
            return text[:-1]
    return None


def _literal_strings(node: ast.expr) -> tuple[str, ...] | None:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return tuple(e.value for e in node.elts)  # type: ignore[attr-defined]
    return None


def _is_warning_call(statement: ast.stmt) -> bool:
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    callee = _dotted_name(statement.value.func) or ""
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
            callee = _dotted_name(node.func) or ""
            if callee.split(".")[-1] in ("import_module", "__import__") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append(first.value)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names)
    return tuple(dict.fromkeys(found))


def _string_table(value: ast.expr) -> tuple[tuple[str, str], ...] | None:
    if not isinstance(value, ast.Dict) or not value.keys:
        return None
    pairs: list[tuple[str, str]] = []
    for key, item in zip(value.keys, value.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        if isinstance(item, ast.Constant) and isinstance(item.value, str):
            pairs.append((key.value, item.value))
        elif (
            isinstance(item, ast.Tuple)
            and (strings := _literal_strings(item))
            and len(strings) == 2
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
        and _is_type_checking(statement.test)
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
            source = _dotted_name(value)
            if source and source.split(".")[0] in imported:
                return TopStatement("alias", line, names, source)
            if _string_table(value) is not None:
                return TopStatement("table", line, names)
            target = statement.targets[0]
            if isinstance(target, ast.Subscript) and (_dotted_name(target.value) or "").endswith(
                "sys.modules"
            ):
                return TopStatement("sys_modules", line, (), source or "")
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if isinstance(target, ast.Subscript) and _dotted_name(target.value) in (
            "sys.modules",
            "modules",
        ):
            return TopStatement("sys_modules", line, (), _dotted_name(statement.value) or "")
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        callee = _dotted_name(statement.value.func) or ""
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
            all_names = _literal_strings(value) if value is not None else None
        elif isinstance(statement, ast.AugAssign) and _bound_names(statement) == ("__all__",):
            extra = _literal_strings(statement.value)
            all_names = (all_names or ()) + extra if extra is not None else None
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if statement.name == "__getattr__":
                forwards = _forwards(statement)
        elif isinstance(statement, ast.Assign) and statement.value is not None:
            found = _string_table(statement.value)
            if found is not None:
                table = found
    defined = tuple(
        name for s in statements if s.kind == "code" for name in s.names if name != "__all__"
    )
    return Body(statements, all_names, forwards, table, defined)


def parse(source: str | bytes, filename: str = "<unknown>") -> ast.Module:
    """Parse with the newest grammar; raises SyntaxError/ValueError for what does not parse."""
    return ast.parse(source, filename=filename)


def file_facts(tree: ast.Module, with_body: bool = True) -> Facts:
    collector = _Collector()
    collector.visit(tree)
    return Facts(
        tuple(collector.imports),
        tuple(collector.strings),
        module_body(tree) if with_body else None,
    )
