"""`unshim run`: the one place that knows the order of the stages.

scan → plan → rewrite → delete (codemods.apply) → verify → report → branch/PR. Everything local
happens on the bot branch, regenerated from the fresh base, inside `restored()`, so the work
tree is left as it was found whatever happens.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

from unshim.bot import credential_pipe
from unshim.bot.apply_request import apply_options, deletion, plan_request
from unshim.bot.config import Config
from unshim.bot.errors import EXIT_OK, EXIT_REFUSED, UsageError
from unshim.bot.guard_config import add_removed
from unshim.bot.publish.github_transport import DEFAULT_API_URL
from unshim.bot.publish.gitrepo import GitRepository, open_repository
from unshim.bot.publish.publisher import Proposal, Publisher, Target
from unshim.bot.publish.pullrequest import PullRequestInfo
from unshim.bot.publish.readonly import ReadOnlyPublisher
from unshim.bot.publish.restore import restored
from unshim.bot.report import applied as applytext
from unshim.bot.report import wording as comments
from unshim.bot.report.markdown import render_markdown
from unshim.bot.report.values import MARKER, Metadata, Report, fingerprint
from unshim.bot.verify.run import append_job_summary, run_checks
from unshim.bot.verify.snapshot import head_tree, linked_tree
from unshim.codemods.apply import Applied, apply
from unshim.codemods.names import common_package, within
from unshim.codemods.outcome import ApplyOutcome
from unshim.codemods.rewrite.results import Failed, Rewritten
from unshim.codemods.transaction import recover
from unshim.codemods.worktree.journal import JournalError
from unshim.codemods.worktree.lock import TreeBusy, held

Say = Callable[[str], None]


@dataclass(frozen=True)
class RunOptions:
    dry_run: bool = False
    # The shims came from --shim: the maintainers' own call, deleted whatever library mode's
    # schedule says (as `unshim apply --shim` does); the configured ones follow it.
    named: bool = False
    repository: str | None = None
    jobs: int = 1
    environ: Mapping[str, str] = field(default_factory=credential_pipe.environment)
    pacing: bool = True  # PyGithub's pause between writes; off only against a local fake


@dataclass(frozen=True)
class RunResult:
    action: str  # dry-run|nothing|closed|opened|updated|unchanged|stopped|closed-by-human|skipped
    exit_code: int
    changed: bool
    verification: str  # passed|failed|skipped
    title: str = ""
    body: str = ""
    pr: PullRequestInfo | None = None
    calls: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def _publisher(repo: GitRepository, config: Config, options: RunOptions, say: Say) -> Publisher:
    """The one place a dry run differs: what publishing does to the outside world."""
    if options.dry_run:
        return ReadOnlyPublisher()
    # Imported only here: PyGithub takes longer to load than a dry run needs to publish.
    from unshim.bot.publish.github_publisher import GitHubPublisher

    return GitHubPublisher(repo, config.pr, pacing=options.pacing, say=say)


def _target(
    repo: GitRepository, config: Config, options: RunOptions, publisher: Publisher
) -> Target:
    env = options.environ
    token = env.get(config.pr.token_env) or None
    repository = options.repository or env.get("GITHUB_REPOSITORY") or None
    repository = repository or repo.origin_repository_slug()
    has_origin = repo.remote_url("origin") is not None
    # Before the remote is asked anything: a missing token is the problem to report.
    publisher.require(token=token, repository=repository, has_origin=has_origin)
    if has_origin:
        base = config.pr.base or repo.default_branch(token=token)
        base_ref = f"origin/{base}"
    else:  # a dry run of a repository without a remote starts from what is checked out
        base = repo.current_branch() or "HEAD"
        base_ref = "HEAD"
    branch = config.pr.branch or comments.branch_name(config.shims, config.auto)
    if "/" not in branch.strip("/"):
        raise UsageError(
            f"[tool.unshim.pr] branch = {branch!r}: the bot branch must live under a prefix "
            "(like unshim/cleanup), so it can never be mistaken for a person's branch"
        )
    api_url = env.get("GITHUB_API_URL") or DEFAULT_API_URL
    return Target(repository, token, api_url, base, base_ref, branch)


def _exists(config: Config, root: Path, module: str) -> bool:
    parts = module.split(".")
    for source_root in config.source_roots:
        base = root / source_root / Path(*parts)
        if base.is_dir() or base.with_suffix(".py").is_file() or base.with_suffix(".pyi").is_file():
            return True
    return False


def _present(config: Config, root: Path) -> Config:
    """The configured shims that still exist. A shim that is gone is not an error for the bot:
    it is the goal, reached (its pull request was merged)."""
    return config.with_overrides(shims=tuple(s for s in config.shims if _exists(config, root, s)))


def _guard(config: Config, root: Path, outcome: ApplyOutcome) -> tuple[ApplyOutcome, str | None]:
    """The shims this change deleted join `[tool.unshim] removed` in the same commit, so that
    `unshim check` keeps them gone once it merges. The edited file counts as changed."""
    gone = [s for s in outcome.shims if not _exists(config, root, s)]
    if not gone:
        return outcome, None
    home = common_package(outcome.canonical)
    entries = [f"{s}={home}" if home and not within(home, s) else s for s in gone]
    source = Path(config.source).resolve() if config.source else None
    if source is None or not source.is_relative_to(root.resolve()):
        source = root / "pyproject.toml"
        source = source if source.is_file() else root / ".unshim.toml"
    if not add_removed(source, entries):
        return outcome, None
    relative = source.resolve().relative_to(root.resolve()).as_posix()
    changed = tuple(sorted({*outcome.changed_files, relative}))
    return replace(outcome, changed_files=changed), relative


def _apply(root: Path, config: Config, options: RunOptions) -> Applied:
    # `_present` has already dropped the configured shims that are gone; `configured` is what
    # makes library mode's schedule apply to the rest.
    request = plan_request(config, configured=not options.named)
    return apply(
        root, request, apply_options(config, jobs=options.jobs, root=root), delete=deletion
    )


def changed_files(applied: Applied) -> dict[str, bytes | None]:
    """What apply changed in the work tree: each file written, with its contents, and each
    file deleted or not rewritten (None: read from disk if it is there)."""
    changes: dict[str, bytes | None] = {
        r.path: r.after if isinstance(r, Rewritten) else None
        for r in applied.files
        if isinstance(r, (Rewritten, Failed))
    }
    changes.update(dict.fromkeys(applied.outcome.deleted_files))
    return changes


def _outputs(result: RunResult, environ: Mapping[str, str]) -> RunResult:
    """Step outputs for the workflow, when running in GitHub Actions; then `result`. Written
    before the work tree is restored, as the run's last step."""
    path = environ.get("GITHUB_OUTPUT")
    if not path:
        return result
    values = {
        "pr-number": str(result.pr.number) if result.pr else "",
        "pr-url": result.pr.url if result.pr else "",
        "changed": "true" if result.changed else "false",
        "verification": result.verification,
    }
    with open(path, "a", encoding="utf-8") as stream:
        for name, value in values.items():
            stream.write(f"{name}={value}\n")
    return result


