"""The LibCST transformer that carries out one file's `Decisions`, nothing more.

It replaces the decided statements (a line split in several keeps its pragma comments on each),
the respelled expressions and the shortened `__all__` literals. When only statements change
it never walks into an expression.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from unshim.codemods.rewrite.context import Decisions
from unshim.codemods.rewrite.layout import CLAUSES
from unshim.codemods.rewrite.spelling import is_pragma

STATEMENT_LEVEL = (cst.Module, cst.BaseCompoundStatement, cst.BaseSuite, *CLAUSES)


class ApplyDecisions(cst.CSTTransformer):
    """Replaces the decided statements, expressions and `__all__` literals; keeps the comments
    and blank lines above a statement that goes, and gives a block left empty a `pass`."""

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
