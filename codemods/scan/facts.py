"""What one file says about imports, as plain values (`Facts` and its parts).

`collector.file_facts` finds them with `ast`, the exact and complete reading;
`scanner.scan` finds the same (but the body) faster on most files and is tested against it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

# Whether the fast scanner reads files (it needs the possessive quantifiers of Python 3.11's
# `re`): the lexer's own test (`lexer.FAST`), here so that asking does not compile the lexer.
FAST = sys.version_info >= (3, 11)
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
    "setattr": "setattr",  # `monkeypatch.setattr("a.b.X", value)`
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
    # "import_module", "__import__", "mock.patch", "setattr" (`monkeypatch.setattr("a.b.X", v)`),
    # "sys.modules" (a key of `patch.dict(sys.modules, {"a.b": fake})`), "patch.object" (the
    # value is `expr.X` for `patch.object(expr, "X")` or `setattr(expr, "X", v)`), "string",
    # or for a template of a module path (`codemods.scan.templates`, the value is the whole
    # template) "computed" (its head is a package below which names are computed) or "suffix"
    # (its constant tail)
    kind: str


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
