"""What modules bind, kept between runs: a module's `Namespace` as JSON in the cache
(`codemods.scan.cache`, kind NAMESPACES), with every question its evaluation asked.

The evaluation (`codemods.analyze.evaluation`) reads the module's text and asks the index two
things: whether a module exists (`is_module`) and the `def` of a function another module
defines (`helper`, for a `__getattr__` that calls one). The key is a digest of what the module
is (its name, its path, package or not, `.py` or `.pyi`) and of its text. The entry keeps the
namespace and each question with the answer it got; for a helper, a digest of the text of the
module it came from. An entry is taken only when every question gets the same answer again:
then the evaluation, which is deterministic, would follow the same path to the same namespace.
Otherwise the module is evaluated anew and its entry replaced.

A run with a few files changed since the last parses only the modules whose text or answers
changed, where it used to parse every module whose namespace a verdict needs (on SymPy some
380 of them, 0.7 s).
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from unshim.codemods.analyze.evaluation import HelperLookup
from unshim.codemods.analyze.namespace import (
    Aliased,
    Binding,
    Conditional,
    Defined,
    Forwarder,
    Imported,
    Namespace,
    Starred,
)
from unshim.codemods.scan.cache import NAMESPACES, Cache, analysis_namespace

TextOf = Callable[[str], "str | None"]  # the text of a repository module (not its stub)


def text_digest(text: str | None) -> str | None:
    if text is None:
        return None
    data = text.encode("utf-8", "surrogatepass")
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


@dataclass
class Recorder:
    """Answers the evaluation's questions from the index and writes down each answer."""

    index_is_module: Callable[[str], bool]
    index_helper: HelperLookup
    text_of: TextOf
    asked: dict[str, bool] = field(default_factory=dict)
    helpers: dict[str, str | None] = field(default_factory=dict)  # module -> its text digest

    def is_module(self, name: str) -> bool:
        answer = self.index_is_module(name)
        self.asked[name] = answer
        return answer

    def helper(self, binding: Imported) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        self.helpers[binding.module] = text_digest(self.text_of(binding.module))
        return self.index_helper(binding)


@dataclass
class NamespaceCache:
    cache: Cache
    # Entries kept back while `hold`ing, in the order they were made.
    held: list[tuple[str, list[Any]]] | None = None

    @classmethod
    def beside(cls, facts: Cache) -> NamespaceCache:
        """The namespaces kept in the folder of this cache of per-file facts."""
        return cls(Cache(facts.folder, analysis_namespace(), facts.max_bytes, kind=NAMESPACES))

    @staticmethod
    def key(module: str, path: str, is_package: bool, stub: bool, text: str) -> str:
        digest = hashlib.sha256(f"{module}\0{path}\0{is_package:d}{stub:d}\0".encode())
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(
        self, key: str, module: str, path: str, is_module: Callable[[str], bool], text_of: TextOf
    ) -> Namespace | None:
        """The namespace kept under `key`, when every answer it was worked out from holds."""
        value = self.cache.get_value(key)
        try:
            space, asked, helpers = value
            if any(is_module(name) is not answer for name, answer in asked):
                return None
            if any(text_digest(text_of(name)) != digest for name, digest in helpers):
                return None
            return decode_namespace(space, module, path)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None

    def put(self, key: str, space: Namespace, recorder: Recorder) -> None:
        value = [
            encode_namespace(space),
            sorted(recorder.asked.items()),
            sorted(recorder.helpers.items(), key=lambda item: item[0]),
        ]
        if self.held is not None:
            self.held.append((key, value))
        else:
            self._write(key, value)

    def hold(self) -> None:
        """Keep entries back until `release`. While the worker processes check grammar on
        both cores, each file this process creates costs it a wait for a core: on SymPy's
        cold analyze, 375 entries written as they came cost 0.5 s, against 0.2 s after."""
        if self.held is None:
            self.held = []

    def release(self) -> None:
        """Write what was held, and from now on each entry as it comes."""
        held, self.held = self.held or [], None
        for key, value in held:
            self._write(key, value)

    def _write(self, key: str, value: list[Any]) -> None:
        if self.cache.written == 0 and not self.cache.failed:
            self.cache.prune()  # once per run that writes: the bound holds up to one run's own
        self.cache.put_value(key, value)


# --- a namespace as JSON: positional lists, the fields in their dataclass order ------------


def encode_namespace(space: Namespace) -> list[Any]:
    forwarder = space.forwarder
    alias = space.module_alias
    return [
        [[name, _binding(binding)] for name, binding in space.bindings.items()],
        None if space.all_names is None else list(space.all_names),
        [[s.source, s.line] for s in space.stars],
        None
        if forwarder is None
        else [
            forwarder.line,
            [_binding(t) for t in forwarder.targets],
            [list(pair) for pair in forwarder.table],
            forwarder.deprecated,
            list(forwarder.notice_lines),
        ],
        None if alias is None else [_binding(alias[0]), alias[1]],
        list(space.notices),
        [list(pair) for pair in space.code],
        sorted(space.helpers),
        [list(pair) for pair in space.effects],
    ]


def decode_namespace(value: list[Any], module: str, path: str) -> Namespace:
    bindings, all_names, stars, forwarder, alias, notices, code, helpers, effects = value
    return Namespace(
        module,
        path,
        {_str(name): _unbinding(binding) for name, binding in bindings},
        None if all_names is None else tuple(map(_str, all_names)),
        tuple(Starred(_str(source), _int(line)) for source, line in stars),
        None if forwarder is None else _unforwarder(forwarder),
        None if alias is None else (_imported_or_aliased(alias[0]), _int(alias[1])),
        tuple(map(_int, notices)),
        tuple((_int(line), _str(what)) for line, what in code),
        frozenset(map(_str, helpers)),
        tuple((_int(line), _str(what)) for line, what in effects),
    )


def _binding(binding: Binding) -> list[Any]:
    if isinstance(binding, Imported):
        return ["I", binding.module, binding.name, binding.line]
    if isinstance(binding, Aliased):
        return ["A", binding.source, binding.line]
    if isinstance(binding, Defined):
        return ["D", binding.line, binding.what]
    return ["C", [_binding(c) for c in binding.candidates], binding.line, binding.why]


def _unbinding(value: list[Any]) -> Binding:
    kind, *rest = value
    if kind == "C":
        candidates, line, why = rest
        found = tuple(_unbinding(c) for c in candidates)
        if any(isinstance(c, Conditional) for c in found):
            raise ValueError("a conditional among the candidates")
        return Conditional(found, _int(line), _str(why))  # type: ignore[arg-type]
    if kind == "D":
        line, what = rest
        return Defined(_int(line), _str(what))
    return _imported_or_aliased(value)


def _imported_or_aliased(value: list[Any]) -> Imported | Aliased:
    kind, *rest = value
    if kind == "I":
        module, name, line = rest
        return Imported(_str(module), None if name is None else _str(name), _int(line))
    if kind == "A":
        source, line = rest
        return Aliased(_str(source), _int(line))
    raise ValueError(f"not a binding: {kind!r}")


def _unforwarder(value: list[Any]) -> Forwarder:
    line, targets, table, deprecated, notice_lines = value
    found = tuple(_imported_or_aliased(t) for t in targets)
    if not all(isinstance(t, Imported) for t in found) or not isinstance(deprecated, bool):
        raise ValueError("not a forwarder")
    return Forwarder(
        _int(line),
        found,  # type: ignore[arg-type]
        tuple((_str(name), _str(where)) for name, where in table),
        deprecated,
        tuple(map(_int, notice_lines)),
    )


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("not a line")
    return value
