"""What changed between two analyzed trees, as an ApplyOutcome.

`unshim apply` reports what it did itself; `unshim verify` run on its own only has the tree
before (git HEAD) and the tree after (the work tree), and reads the same facts off the
difference: the files deleted and changed, and the import statements rewritten in them."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher

from unshim.codemods.analyze.analysis import Analysis
from unshim.codemods.analyze.graph import stmt_refs
from unshim.codemods.names import within
from unshim.codemods.outcome import ApplyOutcome, ImportEdit, Kept, Location
from unshim.codemods.scan.facts import ImportStmt
from unshim.codemods.scan.index import Index, ModuleInfo


def _files(index: Index) -> dict[str, ModuleInfo]:
    return {info.path: info for t in (index.stubs, index.modules) for info in t.values()}


def statement_text(info: ModuleInfo, stmt: ImportStmt) -> str:
    """The statement on one line, as a reviewer would read it in a diff."""
    lines = info.text.splitlines()[stmt.line - 1 : stmt.end_line]
    text = " ".join(line.strip() for line in lines).replace("( ", "(").replace(", )", ")")
    return text.replace(",)", ")").rstrip("\\ ").strip()


def _relevant(index: Index, info: ModuleInfo, stmt: ImportStmt, packages: Iterable[str]) -> bool:
    targets = [
        r.target for r in stmt_refs(index, info.name, info.source.is_package, info.path, stmt)
    ]
    return any(within(t, p) for t in targets for p in packages)


def import_edits(
    before: Index, after: Index, path: str, packages: tuple[str, ...]
) -> list[ImportEdit]:
    """The import statements of one file that changed and reach one of `packages`, old paired
    with new in file order."""
    old, new = _files(before)[path], _files(after)[path]
    old_stmts, new_stmts = list(old.facts.imports), list(new.facts.imports)
    old_text = [statement_text(old, s) for s in old_stmts]
    new_text = [statement_text(new, s) for s in new_stmts]
    edits: list[ImportEdit] = []
    matcher = SequenceMatcher(None, old_text, new_text, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        for k in range(max(len(olds), len(news))):
            o = old_stmts[olds[k]] if k < len(olds) else None
            n = new_stmts[news[k]] if k < len(news) else None
            if not (
                (o is not None and _relevant(before, old, o, packages))
                or (n is not None and _relevant(after, new, n, packages))
            ):
                continue
            line = o.line if o is not None else n.line if n is not None else 0
            edits.append(
                ImportEdit(
                    Location(path, line),
                    old_text[olds[k]] if o is not None else "",
                    new_text[news[k]] if n is not None else "",
                )
            )
    return edits


def observed_outcome(
    before: Analysis, after: Analysis, shims: tuple[str, ...], canonical: tuple[str, ...]
) -> ApplyOutcome:
    old, new = _files(before.index), _files(after.index)
    deleted = sorted(set(old) - set(new))
    changed = sorted(p for p in set(old) & set(new) if old[p].text != new[p].text)
    edits = [
        e for p in changed for e in import_edits(before.index, after.index, p, (*shims, *canonical))
    ]
    return ApplyOutcome(
        shims=shims,
        canonical=canonical,
        edits=tuple(edits),
        changed_files=tuple(changed),
        deleted_files=tuple(deleted),
        kept=(),
        not_parsed=tuple(Kept(p.path, p.reason, Location(p.path, 0)) for p in after.not_analyzed),
    )
