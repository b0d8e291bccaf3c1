"""What a configuration asks of `codemods.apply`, built once for `unshim apply` (bot.commands)
and `unshim run` (bot.pipeline): the PlanRequest, the ApplyOptions and the deletion step."""

from __future__ import annotations

from bot.config import Config
from codemods.apply import ApplyOptions
from codemods.delete.removal import DeletionResult, prove_and_delete
from codemods.plan.values import PlanRequest
from codemods.scan.index import Index


def plan_request(config: Config, *, configured: bool) -> PlanRequest:
    """The shims, moves, auto and delete of `config`. `configured`: they come from the
    configuration file, so a shim that no longer exists is done, not an error."""
    return PlanRequest(
        config.shims, config.moves, config.auto, config.delete, configured=configured
    )


def apply_options(config: Config, *, jobs: int, dry_run: bool = False) -> ApplyOptions:
    return ApplyOptions(
        config.source_roots, config.exclude, jobs, dry_run, config.codemods, config.engine
    )


def deletion(index: Index, packages: tuple[str, ...], dry_run: bool) -> DeletionResult:
    """The deletion step `codemods.apply` runs after the rewrite: the proof, then the removal."""
    return prove_and_delete(index, packages, dry_run=dry_run)
