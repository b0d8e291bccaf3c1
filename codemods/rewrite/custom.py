"""A team's own LibCST codemods, named in the configuration as `package.module:Command`."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing libcst.codemod takes longer than most runs' rewrite: on demand
    from libcst.codemod import Codemod


class CodemodSpecError(ValueError):
    """A `codemods` entry that does not name a LibCST Codemod class (the CLI exits 2)."""


def load_codemod(spec: str, root: Path | None = None) -> type[Codemod]:
    """The Codemod subclass `spec` names. The tree's root is importable, so a codemod kept in
    the repository itself (`tools.codemods:Rename`) is found."""
    from libcst.codemod import Codemod

    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute.isidentifier():
        raise CodemodSpecError(f"codemods: {spec!r} must look like 'package.module:Command'")
    if root is not None and str(root) not in sys.path:
        sys.path.append(str(root))
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise CodemodSpecError(
            f"codemods: {spec!r}: cannot import {module_name} ({exc.__class__.__name__}: {exc})"
        ) from None
    command = getattr(module, attribute, None)
    if not (isinstance(command, type) and issubclass(command, Codemod)):
        raise CodemodSpecError(
            f"codemods: {spec!r}: {attribute} is not a libcst.codemod.Codemod subclass"
        )
    return command


def load_codemods(specs: tuple[str, ...], root: Path | None = None) -> tuple[type[Codemod], ...]:
    return tuple(load_codemod(spec, root) for spec in specs)
