"""`apply` as one library call: plan, rewrite, prove and delete, and the outcome as a value.

The bot's `run` and `verify` reuse `apply`; the CLI only prints what it returns. The deletion
proof is handed in (`delete`), so this module does not depend on how it is proven; it is always
asked as a dry run, and what it lets go is deleted last, with the rewrites, as one change of the
tree (`codemods.transaction`). The caller holds the tree's lock (`codemods.worktree.lock`) and
has run `transaction.recover` first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from unshim.codemods.analyze.analysis import Analysis, analyze, analyze_index
from unshim.codemods.names import within
from unshim.codemods.outcome import ApplyOutcome, Kept, Location
from unshim.codemods.plan.build import check_asked
from unshim.codemods.plan.confirm import planned
from unshim.codemods.plan.importer import ImportSettings
from unshim.codemods.plan.mapping import PublishedMapping, plan_of_mapping
from unshim.codemods.plan.patches import unconfirmed
from unshim.codemods.plan.values import PlanError, PlanRequest, RewritePlan
from unshim.codemods.rewrite import bowler_engine, engine
from unshim.codemods.rewrite.custom import load_codemods
from unshim.codemods.rewrite.results import Failed, FileResult, Rewritten
from unshim.codemods.scan.assembly import check_grammar
from unshim.codemods.scan.build import build_index
from unshim.codemods.scan.cache import Cache
from unshim.codemods.scan.focus import Focus
from unshim.codemods.scan.index import Index
from unshim.codemods.scan.newer import NEWER_SYNTAX
from unshim.codemods.scan.sources import REFERENCE_FILES
from unshim.codemods.transaction import write_tree


class DeletionResult(Protocol):
    @property
    def deleted_files(self) -> tuple[str, ...]: ...
    @property
    def deleted_folders(self) -> tuple[str, ...]: ...
    @property
    def kept(self) -> tuple[Kept, ...]: ...
    @property
    def mentions(self) -> tuple[Location, ...]: ...


# (index of the rewritten tree, packages to delete, dry run) -> what was (or would be) deleted
DeleteHook = Callable[[Index, tuple[str, ...], bool], DeletionResult]
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ApplyOptions:
    source_roots: tuple[str, ...] = (".",)
    exclude: tuple[str, ...] = ()
    jobs: int = 1
    dry_run: bool = False
    codemods: tuple[str, ...] = ()  # "package.module:Command" specs
    engine: str = "libcst"  # or "bowler": --move only, with the bowler extra
    resolve: ImportSettings | None = None  # --resolve import: confirm the plan by importing
    reference_files: tuple[str, ...] = REFERENCE_FILES  # whose text may name a module
    cache_dir: Path | None = None  # the cache of per-file facts (codemods.scan.cache); None: none


@dataclass(frozen=True)
class Applied:
    """What `apply` did: the outcome for the report, and the raw material for a diff."""

    outcome: ApplyOutcome
    plan: RewritePlan
    files: tuple[FileResult, ...]
    deleted: tuple[tuple[str, bytes], ...]  # (path, contents before) of deleted files


def _mentions(text: str, module: str) -> bool:
    """Does this text (of a file that could not be analyzed) name `module`: by its dotted
    name, by an import of a top-level name, or as the tail of a relative import?"""
    name = re.escape(module)
    if "." in module and re.search(rf"(?<![\w.]){name}(?!\w)", text):
        return True
    if re.search(rf"^\s*(?:from|import)\s+{name}\b", text, re.MULTILINE):
        return True
    last = re.escape(module.rpartition(".")[2])
    return (
        re.search(rf"from\s+\.+[\w.]*\b{last}\b|from\s+\.+\s+import\s[^\n]*\b{last}\b", text)
        is not None
    )


def _unparsed(
    root: Path, analysis: Analysis, plan: RewritePlan, failed: tuple[Failed, ...]
) -> tuple[list[Kept], set[str]]:
    """Files that do not parse, each reported; the shims they mention are kept. A focused
    apply reports only the files that may name what it changes: of the Python files the
    listing left out (not a module name), only those."""
    names = [*plan.shims, *(old for old, _ in plan.moves)]
    reports: list[Kept] = []
    kept: set[str] = set()
    focus = analysis.index.focus
    listed_only = {path for path, _ in analysis.index.tree.skipped}
    for problem in (*analysis.not_analyzed, *analysis.index.late_problems):
        if not problem.path.endswith((".py", ".pyi")):
            continue
        text = engine.read_text(root, problem.path)
        if focus is not None and problem.path in listed_only and not focus.wants("", text.encode()):
            continue
        named = [n for n in names if _mentions(text, n)]
        kept.update(named)
        if named and problem.reason.startswith(NEWER_SYNTAX):
            reason = f"mentions {named[0]} but {problem.reason}; the shim it imports is kept"
        elif named:
            reason = (
                f"mentions {named[0]} but was not analyzed ({problem.reason}); the shim is kept"
            )
        else:
            reason = f"not analyzed ({problem.reason})"
        reports.append(Kept(problem.path, reason, Location(problem.path, 0)))
    for result in failed:
        text = result.data.decode("utf-8", errors="replace")
        named = [n for n in names if _mentions(text, n)] or list(plan.requested[:1])
        kept.update(named)
        reports.append(
            Kept(
                result.path,
                f"mentions {', '.join(named[:3])} but {result.reason}; left untouched",
                Location(result.path, 0),
            )
        )
    return reports, kept


def _check_bowler(request: PlanRequest) -> None:
    if request.shims or request.auto:
        raise PlanError("--engine bowler runs --move only; rewrite shims with --engine libcst")
    if not request.moves:
        raise PlanError("--engine bowler needs at least one --move OLD=NEW")
    bowler_engine.require()


def _importers(analysis: Analysis, focus: Focus) -> list[str]:
    """Files with an import of a module under the focus: the ones the plan will name."""
    return sorted(
        {
            ref.path
            for ref in analysis.refs
            if focus.covers(ref.target) and not focus.covers(ref.importer)
        }
    )


def focus_of(request: PlanRequest) -> Focus | None:
    """The modules a request is about, so that only the files that may name them are read;
    None for `--auto`, which needs every module's verdict."""
    if request.auto:
        return None
    named = [*request.shims, *(old for old, _ in request.moves), *request.delete]
    return Focus(tuple(dict.fromkeys(named))) if named else None


