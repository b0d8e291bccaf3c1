"""`__all__` entries: the names a module's `__all__` literals list (which a star import must
still provide), and the entries to drop for the shims whose registration went.
"""

from __future__ import annotations

import libcst as cst

from unshim.codemods.rewrite.context import Context
from unshim.codemods.rewrite.layout import FileView
from unshim.codemods.rewrite.spelling import keep_items


def all_names(meta: FileView) -> set[str]:
    """Every string the module-level `__all__` literals list."""
    found: set[str] = set()
    for value in meta.all_values:
        for element in value.elements:
            if isinstance(element.value, cst.SimpleString):
                text = element.value.evaluated_value
                if isinstance(text, str):
                    found.add(text)
    return found


def without(value: cst.List | cst.Tuple, names: set[str]) -> cst.List | cst.Tuple | None:
    """The `__all__` literal without the entries naming `names`; None when it has none."""
    chosen = [
        (i, e)
        for i, e in enumerate(value.elements)
        if not (isinstance(e.value, cst.SimpleString) and e.value.evaluated_value in names)
    ]
    if len(chosen) == len(value.elements):
        return None
    return value.with_changes(elements=keep_items(list(value.elements), chosen))


def drop_unregistered(ctx: Context) -> None:
    """The shims whose registration went leave `__all__` too."""
    if not ctx.unregistered:
        return
    for value in ctx.meta.all_values:
        new = without(value, ctx.unregistered)
        if new is not None:
            ctx.out.sequences[value] = new
