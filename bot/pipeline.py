"""`unshim run`: the one place that knows the order of the stages.

scan → plan → rewrite → delete (codemods.apply) → verify → report → branch/PR. Everything local
happens on the bot branch, regenerated from the fresh base, inside `restored()`, so the work
tree is left as it was found whatever happens.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Config
from bot.errors import EXIT_OK, EXIT_REFUSED, UsageError
from bot.publish.gitrepo import GitRepository, open_repository, restored
from bot.publish.pulls import PullRequestInfo, PullRequests, PullRequestSpec
from bot.report import wording as comments
from bot.report.markdown import MARKER, Metadata, Report, fingerprint, render_markdown
from bot.verify.run import append_job_summary, run_checks
from bot.verify.snapshot import head_tree
from codemods.apply import Applied, ApplyOptions, apply
from codemods.delete.removal import DeletionResult, prove_and_delete
from codemods.outcome import ApplyOutcome
from codemods.plan.values import PlanRequest
from codemods.scan.index import Index

DEFAULT_API = "https://api.github.com"
DURATION = re.compile(r"\b\d+(?:\.\d+)? ?s\b")
Say = Callable[[str], None]


@dataclass(frozen=True)
class RunOptions:
    dry_run: bool = False
    shims: tuple[str, ...] = ()
    auto: bool = False
    repository: str | None = None
    jobs: int = 1
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
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


@dataclass(frozen=True)
class _Target:
    repository: str | None
    token: str | None
    api_url: str
    base: str
    base_ref: str
    branch: str


def _delete(index: Index, packages: tuple[str, ...], dry_run: bool) -> DeletionResult:
    return prove_and_delete(index, packages, dry_run=dry_run)


def _target(repo: GitRepository, config: Config, options: RunOptions) -> _Target:
    env = options.environ
    token = env.get(config.pr.token_env) or None
    repository = options.repository or env.get("GITHUB_REPOSITORY") or None
    repository = repository or repo.origin_repository_slug()
    has_origin = repo.remote_url("origin") is not None
    if not options.dry_run:
        if token is None:
            raise UsageError(
                f"no token: set {config.pr.token_env} (a token that can push and open pull "
                "requests), or use --dry-run to see the pull request without opening it"
            )
        if repository is None:
            raise UsageError(
                "cannot tell which GitHub repository to open the pull request in: pass "
                "--repository OWNER/NAME or set GITHUB_REPOSITORY"
            )
        if not has_origin:
            raise UsageError("the repository has no 'origin' remote to push the bot branch to")
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
    api_url = env.get("GITHUB_API_URL") or DEFAULT_API
    return _Target(repository, token, api_url, base, base_ref, branch)


def comparable(body: str) -> str:
    """A report body without its timings: a rerun that only ran faster is no new information,
    and editing the pull request for it would notify every reviewer."""
    return DURATION.sub("…s", body)


def _present(config: Config, root: Path) -> Config:
    """The configured shims that still exist. A shim that is gone is not an error for the bot:
    it is the goal, reached (its pull request was merged)."""

    def exists(module: str) -> bool:
        parts = module.split(".")
        for source_root in config.source_roots:
            base = root / source_root / Path(*parts)
            if (
                base.is_dir()
                or base.with_suffix(".py").is_file()
                or base.with_suffix(".pyi").is_file()
            ):
                return True
        return False

    return config.with_overrides(shims=tuple(s for s in config.shims if exists(s)))


def _prefix(branch: str) -> str:
    return branch.rpartition("/")[0] + "/"


def _apply(root: Path, config: Config, options: RunOptions) -> Applied:
    request = PlanRequest(
        shims=config.shims, moves=config.moves, auto=config.auto, delete=config.delete
    )
    return apply(
        root,
        request,
        ApplyOptions(
            source_roots=config.source_roots,
            exclude=config.exclude,
            jobs=options.jobs,
            codemods=config.codemods,
            engine=config.engine,
        ),
        delete=_delete,
    )


def _outputs(result: RunResult, environ: Mapping[str, str]) -> None:
    """Step outputs for the workflow, when running in GitHub Actions."""
    path = environ.get("GITHUB_OUTPUT")
    if not path:
        return
    values = {
        "pr-number": str(result.pr.number) if result.pr else "",
        "pr-url": result.pr.url if result.pr else "",
        "changed": "true" if result.changed else "false",
        "verification": result.verification,
    }
    with open(path, "a", encoding="utf-8") as stream:
        for name, value in values.items():
            stream.write(f"{name}={value}\n")


def run(root: Path, config: Config, options: RunOptions, say: Say) -> RunResult:
    repo = open_repository(root)
    dirty = repo.dirty_files()
    if dirty:
        shown = ", ".join(dirty[:10]) + (f" and {len(dirty) - 10} more" if len(dirty) > 10 else "")
        raise UsageError(
            f"the work tree has uncommitted changes ({shown}): commit or stash them first; "
            "unshim run only starts from a clean tree"
        )
    target = _target(repo, config, options)
    if target.base_ref != "HEAD":
        say(f"fetching {target.base} and {target.branch}")
        repo.fetch([target.base, target.branch], token=target.token)
    remote_sha = repo.remote_sha(target.branch) if target.base_ref != "HEAD" else None
    if remote_sha is not None:
        stopped = _stop_for_people(repo, config, options, target, remote_sha)
        if stopped is not None:
            _outputs(stopped, options.environ)
            return stopped
    work = Path(repo.root)
    with restored(repo):
        repo.start_branch(target.branch, target.base_ref)
        say(f"rewriting on {target.branch}, from {target.base}")
        present = _present(config, work)
        if present.shims or present.auto or present.moves or present.delete:
            outcome = _apply(work, present, options).outcome
        else:
            outcome = ApplyOutcome(config.shims, (), (), (), (), (), ())
        if not outcome.changed:
            result = _nothing_to_do(repo, config, options, target, remote_sha, outcome, say)
            _outputs(result, options.environ)
            return result
        say(
            f"{len(outcome.edits)} imports rewritten in {len(outcome.changed_files)} files, "
            f"{len(outcome.deleted_files)} files deleted; running the checks"
        )
        with head_tree(work) as head:
            verification = run_checks(
                head[0] if head else None,
                work,
                config,
                outcome.shims,
                # None: the packages the shim layers point to, as analyze names them.
                None,
                before_label=f"{target.base} {head[1].split()[-1]}" if head else None,
            )
        passed = not verification.failed
        report = Report(
            verification, outcome, Metadata(target.repository or work.name, "unshim run")
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
        if options.dry_run:
            result = RunResult("dry-run", refused, True, state, title, body)
            _outputs(result, options.environ)
            return result
        result = _ship(
            repo,
            config,
            options,
            target,
            remote_sha,
            commit,
            title,
            body,
            plan_fingerprint,
            passed,
            say,
        )
        result = RunResult(
            result.action,
            refused,
            True,
            state,
            title,
            body,
            result.pr,
            result.calls,
            result.warnings,
        )
        _outputs(result, options.environ)
        return result


def _pulls(target: _Target, options: RunOptions) -> PullRequests:
    assert target.token is not None and target.repository is not None
    return PullRequests(
        token=target.token,
        repository=target.repository,
        api_url=target.api_url,
        pacing=options.pacing,
    )


def _nothing_to_do(
    repo: GitRepository,
    config: Config,
    options: RunOptions,
    target: _Target,
    remote_sha: str | None,
    outcome: ApplyOutcome,
    say: Say,
) -> RunResult:
    kept = EXIT_REFUSED if outcome.refused else EXIT_OK
    if options.dry_run:
        return RunResult("nothing", kept, False, "skipped", "", "")
    pulls = _pulls(target, options)
    open_pr = pulls.find_open(target.branch)
    if open_pr is None:
        say("nothing to change: no pull request to open")
        return RunResult("nothing", kept, False, "skipped", calls=pulls.calls)
    shims = comments.shim_list(config.shims)
    pulls.close(
        open_pr.number,
        comments.CLOSE_COMMENT.format(base=target.base, shims=shims, branch=target.branch),
    )
    if remote_sha:
        repo.delete_remote_branch(
            target.branch,
            remote_sha,
            target.token,
            allowed_prefix=_prefix(target.branch),
            protected=target.base,
        )
    say(f"nothing left to change: closed #{open_pr.number} and deleted {target.branch}")
    return RunResult("closed", kept, False, "skipped", pr=open_pr, calls=pulls.calls)


def _stop_for_people(
    repo: GitRepository,
    config: Config,
    options: RunOptions,
    target: _Target,
    remote_sha: str,
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
    if options.dry_run:
        return RunResult("stopped", EXIT_OK, False, "skipped", warnings=(warning,))
    pulls = _pulls(target, options)
    open_pr = pulls.find_open(target.branch)
    if open_pr is not None:
        pulls.comment_once(
            open_pr.number,
            comments.HUMAN_MARKER,
            comments.HUMAN_COMMENT.format(
                branch=target.branch,
                commits=", ".join(c.sha[:7] for c in humans),
                base=target.base,
            ),
        )
    return RunResult(
        "stopped", EXIT_OK, False, "skipped", pr=open_pr, calls=pulls.calls, warnings=(warning,)
    )


def _ship(
    repo: GitRepository,
    config: Config,
    options: RunOptions,
    target: _Target,
    remote_sha: str | None,
    commit: str | None,
    title: str,
    body: str,
    plan_fingerprint: str,
    passed: bool,
    say: Say,
) -> RunResult:
    pulls = _pulls(target, options)
    open_pr = pulls.find_open(target.branch)
    if open_pr is None:
        closed = pulls.find_closed_unmerged(target.branch, MARKER.format(plan_fingerprint))
        if closed is not None:
            say(
                f"#{closed.number} proposed this same change and was closed without merging: "
                "not opening it again"
            )
            return RunResult("closed-by-human", EXIT_OK, True, "", pr=closed, calls=pulls.calls)
    if not passed and config.pr.on_failure == "skip":
        say('a check failed and [tool.unshim.pr] on-failure = "skip": no pull request')
        return RunResult("skipped", EXIT_REFUSED, True, "", pr=open_pr, calls=pulls.calls)
    assert commit is not None
    if remote_sha and repo.tree_of(commit) == repo.tree_of(remote_sha):
        say(f"{target.branch} already holds this change: nothing to push")
    else:
        repo.push_branch(
            target.branch,
            remote_sha,
            target.token,
            allowed_prefix=_prefix(target.branch),
            protected=target.base,
        )
        say(f"pushed {target.branch}")
    spec = PullRequestSpec(
        title=title,
        body=body,
        head=target.branch,
        base=target.base,
        labels=config.pr.labels,
        reviewers=config.pr.reviewers,
        assignees=config.pr.assignees,
        draft=not passed,
    )
    if open_pr is None:
        pr = pulls.create(spec)
        say(f"opened #{pr.number}: {pr.url}")
        return RunResult("opened", EXIT_OK, True, "", pr=pr, calls=pulls.calls)
    unchanged = (
        comparable(open_pr.body) == comparable(body)
        and open_pr.title == title
        and open_pr.draft == (not passed)
    )
    pr = open_pr if unchanged else pulls.update(open_pr.number, spec)
    say(f"{'left' if unchanged else 'updated'} #{pr.number}: {pr.url}")
    action = "unchanged" if unchanged else "updated"
    return RunResult(action, EXIT_OK, True, "", pr=pr, calls=pulls.calls)
