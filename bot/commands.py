"""One function per subcommand: turn parsed arguments into configuration, run the stages, print.

Each subcommand imports the stages only it uses (`run` the git and GitHub ones, `verify` the
checks and the report, `analyze` neither the rewrite nor the transaction): importing is part of
every command's time.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from unshim.bot import VERSION, memo
from unshim.bot.config import Config, cache_folder, load_config, removal_entries
from unshim.bot.console import Console
from unshim.bot.errors import EXIT_OK, EXIT_REFUSED, UsageError
from unshim.codemods.scan.sources import TreeError

# The analysis and the plan are imported by the commands that run them: an `analyze` whose
# inventory is kept (`bot.memo`) needs neither.
if TYPE_CHECKING:
    from unshim.codemods.analyze.analysis import Analysis, Prover
    from unshim.codemods.apply import Applied
    from unshim.codemods.delete.removal import DeletionResult
    from unshim.codemods.plan.values import PlanRequest
    from unshim.codemods.scan.index import Index
    from unshim.codemods.transaction import Recovery


def target_root(args: argparse.Namespace) -> Path:
    root = Path(args.path)
    if not root.exists():
        raise UsageError(f"{args.path}: no such file or directory")
    if not root.is_dir():
        raise UsageError(f"{args.path}: not a directory (give the repository's root folder)")
    return root.resolve()


def config_for(args: argparse.Namespace, root: Path) -> Config:
    explicit = Path(args.config) if getattr(args, "config", None) else None
    config = load_config(root, explicit)
    roots = getattr(args, "source_root", None)
    return config.with_overrides(
        source_roots=tuple(roots) if roots else None,
        cache=False if getattr(args, "no_cache", False) else None,
        cache_dir=getattr(args, "cache_dir", None),
    )


def default_jobs(args: argparse.Namespace) -> int:
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        raise UsageError(f"-j/--jobs must be at least 1, got {jobs}")
    return jobs or min(2, os.cpu_count() or 1)


def analyze_tree(
    root: Path,
    config: Config,
    console: Console,
    jobs: int,
    prover: Prover | None = None,
    inventory: bool = False,
) -> Analysis:
    from unshim.codemods.analyze.analysis import analyze as run_analysis

    for source_root in config.source_roots:
        if not (root / source_root).is_dir():
            where = config.source or "--source-root"
            raise UsageError(f"{where}: source root '{source_root}' is not a directory in {root}")
    try:
        return run_analysis(
            root,
            config.source_roots,
            config.exclude,
            jobs=jobs,
            progress=lambda done, total: console.progress("files scanned", done, total),
            prover=prover,
            reference_files=config.reference_files,
            cache_dir=cache_folder(config),
            inventory=inventory,
        )
    except TreeError as exc:
        raise UsageError(str(exc)) from None


def write_output(text: str, output: str | None) -> None:
    """stdout, or FILE written whole (temporary file, then rename) so it is never half-written."""
    if output is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return
    target = Path(output)
    if str(target) in ("/dev/null", os.devnull):
        return
    if not target.parent.is_dir():
        raise UsageError(f"{output}: folder {target.parent} does not exist")
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def analyze(args: argparse.Namespace, console: Console) -> int:
    root = target_root(args)
    config = config_for(args, root)
    folder = cache_folder(config)
    key = memo.key_of(root, config, args.format) if folder is not None else None
    found = memo.get(folder, key) if folder is not None and key is not None else None
    if found is None:
        found = _inventory(root, config, args, console)
        # Kept only when no file changed while it was worked out.
        if folder is not None and key is not None and memo.key_of(root, config, args.format) == key:
            memo.put(folder, key, found)
        unchanged = ""
    else:
        unchanged = " (no file changed since the run that worked it out)"
    write_output(found.text, args.output)
    console.info(
        f"analyzed {found.files} files in {console.elapsed():.1f} s{unchanged}"
        + (f"; report written to {args.output}" if args.output else "")
    )
    for path, reason in found.not_analyzed:
        console.detail(f"not analyzed: {path}: {reason}")
    return EXIT_OK


def _inventory(
    root: Path, config: Config, args: argparse.Namespace, console: Console
) -> memo.Inventory:
    from unshim.bot.report import inventory
    from unshim.codemods.delete.removal import proof_of

    # DEAD is what `apply --delete` would delete: the same proof decides it.
    result = analyze_tree(root, config, console, default_jobs(args), proof_of, inventory=True)
    renderers = {
        "text": inventory.text,
        "markdown": inventory.markdown,
        "json": inventory.json_text,
    }
    # The inventory is worked out as it is rendered: the time is taken after that.
    text = renderers[args.format](result)
    files = len(result.index.modules) + len(result.index.stubs)
    problems = tuple((p.path, p.reason) for p in result.not_analyzed)
    return memo.Inventory(text, files, problems)


def verify(args: argparse.Namespace, console: Console) -> int:
    from unshim.bot.report.json_doc import render_json
    from unshim.bot.report.markdown import render_markdown
    from unshim.bot.report.text import render_text
    from unshim.bot.report.values import Metadata, Report
    from unshim.bot.verify import run as verifying

    root = target_root(args)
    config = config_for(args, root)
    verification, outcome = verifying.verify_tree(
        root, config, tuple(args.shim or ()), default_jobs(args)
    )
    if not outcome.shims:
        console.warn(
            "no shims given (--shim, or 'shims' in [tool.unshim]) and analyze found "
            "none: only compileall and the configured commands were checked"
        )
    report = Report(verification, outcome, Metadata(root.name))
    renderers = {"text": render_text, "markdown": render_markdown, "json": render_json}
    write_output(renderers[args.format](report), args.output)
    summary = verifying.append_job_summary(render_markdown(report))
    failed = verification.failed
    console.info(
        f"{len(verification.checks)} checks, {len(failed)} failed, in {console.elapsed():.1f} s"
        + (f"; report written to {args.output}" if args.output else "")
        + (f"; appended to the job summary {summary}" if summary else "")
    )
    return EXIT_OK if not failed else EXIT_REFUSED


def run(args: argparse.Namespace, console: Console) -> int:
    from unshim.bot.pipeline import RunOptions
    from unshim.bot.pipeline import run as run_pipeline

    root = target_root(args)
    config = config_for(args, root)
    config = config.with_overrides(
        shims=tuple(args.shim) if args.shim else None,
        auto=True if args.auto else None,
        resolve=args.resolve,
        verify=replace(config.verify, python=args.python) if args.python else None,
        pr=replace(
            config.pr,
            branch=args.branch or config.pr.branch,
            base=args.base or config.pr.base,
            labels=tuple(args.label) if args.label else config.pr.labels,
        ),
    )
    options = RunOptions(
        dry_run=args.dry_run,
        named=bool(args.shim),
        repository=args.repository,
        jobs=default_jobs(args),
    )
    result = run_pipeline(root, config, options, console.info)
    for warning in result.warnings:
        console.warn(warning)
    if result.action == "dry-run":
        print(f"Title: {result.title}\n\n{result.body}")
        console.info("dry run: nothing was pushed and no pull request was opened")
    elif result.action == "nothing" and args.dry_run:
        kept = " (unshim kept it: reasons above)" if result.warnings else ""
        console.info(f"nothing to change{kept}: no pull request would be opened")
    for call in result.calls:
        console.detail(f"GitHub API: {call}")
    return result.exit_code


def apply_request(args: argparse.Namespace, config: Config) -> PlanRequest:
    """Flags win; without --shim/--move/--auto the configuration's shims/moves/auto apply."""
    from unshim.codemods.plan.values import PlanError, parse_move

    try:
        flag_moves = tuple(parse_move(text) for text in args.move or ())
        config_moves = tuple(parse_move(f"{old}={new}") for old, new in config.moves)
    except PlanError as exc:
        raise UsageError(str(exc)) from None
    delete = tuple(args.delete or ()) or config.delete
    if args.shim or args.move or args.auto:
        flags = config.with_overrides(
            shims=tuple(args.shim or ()), moves=flag_moves, auto=args.auto, delete=delete
        )
        return plan_request(flags, configured=False)
    return plan_request(config.with_overrides(moves=config_moves, delete=delete), configured=True)