def run(root: Path, config: Config, options: RunOptions, say: Say) -> RunResult:
    """The whole run holds the work tree's lock: a second run on the same tree exits 2."""
    repo = open_repository(root)
    try:
        with held(Path(repo.root)) as stale:
            if stale is not None:
                say(
                    f"took over the lock of unshim pid {stale.pid} (working since "
                    f"{stale.since}), which ended without releasing it"
                )
            try:
                recovery = recover(Path(repo.root))
            except JournalError as exc:
                raise UsageError(str(exc)) from None
            for line in applytext.recovered(recovery) if recovery else ():
                say(line)
            return _run(repo, config, options, say)
    except TreeBusy as exc:
        raise UsageError(str(exc)) from None


def _run(repo: GitRepository, config: Config, options: RunOptions, say: Say) -> RunResult:
    dirty = repo.dirty_files()
    if dirty:
        shown = ", ".join(dirty[:10]) + (f" and {len(dirty) - 10} more" if len(dirty) > 10 else "")
        raise UsageError(
            f"the work tree has uncommitted changes ({shown}): commit or stash them first; "
            "unshim run only starts from a clean tree"
        )
    publisher = _publisher(repo, config, options, say)
    target = _target(repo, config, options, publisher)
    # Before any work: a token that cannot publish, or an API that does not answer, is found
    # now (before the fetch, too) and not after the rewrite and every check.
    publisher.preflight(target)
    if target.base_ref != "HEAD":
        say(f"fetching {target.base} and {target.branch}")
        repo.fetch([target.base, target.branch], token=target.token)
    remote_sha = repo.remote_sha(target.branch) if target.base_ref != "HEAD" else None
    if remote_sha is not None:
        stopped = _stop_for_people(repo, config, target, remote_sha, publisher)
        if stopped is not None:
            return _outputs(stopped, options.environ)
    work = Path(repo.root)
    with restored(repo), ExitStack() as trees:
        repo.start_branch(target.branch, target.base_ref)
        say(f"rewriting on {target.branch}, from {target.base}")
        # The tree before, linked to the clean work tree's files before apply replaces them,
        # rather than exported from git after it; not where the configured commands run in
        # it, as they could write into a linked file.
        linked = None if config.verify.commands else trees.enter_context(linked_tree(work))
        present = _present(config, work)
        changes: dict[str, bytes | None] = {}
        if present.shims or present.auto or present.moves or present.delete:
            applied = _apply(work, present, options)
            outcome, changes = applied.outcome, changed_files(applied)
        else:
            outcome = ApplyOutcome(config.shims, (), (), (), (), (), ())
        if not outcome.changed:
            kept = EXIT_REFUSED if outcome.refused else EXIT_OK
            close = comments.CLOSE_COMMENT.format(
                base=target.base, shims=comments.shim_list(config.shims), branch=target.branch
            )
            withdrawn = publisher.withdraw(target, remote_sha, close)
            # Nothing changed because unshim kept it: the person who scheduled the run reads why.
            why = tuple(line for blocking, line in applytext.reasons(outcome) if blocking)
            result = RunResult(
                withdrawn.action,
                kept,
                False,
                "skipped",
                pr=withdrawn.pr,
                calls=withdrawn.calls,
                warnings=why,
            )
            return _outputs(result, options.environ)
        outcome, guarded = _guard(config, work, outcome)
        say(
            f"{len(outcome.edits)} imports rewritten in {len(outcome.changed_files)} files, "
            f"{len(outcome.deleted_files)} files deleted; running the checks"
        )
        head = linked if linked is not None else trees.enter_context(head_tree(work))
        verification = run_checks(
            head[0] if head else None,
            work,
            config,
            outcome.shims,
            # None: the packages the shim layers point to, as analyze names them.
            None,
            before_label=f"{target.base} {head[1].split()[-1]}" if head else None,
            # The work tree was clean, so it is the base but for what apply wrote: the
            # tree after is the base's reading with those files read again.
            changes=changes,
            jobs=options.jobs,
        )
        passed = not verification.failed
        report = Report(
            verification,
            outcome,
            Metadata(target.repository or work.name, "unshim run"),
            guarded=guarded,
        )
        body = render_markdown(report)
        title = comments.title(outcome)
        plan_fingerprint = fingerprint(outcome)
        append_job_summary(body, options.environ)
        state = "passed" if passed else "failed"
        refused = EXIT_REFUSED if (outcome.refused or not passed) else EXIT_OK
        commit = repo.commit_all(
            comments.commit_message(outcome, plan_fingerprint),
            config.pr.author_name,
            config.pr.author_email,
        )
        marker = MARKER.format(plan_fingerprint)
        proposal = Proposal(title, body, marker, passed, commit, remote_sha)
        published = publisher.publish(target, proposal)
        result = RunResult(
            published.action, refused, True, state, title, body, published.pr, published.calls
        )
        return _outputs(result, options.environ)


def _stop_for_people(
    repo: GitRepository,
    config: Config,
    target: Target,
    remote_sha: str,
    publisher: Publisher,
) -> RunResult | None:
    """Someone pushed to the bot branch: their work wins. Checked before anything is done, so
    the bot does not rewrite, verify and then throw the result away."""
    humans = repo.human_commits(target.base_ref, remote_sha, config.pr.author_email)
    if not humans:
        return None
    who = ", ".join(sorted({f"{c.author_name} <{c.author_email}>" for c in humans}))
    warning = (
        f"{target.branch} has {len(humans)} commits not made by unshim (by {who}): "
        "not pushing over them; delete the branch to hand it back"
    )
    comment = comments.HUMAN_COMMENT.format(
        branch=target.branch, commits=", ".join(c.sha[:7] for c in humans), base=target.base
    )
    stopped = publisher.hand_back(target, comments.HUMAN_MARKER, comment)
    return RunResult(
        "stopped",
        EXIT_OK,
        False,
        "skipped",
        pr=stopped.pr,
        calls=stopped.calls,
        warnings=(warning,),
    )