def _candidates(plan: RewritePlan, kept: set[str]) -> tuple[str, ...]:
    return tuple(p for p in plan.delete if not any(within(k, p) or within(p, k) for k in kept))


def _cache(options: ApplyOptions) -> Cache | None:
    """The scan's facts cache, whose grammar verdicts the rewrite reads and adds to."""
    return Cache(options.cache_dir) if options.cache_dir is not None else None


def _analysis(root: Path, options: ApplyOptions, focus: Focus | None, step: Progress) -> Analysis:
    """The tree analyzed as the options say, reading only what `focus` may name."""
    return analyze(
        root,
        options.source_roots,
        options.exclude,
        options.jobs,
        lambda done, total: step("files scanned", done, total),
        focus,
        reference_files=options.reference_files,
        cache_dir=options.cache_dir,
    )


def _rewritten(
    root: Path, request: PlanRequest, options: ApplyOptions, step: Progress
) -> tuple[Analysis, RewritePlan, tuple[FileResult, ...]]:
    """The analysis, the plan, and every file of the plan rewritten in memory."""
    focus = focus_of(request)
    jobs = options.jobs if options.engine == "libcst" else 1
    # The rewrite's workers start with the first files to read: they parse the files that
    # import what the request names while this process makes the plan.
    with engine.Rewriter(root, jobs, options.codemods, _cache(options)) as rewriter:
        analysis = _analysis(root, options, focus, step)
        if focus is not None:
            rewriter.prepare(_importers(analysis, focus))
        plan = planned(root, analysis, request, options.source_roots, options.resolve)
        wider = _with_patched(focus, plan)
        if wider is not None:
            # A retargeted patch reaches the new module's lazy importers: they are read too.
            analysis = analyze(
                root,
                options.source_roots,
                options.exclude,
                options.jobs,
                None,
                wider,
                cache_dir=options.cache_dir,
            )
            plan = planned(root, analysis, request, options.source_roots, options.resolve)
        # The files to rewrite are parsed by the rewrite; the others read for the plan are
        # compiled now, and the plan is made again in the rare tree where one does not compile.
        checked = check_grammar(analysis.index, {task.path for task in plan.files})
        if checked is not analysis.index:
            analysis = analyze_index(checked)
            plan = planned(root, analysis, request, options.source_roots, options.resolve)
        if options.engine == "bowler":
            return analysis, plan, bowler_engine.rewrite_files(root, plan.moves, plan.files)
        rewritten = rewriter.rewrite(plan, lambda done, total: step("files rewritten", done, total))
        # A patch string follows the rewrite only if every lookup through its shim does: when
        # the rewrite kept one, the shim's patches and imports stay, and the files are redone.
        conflicts = _patch_conflicts(plan, rewritten)
        while conflicts:
            request = replace(request, patch_conflicts=(*request.patch_conflicts, *conflicts))
            plan = planned(root, analysis, request, options.source_roots, options.resolve)
            rewritten = rewriter.rewrite(plan)
            conflicts = _patch_conflicts(plan, rewritten)
        return analysis, plan, rewritten