def deletion(index: Index, packages: tuple[str, ...], dry_run: bool) -> DeletionResult:
    """The deletion step of `apply` (`bot.apply_request.deletion`), imported when it runs."""
    from unshim.bot.apply_request import deletion as step

    return step(index, packages, dry_run)


def plan_request(config: Config, *, configured: bool) -> PlanRequest:
    from unshim.bot.apply_request import plan_request as request

    return request(config, configured=configured)


@contextmanager
def holding(root: Path, console: Console) -> Iterator[Recovery | None]:
    """The tree's lock for a run that writes (exit 2 when another run holds it), and what an
    interrupted run left finished first."""
    from unshim.bot.report import applied as applytext
    from unshim.codemods.transaction import recover
    from unshim.codemods.worktree.journal import JournalError
    from unshim.codemods.worktree.lock import TreeBusy, held

    try:
        with held(root) as stale:
            if stale is not None:
                console.warn(
                    f"took over the lock of unshim pid {stale.pid} (working since "
                    f"{stale.since}), which ended without releasing it"
                )
            try:
                recovery = recover(root)
            except JournalError as exc:
                raise UsageError(str(exc)) from None
            for line in applytext.recovered(recovery) if recovery else ():
                console.warn(line)
            yield recovery
    except TreeBusy as exc:
        raise UsageError(str(exc)) from None


