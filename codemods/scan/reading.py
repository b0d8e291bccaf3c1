"""The reading of one file: its bytes decoded as Python does (`decode`), its facts from the fast
scanner when it can and from `ast` when it cannot (`read_facts`), and the compile check that
tells whether it parses at all (`compile_check`). A file that cannot be read is a reason, never
an exception (`Result`, `problem`).
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from collections.abc import Mapping
from pathlib import Path

from unshim.codemods.scan.body import module_body
from unshim.codemods.scan.cache import Cache, Entry, blob_id
from unshim.codemods.scan.collector import file_facts, parse
from unshim.codemods.scan.facts import FAST, Facts
from unshim.codemods.scan.newer import syntax_problem
from unshim.codemods.scan.sources import SourceFile


def decode(data: bytes) -> str:
    """Source bytes to text the way Python itself decodes them (BOM, PEP 263 cookie)."""
    if b"\0" in data:
        raise ValueError("source contains NUL bytes")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        raise ValueError(f"cannot be decoded: {exc}") from None
    return text[1:] if text.startswith("\ufeff") else text


def read_facts(data: bytes, path: str, *, check_grammar: bool = True) -> tuple[Facts, str, bool]:
    """Facts and text of one file, and whether its grammar was checked (always, unless
    `check_grammar` is False and the fast scanner read it). Raises SyntaxError, ValueError,
    UnicodeDecodeError or LookupError for a file that cannot be read as Python."""
    text = decode(data)
    # Imported on first need: compiling the scanner's expressions costs about 0.3 s, which a
    # run whose every file the cache answers for does not pay.
    from unshim.codemods.scan.scanner import scan, shim_candidate

    if FAST:
        facts = scan(text)
        if facts is not None:
            if shim_candidate(text):
                tree = parse(text, path)
                compile_check(tree, path)  # a small module: its tree compiles at once
                return Facts(facts.imports, facts.strings, module_body(tree)), text, True
            if not check_grammar:
                return facts, text, False
            compile_check(text, path)
            return facts, text, True
    tree = parse(text, path)
    compile_check(tree, path)
    return file_facts(tree, with_body=True), text, True


def compile_check(source: str | ast.Module, path: str) -> None:
    """The scanner reads imports, not grammar: compiling (cheaper than building an ast) is what
    tells that the file parses at all. Raises SyntaxError. A file already parsed compiles from
    its tree: `ast.parse` alone accepts what only the compiler refuses (`return` or `await`
    outside a function, `nonlocal` at module level), which `compileall` reports."""
    with warnings.catch_warnings():  # the tree's SyntaxWarnings are not unshim's output
        warnings.simplefilter("ignore")
        compile(source, path, "exec", dont_inherit=True)


Result = tuple[SourceFile, Facts | None, str, str]  # (file, facts, text, why it was not read)


def problem(source: SourceFile, exc: BaseException, text: str = "") -> Result:
    """Why the file is not read; `text`, its decoded text, names the Python 3.12 construct
    a syntax error of the running `ast` may be."""
    if isinstance(exc, SyntaxError):
        return source, None, "", syntax_problem(exc, text)
    if isinstance(exc, (UnicodeDecodeError, LookupError)):
        return source, None, "", f"cannot be decoded: {exc}"
    if isinstance(exc, ValueError):
        return source, None, "", str(exc)
    return source, None, "", f"cannot be read: {exc.__class__.__name__}"


def read_unchecked(
    root: Path, source: SourceFile, overlay: Mapping[str, bytes], cache: Cache | None = None
) -> Result:
    """A file read for its imports and strings, its grammar not checked: a planned change (in
    `overlay`: LibCST wrote it from a tree that parsed), or a module read only to follow
    names through it, never written or deleted (were it broken, the shim importing from it
    would be broken already). With `cache`, the facts an earlier run found in the same bytes
    (what is read anew is added, its grammar not known)."""
    if source.path in overlay:
        data = overlay[source.path]
    else:
        try:
            data = (root / source.path).read_bytes()
        except OSError as exc:
            return problem(source, exc)
    if cache is None:
        return read_data(source, data, unchecked=[])
    blob = blob_id(data)
    entry = cache.get(blob)
    if entry is not None and entry.facts is not None:
        return source, entry.facts, decode(data), ""
    result = read_data(source, data, unchecked=[])
    if entry is None and result[1] is not None:
        cache.put(blob, Entry(result[1], "", compiled=False))
    return result


def read_data(
    source: SourceFile, data: bytes, unchecked: list[tuple[SourceFile, str]] | None = None
) -> Result:
    try:
        facts, text, checked = read_facts(data, source.path, check_grammar=unchecked is None)
    except SyntaxError as exc:
        return problem(source, exc, decode(data))  # it decoded, or no SyntaxError came
    except (ValueError, LookupError, RecursionError, MemoryError) as exc:
        return problem(source, exc)
    if not checked and unchecked is not None:
        unchecked.append((source, text))
    return source, facts, text, ""


def compile_errors(files: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(path, reason) of each file that does not compile."""
    errors = []
    for path, text in files:
        try:
            compile_check(text, path)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            errors.append((path, problem(SourceFile(path, "", False, False), exc, text)[3]))
    return errors