def _with_patched(focus: Focus | None, plan: RewritePlan) -> Focus | None:
    """The focus with the modules retargeted patches name, when it lacks some."""
    if focus is None:
        return None
    missing = sorted({p.module for p in plan.patches if not focus.covers(p.module)})
    return Focus((*focus.roots, *missing)) if missing else None


def _patch_conflicts(plan: RewritePlan, results: tuple[FileResult, ...]) -> tuple[Kept, ...]:
    """What the rewrite kept of the shims whose patch strings it rewrote: each keeps a
    lookup through its shim, so the patch must stay as it was."""
    patched = {p.shim for p in plan.patches}
    found = unconfirmed(plan)
    found += [k for r in results for k in r.kept if k.subject in patched]
    for result in results:
        if isinstance(result, Failed):
            text = result.data.decode("utf-8", errors="replace")
            found.extend(
                Kept(shim, f"{result.path} was not rewritten: {result.reason}")
                for shim in sorted(patched)
                if _mentions(text, shim)
            )
    return tuple(dict.fromkeys(found))


def _registrations_kept(
    root: Path,
    options: ApplyOptions,
    plan: RewritePlan,
    results: tuple[FileResult, ...],
    deleted: tuple[str, ...],
) -> tuple[RewritePlan, tuple[FileResult, ...]]:
    """The plan expected some shims to go, so their parents' `from . import shim` went too;
    the proof kept some of them (a module loaded by a computed name, say). A parent of a shim
    that stays keeps registering it: its `__init__` is rewritten again as if the shim stayed,
    and the plan says so."""
    gone = set(deleted)
    staying = {m for m, shim in plan.shims.items() if shim.deleting and shim.path not in gone}
    parents = {m.rpartition(".")[0] for m in staying}
    affected = tuple(t for t in plan.files if t.is_package and t.module in parents)
    if not affected:
        return plan, results
    shims = {m: replace(s, deleting=False) if m in staying else s for m, s in plan.shims.items()}
    plan = replace(plan, shims=shims)
    with engine.Rewriter(root, 1, options.codemods) as rewriter:
        redone = {r.path: r for r in rewriter.rewrite(replace(plan, files=affected))}
    return plan, tuple(redone.get(r.path, r) for r in results)


def apply(
    root: Path,
    request: PlanRequest,
    options: ApplyOptions = ApplyOptions(),
    delete: DeleteHook | None = None,
    progress: Progress | None = None,
) -> Applied:
    """Rewrite every import that goes through the requested shims (or moved modules) to the
    canonical module, write the files (unless dry run), then hand the shims to `delete`.
    PlanError / CodemodSpecError / TreeError: nothing was touched."""
    step = progress or (lambda what, done, total: None)
    check_asked(request)
    if options.engine == "bowler":
        _check_bowler(request)
    load_codemods(options.codemods, root)  # a bad spec fails the run before anything is touched
    try:
        analysis, plan, results = _rewritten(root, request, options, step)
    except KeyboardInterrupt:
        raise KeyboardInterrupt("nothing was written") from None
    failed = tuple(r for r in results if isinstance(r, Failed))
    not_parsed, mentioned = _unparsed(root, analysis, plan, failed)
    deleted_files: tuple[str, ...] = ()
    deleted_folders: tuple[str, ...] = ()
    deletion_kept: tuple[Kept, ...] = ()
    mentions: tuple[Location, ...] = ()
    candidates = _candidates(plan, mentioned)
    if delete is not None and candidates:
        overlay = {r.path: r.after for r in results if isinstance(r, Rewritten)}
        after = build_index(
            root,
            options.source_roots,
            options.exclude,
            overlay=overlay or None,
            reuse=analysis.index,
            focus=analysis.index.focus,
            cache=Cache(options.cache_dir) if options.cache_dir is not None else None,
        )
        deletion = delete(after, candidates, True)  # the proof only: deleted last, below
        deleted_files, deleted_folders, deletion_kept, mentions = (
            deletion.deleted_files,
            deletion.deleted_folders,
            deletion.kept,
            deletion.mentions,
        )
        if options.engine == "libcst":
            plan, results = _registrations_kept(root, options, plan, results, deleted_files)
    write_failures: list[Kept] = []
    if not options.dry_run:
        committed = write_tree(root, results, deleted_files, deleted_folders)
        write_failures = [
            Kept(r.path, r.reason, Location(r.path, 0))
            for r in committed.results
            if isinstance(r, Failed) and r not in failed
        ]
        results, deleted_files = committed.results, committed.deleted
        deletion_kept = (*deletion_kept, *committed.kept)
    outcome = ApplyOutcome(
        shims=plan.requested,
        canonical=tuple(
            sorted(
                {t.module for s in plan.shims.values() for t in s.names.values()}
                | {new for _, new in plan.moves}
            )
        ),
        edits=tuple(
            e for r in results if isinstance(r, Rewritten) for e in r.edits if e.kind == "import"
        ),
        patch_targets=tuple(
            e for r in results if isinstance(r, Rewritten) for e in r.edits if e.kind != "import"
        ),
        changed_files=tuple(r.path for r in results if isinstance(r, Rewritten)),
        deleted_files=deleted_files,
        kept=(*plan.kept, *(k for r in results for k in r.kept), *write_failures, *deletion_kept),
        not_parsed=tuple(not_parsed),
        mentions=mentions,
        notes=plan.notes,
    )
    texts = {
        i.path: i.text for t in (analysis.index.modules, analysis.index.stubs) for i in t.values()
    }
    deleted = tuple((p, texts.get(p, "").encode("utf-8")) for p in deleted_files)
    return Applied(outcome, plan, results, deleted)


