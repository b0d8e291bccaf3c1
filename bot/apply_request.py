"""What a configuration asks of `codemods.apply`, built once for `unshim apply` (bot.commands)
and `unshim run` (bot.pipeline): the PlanRequest, the ApplyOptions and the deletion step."""

from __future__ import annotations

from pathlib import Path

from unshim.bot.config import Config, cache_folder
from unshim.codemods.apply import ApplyOptions
from unshim.codemods.delete.removal import DeletionResult, prove_and_delete
from unshim.codemods.plan.importer import ImportSettings
from unshim.codemods.plan.values import PlanRequest, Schedule
from unshim.codemods.scan.index import Index


def plan_request(config: Config, *, configured: bool) -> PlanRequest:
    """The shims, moves, auto and delete of `config`. `configured`: they come from the
    configuration file, so a shim that no longer exists is done, not an error."""
    return PlanRequest(
        config.shims,
        config.moves,
        config.auto,
        config.delete,
        configured=configured,
        schedule=Schedule(config.kind, dict(config.remove_in)),
    )


def apply_options(
    config: Config, *, jobs: int, dry_run: bool = False, root: Path | None = None
) -> ApplyOptions:
    return ApplyOptions(
        config.source_roots,
        config.exclude,
        jobs,
        dry_run,
        config.codemods,
        config.engine,
        import_settings(config, root or Path()),
        config.reference_files,
        cache_folder(config),
    )


def import_settings(config: Config, root: Path) -> ImportSettings | None:
    """`resolve = "import"`: the configured interpreter (a relative path is the repository's,
    as for the verification commands), its timeout, and the token variable to keep from it."""
    if config.resolve != "import":
        return None
    python = config.verify.python
    if "/" in python and not Path(python).is_absolute():
        python = str((root / python).resolve())
    return ImportSettings(
        python, config.verify.timeout, (config.pr.token_env,), config.verify.pass_env
    )


def deletion(index: Index, packages: tuple[str, ...], dry_run: bool) -> DeletionResult:
    """The deletion step `codemods.apply` runs after the rewrite: the proof, then the removal."""
    return prove_and_delete(index, packages, dry_run=dry_run)