def _pending(root: Path, console: Console) -> None:
    """A dry run changes nothing, not even what an interrupted run left; it says so."""
    from unshim.codemods.worktree import journal
    from unshim.codemods.worktree.journal import JournalError

    try:
        left = journal.read(root)
    except JournalError as exc:
        raise UsageError(str(exc)) from None
    if left is not None:
        console.warn(
            f"an interrupted unshim (pid {left.pid}, started {left.started}) left its journal "
            f"{journal.path_of(root)}: the next apply without --dry-run finishes it first"
        )


def _producer_texts(root: Path) -> tuple[str | None, str | None]:
    """The texts that name the distribution at `root`: its pyproject.toml, a wheel's METADATA."""
    pyproject = root / "pyproject.toml"
    wheels = sorted(root.glob("*.dist-info/METADATA"))
    return (
        pyproject.read_text(encoding="utf-8", errors="replace") if pyproject.is_file() else None,
        wheels[0].read_text(encoding="utf-8", errors="replace") if len(wheels) == 1 else None,
    )


def mapping(args: argparse.Namespace, console: Console) -> int:
    """The resolved mapping of the shims: what `apply --shim` would rewrite each name to."""
    from unshim.bot.report import mapping_doc
    from unshim.codemods.analyze.analysis import analyze as run_analysis
    from unshim.codemods.apply import focus_of
    from unshim.codemods.plan.build import build_plan
    from unshim.codemods.plan.mapping import mapping_of, producer_of
    from unshim.codemods.plan.values import PlanError

    root = target_root(args)
    config = config_for(args, root)
    flags = config.with_overrides(shims=tuple(args.shim or ()) or None, auto=args.auto or None)
    request = plan_request(flags.with_overrides(delete=()), configured=False)
    try:
        analysis = run_analysis(
            root,
            config.source_roots,
            config.exclude,
            jobs=default_jobs(args),
            progress=lambda done, total: console.progress("files scanned", done, total),
            focus=focus_of(request),
            reference_files=config.reference_files,
        )
        plan = build_plan(analysis, request)
    except (PlanError, TreeError) as exc:
        raise UsageError(str(exc)) from None
    published = mapping_of(analysis, plan, producer_of(*_producer_texts(root)))
    render = mapping_doc.ruff_table if args.format == "ruff" else mapping_doc.json_text
    write_output(render(published), args.output)
    console.info(
        f"{len(published.entries)} names mapped from {len(plan.shims)} shim modules, "
        f"{len(published.kept)} kept" + (f"; written to {args.output}" if args.output else "")
    )
    for kept in published.kept:
        console.detail(f"{kept.location or kept.subject}: kept: {kept.reason}")
    return EXIT_OK


