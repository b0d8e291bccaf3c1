"""What an `ast` node spells, as the readings of a file test it: a dotted name, a test of
TYPE_CHECKING, a handler that catches ImportError.
"""

from __future__ import annotations

import ast

from unshim.codemods.scan.facts import IMPORT_ERRORS


def dotted_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted_name(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def is_type_checking(test: ast.expr) -> bool:
    name = dotted_name(test)
    return name is not None and name.split(".")[-1] == "TYPE_CHECKING"


def catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((dotted_name(t) or "").split(".")[-1] in IMPORT_ERRORS for t in types)