def _with_plan_kept(planned: tuple[Kept, ...], rewrite: tuple[Kept, ...]) -> tuple[Kept, ...]:
    """The rewrite's reasons, and the plan's for the lines the rewrite said nothing about (a
    name the mapping lacks is found by both), each once."""
    said = {(k.location.path, k.location.line) for k in rewrite if k.location is not None}
    return (
        *rewrite,
        *(
            k
            for k in planned
            if k.location is None or (k.location.path, k.location.line) not in said
        ),
    )


def apply_mapping(
    root: Path,
    mapping: PublishedMapping,
    options: ApplyOptions = ApplyOptions(),
    progress: Progress | None = None,
) -> Applied:
    """Rewrite the tree's imports of another library's shims from that library's published
    mapping, through the same rewrite as `apply`; nothing is deleted (the library is not in
    the tree). PlanError: the mapping names a module of this tree; nothing was touched."""
    step = progress or (lambda what, done, total: None)
    focus = Focus(mapping.modules)
    with engine.Rewriter(root, options.jobs, options.codemods, _cache(options)) as rewriter:
        analysis = _analysis(root, options, focus, step)
        plan = plan_of_mapping(analysis, mapping)
        rewriter.prepare(task.path for task in plan.files)
        results = rewriter.rewrite(plan, lambda done, total: step("files rewritten", done, total))
        # As in apply: a patch follows the rewrite only if every lookup through its shim does.
        conflicts = _patch_conflicts(plan, results)
        seen: tuple[Kept, ...] = ()
        while conflicts:
            seen = (*seen, *conflicts)
            plan = plan_of_mapping(analysis, mapping, seen)
            results = rewriter.rewrite(plan)
            conflicts = _patch_conflicts(plan, results)
    failed = tuple(r for r in results if isinstance(r, Failed))
    not_parsed, _ = _unparsed(root, analysis, plan, failed)
    if not options.dry_run:
        # The same journaled, all-or-nothing write as apply's; nothing is deleted.
        results = write_tree(root, results).results
    outcome = ApplyOutcome(
        shims=plan.requested,
        canonical=tuple(sorted({t.module for s in plan.shims.values() for t in s.names.values()})),
        edits=tuple(
            e for r in results if isinstance(r, Rewritten) for e in r.edits if e.kind == "import"
        ),
        patch_targets=tuple(
            e for r in results if isinstance(r, Rewritten) for e in r.edits if e.kind != "import"
        ),
        changed_files=tuple(r.path for r in results if isinstance(r, Rewritten)),
        deleted_files=(),
        kept=_with_plan_kept(plan.kept, tuple(k for r in results for k in r.kept)),
        not_parsed=tuple(not_parsed),
        notes=plan.notes,
    )
    return Applied(outcome, plan, results, ())