def _apply_output(args: argparse.Namespace, applied: Applied) -> str | None:
    """What goes to stdout: the diff (--dry-run), the lines or annotations of --check, or the
    JSON document; nothing for a plain apply."""
    from unshim.bot.report import applied as applytext

    if args.format == "json":
        from unshim.bot.report import apply_json

        mode = "check" if args.check else "dry-run" if args.dry_run else "write"
        command = "unshim apply" + (" --check" if args.check else "")
        return apply_json.render(applied, mode=mode, version=VERSION, command=command)
    if args.format == "github":
        return applytext.github(applied.outcome)
    if args.check:
        return applytext.check_lines(applied.outcome)
    if args.dry_run and applied.outcome.changed:
        return applytext.diff(applied)
    return None


def apply(args: argparse.Namespace, console: Console) -> int:
    if args.format == "github" and not args.check:
        raise UsageError("--format github annotates what would change: use it with --check")
    root = target_root(args)
    if args.dry_run or args.check:  # writes nothing, so it takes no lock either
        _pending(root, console)
        return _apply(args, console, root)
    with holding(root, console) as recovery:
        return _apply(args, console, root, recovery)


def _apply(
    args: argparse.Namespace, console: Console, root: Path, recovery: Recovery | None = None
) -> int:
    from unshim.bot.apply_request import apply_options
    from unshim.codemods.apply import apply as run_apply
    from unshim.codemods.plan.values import PlanError
    from unshim.codemods.rewrite.bowler_engine import BowlerMissing
    from unshim.codemods.rewrite.custom import CodemodSpecError

    config = config_for(args, root)
    if args.mapping:
        return _apply_mapping(args, root, config, console)
    request = replace(apply_request(args, config), allow_missing_target=args.allow_missing_target)
    config = config.with_overrides(engine=args.engine, resolve=args.resolve)
    if args.python:
        config = config.with_overrides(verify=replace(config.verify, python=args.python))
    dry_run = args.dry_run or args.check
    options = apply_options(config, jobs=default_jobs(args), dry_run=dry_run, root=root)
    for source_root in config.source_roots:
        if not (root / source_root).is_dir():
            raise UsageError(f"{config.source}: source root '{source_root}' is not a directory")
    try:
        applied = run_apply(root, request, options, delete=deletion, progress=console.progress)
    except PlanError as exc:
        if recovery is not None and recovery.deleted:
            # The run this one completed deleted what was asked for: that is its goal reached.
            console.info(f"nothing left to do: the interrupted run was completed ({exc})")
            return EXIT_OK
        raise UsageError(str(exc)) from None
    except (CodemodSpecError, TreeError, BowlerMissing) as exc:
        raise UsageError(str(exc)) from None
    return _reported(args, console, applied, dry_run)


def _reported(args: argparse.Namespace, console: Console, applied: Applied, dry_run: bool) -> int:
    """What apply prints, from --shim or --mapping alike, and its exit code."""
    from unshim.bot.report import applied as applytext

    outcome = applied.outcome
    output = _apply_output(args, applied)
    if output:
        write_output(output, None)
    for edit in outcome.edits:  # every Rewritten file's, in path order
        console.detail(f"{edit.location}: {edit.before} -> {edit.after}")
    if not args.check:  # --check prints them on stdout with the imports
        for line in applytext.patch_targets(outcome):
            console.info(line)
    for note in applied.plan.taken:
        console.info(note)
    for line in applytext.notes(outcome):
        console.info(line)
    for blocking, line in applytext.reasons(outcome):
        if blocking:
            console.warn(line)
        else:
            console.info(line)
    console.info(applytext.summary(outcome, dry_run) + f" ({console.elapsed():.1f} s)")
    if not outcome.changed and not outcome.kept and not outcome.not_parsed:
        console.info(applytext.nothing_to_do(applied.plan))
    if args.check:
        console.info(applytext.check_verdict(outcome))
    hint = applytext.next_step(outcome, dry_run, check=args.check)
    if hint:
        console.info(hint)
    if args.check and outcome.changed:
        return EXIT_REFUSED
    return EXIT_REFUSED if outcome.refused else EXIT_OK


