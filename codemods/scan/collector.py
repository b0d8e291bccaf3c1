"""The `ast` reading of a file: every import with its context and the dotted strings in code
(`file_facts`, the reference the scanner is tested against), and `parse`.
"""

from __future__ import annotations

import ast
import warnings

from unshim.codemods.scan.body import module_body
from unshim.codemods.scan.facts import (
    DOTTED,
    DYNAMIC_CALLS,
    MODULE_LOADERS,
    PACKAGE_PREFIX,
    Alias,
    Facts,
    ImportStmt,
    StringRef,
)
from unshim.codemods.scan.nodes import catches_import_error, dotted_name, is_type_checking
from unshim.codemods.scan.templates import bytes_refs, template_refs


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
        if is_type_checking(node.test):
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
        guarded = any(catches_import_error(h) for h in node.handlers)
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
        callee = dotted_name(node.func) or ""
        kind = None
        for suffix, name in DYNAMIC_CALLS.items():
            if callee == suffix or callee.endswith("." + suffix):
                kind = name
        table = _replaced_modules(callee, node) if kind == "mock.patch" else None
        if table is not None:
            # `patch.dict(sys.modules, {"a.b": fake})`: the module object itself is replaced.
            for key in table.keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    self.strings.append(StringRef(key.lineno, key.value, "sys.modules"))
                elif key is not None:
                    self.visit(key)
            for child in [*table.values, *node.args[2:], *node.keywords, node.func]:
                self.visit(child)
            return
        if kind in ("mock.patch", "setattr") and _on_object(callee, node):
            # `patch.object(shim, "X")`, `setattr(shim, "X", v)`: the plan finds what the
            # first argument is bound to.
            attribute = node.args[1]
            assert isinstance(attribute, ast.Constant) and isinstance(attribute.value, str)
            value = f"{dotted_name(node.args[0])}.{attribute.value}"
            self.strings.append(StringRef(node.lineno, value, "patch.object"))
        if kind and node.args:
            first = node.args[0]
            prefix = _computed_prefix(first) if kind in MODULE_LOADERS else None
            if prefix is not None:
                # `import_module("app.plugins." + name)`: any module under that package.
                self.strings.append(StringRef(first.lineno, prefix, kind))
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                self.strings.append(StringRef(first.lineno, first.value, kind))
                self._templates(first.lineno, first.value)
                for arg in node.args[1:]:
                    self.visit(arg)
                for keyword in node.keywords:
                    self.visit(keyword)
                self.visit(node.func)
                return
        self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        # A bare string statement is a docstring: prose, not a reference. A bare bytes
        # statement does nothing either.
        value = node.value
        if not (isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes))):
            self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self._dotted(node)
            self._templates(node.lineno, node.value)
        elif isinstance(node.value, bytes):
            for word in bytes_refs(node.value):
                self.strings.append(StringRef(node.lineno, word, "string"))

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if not isinstance(node.op, ast.Add):
            self.generic_visit(node)
            return
        # `"app.plugins." + name`, `name + ".formats"`: the other operand is computed.
        for operand in (node.left, node.right):
            if isinstance(operand, ast.Constant) and isinstance(operand.value, str):
                self._dotted(operand)
                self._templates(operand.lineno, operand.value, joined=True)
            elif isinstance(operand, ast.JoinedStr):
                self._joined_str(operand, joined=True)
            else:
                self.visit(operand)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self._joined_str(node, joined=False)

    def _joined_str(self, node: ast.JoinedStr, joined: bool) -> None:
        # `f"django.conf.locale.{loc}"`: the fields are the computed parts of the template.
        text = "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}"
            for v in node.values
        )
        self._templates(node.lineno, text, joined)
        for value in node.values:
            if isinstance(value, ast.Constant):
                self._dotted(value)
            else:
                self.visit(value)

    def _dotted(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and DOTTED.fullmatch(node.value):
            self.strings.append(StringRef(node.lineno, node.value, "string"))

    def _templates(self, line: int, text: str, joined: bool = False) -> None:
        # The value is the whole template, a `+` operand marked by a `+` at its open end:
        # the references read its head and tail again from it.
        for kind, _ in template_refs(text, joined):
            value = text
            if joined and text.startswith("."):
                value = "+" + value
            if joined and text.endswith("."):
                value = value + "+"
            self.strings.append(StringRef(line, value, kind))


def _on_object(callee: str, node: ast.Call) -> bool:
    """`patch.object(a.b, "X")` or `setattr(a.b, "X", ...)`: a dotted first argument, a name."""
    if not (callee.endswith(("patch.object", "setattr")) and len(node.args) >= 2):
        return False
    name = node.args[1]
    return (
        dotted_name(node.args[0]) is not None
        and isinstance(name, ast.Constant)
        and isinstance(name.value, str)
        and name.value.isidentifier()
    )


def _replaced_modules(callee: str, node: ast.Call) -> ast.Dict | None:
    """The literal dict of `patch.dict(sys.modules, {...})` (or of `"sys.modules"`)."""
    if not (callee == "patch.dict" or callee.endswith(".patch.dict")) or len(node.args) < 2:
        return None
    first, table = node.args[0], node.args[1]
    named = first.value if isinstance(first, ast.Constant) else dotted_name(first)
    return table if named == "sys.modules" and isinstance(table, ast.Dict) else None


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


def parse(source: str | bytes, filename: str = "<unknown>") -> ast.Module:
    """Parse with the newest grammar; raises SyntaxError/ValueError for what does not parse.
    The tree's own warnings (`SyntaxWarning: invalid escape sequence`) are its business, not
    unshim's output: they are silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, filename=filename)


def file_facts(tree: ast.Module, with_body: bool = True) -> Facts:
    collector = _Collector()
    collector.visit(tree)
    return Facts(
        tuple(collector.imports),
        tuple(collector.strings),
        module_body(tree) if with_body else None,
    )
