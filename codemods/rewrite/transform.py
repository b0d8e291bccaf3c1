"""The rewrite of one file: parse it with LibCST, carry out the decisions, emit bytes.

Most files are rewritten from their import lines alone (`codemods.importlines`): only those
lines are parsed and replaced. A file whose decisions need more, or that carries a team's own
codemods, is parsed whole. Either way LibCST keeps every byte it is not asked to change
(comments, quotes, line endings, the BOM and the file's encoding), so only the decided
statements and expressions differ, and both ways give the same bytes. Problems are values: a
file LibCST cannot parse comes back unchanged with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from unshim.codemods.outcome import ImportEdit, Kept
from unshim.codemods.plan.values import FileTask, RewritePlan
from unshim.codemods.rewrite import importlines
from unshim.codemods.rewrite.applier import ApplyDecisions
from unshim.codemods.rewrite.bindings import Span
from unshim.codemods.rewrite.decisions import decide, touches_plan
from unshim.codemods.rewrite.layout import Metadata, WholeModuleNeeded
from unshim.codemods.rewrite.located import Prepared, prepare

if TYPE_CHECKING:
    from libcst.codemod import Codemod

EMPTY = cst.Module(body=[])  # renders an expression on its own

__all__ = ["FileRewrite", "rewrite_import_lines", "rewrite_prepared", "rewrite_source"]


@dataclass(frozen=True)
class FileRewrite:
    data: bytes  # the new contents (the old ones when nothing changed or it failed)
    edits: tuple[ImportEdit, ...]
    kept: tuple[Kept, ...]
    error: str | None = None  # why the file could not be rewritten


def _run_codemods(
    module: cst.Module, task: FileTask, codemods: Sequence[type[Codemod]]
) -> cst.Module:
    if not codemods:
        return module
    from libcst.codemod import CodemodContext, SkipFile  # only a team's codemods need it

    for command in codemods:
        context = CodemodContext(filename=task.path, full_module_name=task.module)
        try:
            module = command(context).transform_module(module)
        except SkipFile:
            continue
    return module


def rewrite_import_lines(
    prepared: Prepared, task: FileTask, plan: RewritePlan
) -> FileRewrite | None:
    """The rewrite done on the import lines alone; None when the whole module is needed."""
    if plan.patches_in(task.path):
        return None  # a patch string can be anywhere in the file
    found = importlines.view_of(prepared, lambda node: touches_plan(node, task, plan))
    if found is None:
        return None
    data = prepared.data
    physical, parsed = found
    try:
        decisions = decide(parsed.module, parsed.view, task, plan)
    except WholeModuleNeeded:
        return None
    if decisions.sequences:
        return None  # only a whole module's `__all__` literals can be shortened
    texts: dict[Span, str] = {}
    for node, expr in decisions.exprs.items():
        if not isinstance(node, Span):
            return None  # only a whole module's expressions can be replaced
        texts[node] = EMPTY.code_for_node(expr)
    if texts:
        respelled = importlines.respell(physical, parsed, texts)
        if respelled is None:
            return None
        physical = respelled
    elif not decisions.statements:
        return FileRewrite(data, (), tuple(decisions.kept))
    apply = ApplyDecisions(decisions)

    def changed(line: cst.SimpleStatementLine) -> bool:
        return any(s in decisions.statements for s in line.body)

    def rewrite(
        line: cst.SimpleStatementLine,
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        return line.visit(apply)  # type: ignore[return-value]

    try:
        out = importlines.splice(data, physical, parsed, changed, rewrite, bool(texts))
    except UnicodeEncodeError as exc:
        return FileRewrite(data, (), (), f"the new text cannot be encoded as utf-8: {exc}")
    edits = tuple(decisions.edits) if out != data else ()
    return FileRewrite(out, edits, tuple(decisions.kept))


def rewrite_source(
    data: bytes,
    task: FileTask,
    plan: RewritePlan,
    codemods: Sequence[type[Codemod]] = (),
    *,
    whole: bool = False,
) -> FileRewrite:
    """The file's new bytes, what was edited and what was kept. Never raises for a file that
    does not parse or a codemod that fails: that is the `error` of the result. `whole`: parse
    the whole module even when the import lines would do (the two give the same result)."""
    return rewrite_prepared(prepare(data), task, plan, codemods, whole=whole)


def rewrite_prepared(
    prepared: Prepared,
    task: FileTask,
    plan: RewritePlan,
    codemods: Sequence[type[Codemod]] = (),
    *,
    whole: bool = False,
) -> FileRewrite:
    """`rewrite_source` of a file already read and parsed with `ast` (`codemods.located`)."""
    data = prepared.data
    if prepared.problem is not None:
        return FileRewrite(data, (), (), prepared.problem)  # never written
    if not (whole or codemods):
        done = rewrite_import_lines(prepared, task, plan)
        if done is not None:
            return done
    try:
        module = cst.parse_module(data)
        meta = Metadata(module, data, task.import_lines)
        decisions = decide(module, meta, task, plan)
        changes = decisions.statements or decisions.exprs or decisions.sequences
        new = module.visit(ApplyDecisions(decisions)) if changes else module
    except cst.ParserSyntaxError as exc:
        return FileRewrite(
            data, (), (), f"LibCST cannot parse it (line {exc.raw_line}): {exc.message}"
        )
    except RecursionError:
        return FileRewrite(data, (), (), "too deeply nested for LibCST")
    try:
        new = _run_codemods(new, task, codemods)
    except Exception as exc:  # a team's codemod failing is that file's problem, not the run's
        return FileRewrite(data, (), (), f"codemod failed: {exc.__class__.__name__}: {exc}")
    if new is module:
        return FileRewrite(data, (), tuple(decisions.kept))
    try:
        out = new.bytes
    except UnicodeEncodeError as exc:
        return FileRewrite(data, (), (), f"the new text cannot be encoded as {new.encoding}: {exc}")
    except RecursionError:
        return FileRewrite(data, (), (), "too deeply nested for LibCST")
    edits = tuple(decisions.edits) if out != data else ()
    return FileRewrite(out, edits, tuple(decisions.kept))