def _apply_mapping(args: argparse.Namespace, root: Path, config: Config, console: Console) -> int:
    """`apply --mapping FILE`: another library's published mapping, applied to this tree."""
    from unshim.bot.apply_request import apply_options
    from unshim.codemods.apply import apply_mapping
    from unshim.codemods.plan.mapping import parse_mapping
    from unshim.codemods.plan.values import PlanError
    from unshim.codemods.rewrite.custom import CodemodSpecError

    if args.shim or args.move or args.auto or args.delete:
        raise UsageError(
            "--mapping rewrites from the mapping alone: drop --shim/--move/--auto/--delete"
        )
    source = Path(args.mapping)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{args.mapping}: cannot read the mapping: {exc}") from None
    dry_run = args.dry_run or args.check
    options = apply_options(config, jobs=default_jobs(args), dry_run=dry_run, root=root)
    try:
        published = parse_mapping(text, args.mapping)
        applied = apply_mapping(root, published, options, progress=console.progress)
    except (PlanError, CodemodSpecError, TreeError) as exc:
        raise UsageError(str(exc)) from None
    return _reported(args, console, applied, dry_run)


def check(args: argparse.Namespace, console: Console) -> int:
    from unshim.bot.report import guard
    from unshim.codemods.analyze.removed import by_files, findings, parse_removal
    from unshim.codemods.scan.build import build_index
    from unshim.codemods.scan.cache import Cache
    from unshim.codemods.scan.focus import Focus

    paths = [Path(p) for p in args.paths]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    given, expected = removal_entries(list(args.removed or ()))
    if expected is not None:
        raise UsageError(f"--removed {' '.join(args.removed)}: each must be {expected[2:]}")
    if len(paths) == 1 and paths[0].is_dir() and args.root is None:
        root, files = paths[0], None  # the whole tree
    else:
        root = Path(args.root or ".")
        files = [_relative(p, root) for p in paths] or None
    if not root.is_dir():
        raise UsageError(f"{root}: not a directory (give the repository's root folder)")
    root = root.resolve()
    config = config_for(args, root)
    removals = tuple(dict.fromkeys(parse_removal(e) for e in (*config.removed, *given)))
    if not removals:
        raise UsageError(
            "nothing to check: list the removed modules in [tool.unshim] removed, or pass "
            "--removed OLD.MODULE[=NEW.MODULE]"
        )
    if args.emit == "ruff":
        write_output(guard.ruff_table(removals), None)
        return EXIT_OK
    try:
        index = build_index(
            root,
            config.source_roots,
            config.exclude,
            focus=Focus(tuple(r.module for r in removals)),
            cache=Cache(folder) if (folder := cache_folder(config)) is not None else None,
        )
    except TreeError as exc:
        raise UsageError(str(exc)) from None
    own = [config.source] if config.source else []
    skip = [_relative(Path(s), root) for s in own if Path(s).name == ".unshim.toml"]
    found = by_files(findings(index, removals, skip), files)
    text = guard.github(found) if args.format == "github" else guard.text(found)
    if text:
        write_output(text, None)
    places = len(found)
    console.info(
        f"{places} place{'s' if places != 1 else ''} name{'s' if places == 1 else ''} a "
        f"removed module, in {console.elapsed():.1f} s"
        if places
        else f"no removed module is named, in {console.elapsed():.1f} s"
    )
    return EXIT_REFUSED if found else EXIT_OK


def _relative(path: Path, root: Path) -> str:
    """A path as the index names files: relative to the root, with forward slashes."""
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        return absolute.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise UsageError(f"{path}: not under the repository root {root}") from None
