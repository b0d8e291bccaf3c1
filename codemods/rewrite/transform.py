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

from codemods.outcome import ImportEdit, Kept
from codemods.plan.build import FileTask, RewritePlan
from codemods.rewrite import importlines
from codemods.rewrite.context import Decisions
from codemods.rewrite.decisions import decide, touches_plan
from codemods.rewrite.layout import CLAUSES, Metadata, WholeModuleNeeded
from codemods.rewrite.located import Prepared, prepare
from codemods.rewrite.spelling import is_pragma

if TYPE_CHECKING:
    from libcst.codemod import Codemod

__all__ = ["FileRewrite", "FileTask", "rewrite_import_lines", "rewrite_prepared", "rewrite_source"]


@dataclass(frozen=True)
class FileRewrite:
    data: bytes  # the new contents (the old ones when nothing changed or it failed)
    edits: tuple[ImportEdit, ...]
    kept: tuple[Kept, ...]
    error: str | None = None  # why the file could not be rewritten


STATEMENT_LEVEL = (cst.Module, cst.BaseCompoundStatement, cst.BaseSuite, *CLAUSES)


class _Apply(cst.CSTTransformer):
    def __init__(self, decisions: Decisions) -> None:
        super().__init__()
        self.statements = decisions.statements
        self.exprs = decisions.exprs
        self.sequences = decisions.sequences
        # Lines whose statements all went (their leading comments move on), and lines split in
        # several, by the id of the original line.
        self.emptied: dict[int, Sequence[cst.EmptyLine]] = {}
        self.expanded: dict[int, int] = {}
        # Only statements change: the walk never needs to enter an expression.
        self.shallow = not (self.exprs or self.sequences)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.shallow and not isinstance(node, STATEMENT_LEVEL):
            return False  # its leave_ still runs, with the node as it was
        return super().on_visit(node)

    def _settle(
        self, original: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement]
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        """The block's statements, with the comments and blank lines above a removed line moved
        to the statement that follows it (or returned, for the block's footer)."""
        settled: list[cst.BaseStatement] = []
        pending: list[cst.EmptyLine] = []
        position = 0
        for statement in original:
            if id(statement) in self.emptied:
                pending.extend(self.emptied[id(statement)])
                continue
            count = self.expanded.get(id(statement), 1)
            chunk = list(updated[position : position + count])
            position += count
            if pending and chunk:
                first = chunk[0]
                chunk[0] = first.with_changes(
                    leading_lines=[*pending, *first.leading_lines]  # type: ignore[attr-defined]
                )
                pending = []
            settled.extend(chunk)
        return settled, pending

    def _expr(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:
        return self.exprs.get(original, updated)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._expr(original_node, updated_node)  # type: ignore[return-value]

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        return self._expr(original_node, updated_node)  # type: ignore[return-value]

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        return self._expr(original_node, updated_node)  # type: ignore[return-value]

    def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.BaseExpression:
        return self.sequences.get(original_node, updated_node)  # type: ignore[return-value]

    def leave_Tuple(self, original_node: cst.Tuple, updated_node: cst.Tuple) -> cst.BaseExpression:
        return self.sequences.get(original_node, updated_node)  # type: ignore[return-value]

    def _body(
        self,
        original: Sequence[cst.BaseSmallStatement],
        updated: Sequence[cst.BaseSmallStatement],
    ) -> list[cst.BaseSmallStatement] | None:
        if not any(s in self.statements for s in original):
            return None
        body: list[cst.BaseSmallStatement] = []
        for before, after in zip(original, updated, strict=True):
            body.extend(self.statements.get(before, [after]))
        if body:
            # Between statements `; ` comes by default; the last keeps how the line ended.
            body[-1] = body[-1].with_changes(semicolon=original[-1].semicolon)
        return body

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        body = self._body(original_node.body, updated_node.body)
        if body is None:
            return updated_node
        if not body:
            self.emptied[id(original_node)] = updated_node.leading_lines
            return cst.RemovalSentinel.REMOVE
        if len(original_node.body) > 1 or len(body) == 1:
            return updated_node.with_changes(body=body)
        trailing = updated_node.trailing_whitespace
        rest = trailing if is_pragma(trailing.comment) else cst.TrailingWhitespace()
        lines = [updated_node.with_changes(body=[body[0]])]
        lines += [cst.SimpleStatementLine(body=[s], trailing_whitespace=rest) for s in body[1:]]
        self.expanded[id(original_node)] = len(lines)
        return cst.FlattenSentinel(lines)

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.BaseSuite:
        body = self._body(original_node.body, updated_node.body)
        if body is None:
            return updated_node
        return updated_node.with_changes(body=body or [cst.Pass()])

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.BaseSuite:
        if not any(id(s) in self.emptied for s in original_node.body):
            return updated_node
        body, pending = self._settle(original_node.body, updated_node.body)
        if not body:
            body = [cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=pending)]
            pending = []
        return updated_node.with_changes(body=body, footer=[*pending, *updated_node.footer])

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not any(id(s) in self.emptied for s in original_node.body):
            return updated_node
        body, pending = self._settle(original_node.body, updated_node.body)
        return updated_node.with_changes(body=body, footer=[*pending, *updated_node.footer])


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
    found = importlines.view_of(prepared, lambda node: touches_plan(node, task, plan))
    if found is None:
        return None
    data = prepared.data
    physical, parsed = found
    try:
        decisions = decide(parsed.module, parsed.view, task, plan)
    except WholeModuleNeeded:
        return None
    if decisions.exprs or decisions.sequences:
        return None  # only a whole module's expressions can be replaced
    if not decisions.statements:
        return FileRewrite(data, (), tuple(decisions.kept))
    apply = _Apply(decisions)

    def changed(line: cst.SimpleStatementLine) -> bool:
        return any(s in decisions.statements for s in line.body)

    def rewrite(
        line: cst.SimpleStatementLine,
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        return line.visit(apply)  # type: ignore[return-value]

    try:
        out = importlines.splice(data, physical, parsed, changed, rewrite)
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
        new = module.visit(_Apply(decisions)) if changes else module
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
