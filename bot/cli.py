"""The `unshim` command line: argument parsing and exit codes, nothing else.

Exit codes: 0 success, 1 unshim refused something or a check failed, 2 usage or configuration
error, 3 internal error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import traceback
from collections.abc import Sequence

from unshim.bot import VERSION, credential_pipe
from unshim.bot.console import Console, process_age
from unshim.bot.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, UnshimError

DESCRIPTION = """\
unshim removes the leftovers of Python refactors: shim packages whose modules only re-export
names that now live elsewhere. It finds them (analyze), rewrites every import that goes through
them to the module that really defines the name and deletes what nothing references any more
(apply), proves the result (verify), and ships it as one pull request (run)."""

EPILOG = """\
exit codes: 0 success, 1 refused or a check failed (reasons printed with file:line),
2 usage or configuration error, 3 internal error (rerun with --debug), 130 interrupted.
Configuration: [tool.unshim] in the target's pyproject.toml, or .unshim.toml; flags win."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _common(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("output")
    group.add_argument("-q", "--quiet", action="store_true", help="print only results and errors")
    group.add_argument("-v", "--verbose", action="store_true", help="print each step in detail")
    group.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: PATH/.unshim.toml or PATH/pyproject.toml [tool.unshim])",
    )


def _source_root(parser: argparse.ArgumentParser, default: str = "PATH") -> None:
    parser.add_argument(
        "--source-root",
        action="append",
        metavar="DIR",
        help=f"directory module names start from (repeatable; default: config, else {default})",
    )


def _cache(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("cache")
    group.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="keep what each file says here between runs (default: $UNSHIM_CACHE_DIR, else "
        "$XDG_CACHE_HOME/unshim, else ~/.cache/unshim)",
    )
    group.add_argument(
        "--no-cache",
        action="store_true",
        help="read every file afresh and keep nothing (the same as cache = false)",
    )


def _path(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("path", nargs="?", default=".", metavar="PATH", help=what)


def _verify_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    verify = commands.add_parser(
        "verify",
        help="check a change: import counts, compileall and the configured smoke commands, "
        "before and after",
        description="Run every check on the tree at PATH and on its git HEAD (the tree before "
        "the change): import counts of the shims (must be 0 after) and of the packages their "
        "names live in (must not drop), exact and as grep counts them; compileall over the "
        "analyzed files; each [tool.unshim.verify] command, with the configured interpreter "
        "and timeout. Prints the report the pull request carries; appends it to "
        "$GITHUB_STEP_SUMMARY when set. Exit 1 when a check fails.",
        epilog=EPILOG,
    )
    _path(verify, "repository to verify (default: .); compared with its git HEAD if it has one")
    verify.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="text for a terminal (default), markdown as in the pull request, json for tools "
        "(schema: docs/report.schema.json)",
    )
    verify.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    verify.add_argument(
        "--shim",
        action="append",
        metavar="PKG",
        help="a shim package being removed (repeatable; default: config 'shims', else the shim "
        "layers analyze finds)",
    )
    _common(verify)


def _run_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    run = commands.add_parser(
        "run",
        help="the bot: apply, verify, commit on the bot branch, push, open or update the PR",
        description="In the git work tree at PATH: start the bot branch afresh from the "
        "remote's default branch, apply the configured change, run the checks, commit as the "
        "bot, push the branch (never over commits a person added) and open or update one pull "
        "request whose body is the verification report. Needs a token in $GITHUB_TOKEN (or "
        "the variable [tool.unshim.pr] token-env names). With --dry-run: everything local on "
        "a throwaway branch, then print the pull request it would open; no push, no API call, "
        "and the work tree is left as it was.",
        epilog=EPILOG,
    )
    _path(run, "the repository's work tree (default: .)")
    run.add_argument("--dry-run", action="store_true", help="print the PR; push nothing")
    run.add_argument(
        "--shim", action="append", metavar="DOTTED.NAME", help="shim package (repeatable)"
    )
    run.add_argument("--auto", action="store_true", help="every pure shim analyze finds")
    run.add_argument("--branch", metavar="NAME", help="bot branch (default: unshim/<shims>)")
    run.add_argument("--base", metavar="NAME", help="base branch (default: the remote's)")
    run.add_argument(
        "--label", action="append", metavar="NAME", help="pull request label (repeatable)"
    )
    run.add_argument(
        "--python", metavar="INTERPRETER", help="interpreter for the verification commands"
    )
    run.add_argument(
        "--resolve",
        choices=("static", "import"),
        help="import: confirm every rewrite by importing the shims (see apply --resolve)",
    )
    run.add_argument(
        "--repository",
        metavar="OWNER/NAME",
        help="GitHub repository (default: $GITHUB_REPOSITORY, else the origin remote)",
    )
    run.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes")
    _cache(run)
    _common(run)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="unshim",
        description=DESCRIPTION,
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"unshim {VERSION}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    analyze = commands.add_parser(
        "analyze",
        help="inventory the modules: shims, shim layers, dead packages, exact importer counts",
        description="Index every Python module under PATH and report, for every package, its "
        "files, lines, importers (exact, and the grep a reviewer would run), and whether it is "
        "ACTIVE, a SHIM LAYER (re-exports only; with where its names really live) or DEAD (no "
        "importers). Reads the tree; changes nothing.",
        epilog=EPILOG,
    )
    _path(analyze, "repository or source tree to analyze (default: .)")
    analyze.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="text for a terminal (default), markdown for docs, json for tools",
    )
    analyze.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    _source_root(analyze)
    analyze.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes")
    _cache(analyze)
    _common(analyze)

    apply = commands.add_parser(
        "apply",
        help="rewrite imports that go through shims to the canonical modules, delete the shims",
        description="Rewrite every import that reaches a name through the given shims (or "
        "moved modules) to the module that really defines it, then delete what nothing "
        "references any more. Changes the working tree only (no git, no network); --dry-run "
        "prints the unified diff instead. Without --shim/--move/--auto, the shims, moves and "
        "auto keys of the configuration are used.",
        epilog=EPILOG,
    )
    _path(
        apply,
        "repository root; modules are named from it unless the configuration sets "
        "source-roots (default: .)",
    )
    apply.add_argument(
        "--shim",
        action="append",
        metavar="DOTTED.NAME",
        help="shim module or package whose imports are rewritten (repeatable)",
    )
    apply.add_argument(
        "--move",
        action="append",
        metavar="OLD.DOTTED=NEW.DOTTED",
        help="rewrite references to OLD and its submodules to NEW; files are not moved "
        "(repeatable)",
    )
    apply.add_argument(
        "--allow-missing-target",
        action="store_true",
        help="let --move name a NEW module that is not in the tree (yet)",
    )
    apply.add_argument("--auto", action="store_true", help="every pure shim module of the tree")
    apply.add_argument(
        "--delete",
        action="append",
        metavar="DOTTED.PKG",
        help="also delete this package once nothing references it (repeatable)",
    )
    apply.add_argument(
        "--dry-run",
        action="store_true",
        help="print the unified diff (and the deletions) on stdout; write nothing",
    )
    apply.add_argument(
        "--check",
        action="store_true",
        help="for CI: write nothing, print one line per import that would be rewritten and per "
        "file that would be deleted; exit 1 when anything would change (or was refused), 0 "
        "when clean",
    )
    apply.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text (default); json: the outcome for tools (schema: docs/apply.schema.json); "
        "github: with --check, workflow-command annotations at file:line",
    )
    apply.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes")
    apply.add_argument(
        "--engine",
        choices=("libcst", "bowler"),
        help="libcst (default) or bowler (--move only; needs pip install 'unshim[bowler]')",
    )
    apply.add_argument(
        "--resolve",
        choices=("static", "import"),
        help="static (default): decide from the source alone; import: also import each shim "
        "with --python and keep any name whose object is not the one the plan names",
    )
    apply.add_argument(
        "--python",
        metavar="INTERPRETER",
        help="interpreter for --resolve import (default: [tool.unshim.verify] python)",
    )
    apply.add_argument(
        "--mapping",
        metavar="FILE",
        help="rewrite imports of another library's shims from its published mapping "
        "(unshim mapping; docs/mapping.schema.json); nothing is deleted",
    )
    _cache(apply)
    _common(apply)
    _mapping_parser(commands)
    _verify_parser(commands)
    _run_parser(commands)
    _check_parser(commands)
    return parser


def _mapping_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    mapping = commands.add_parser(
        "mapping",
        help="publish where each name of the shims lives now, for downstream apply --mapping",
        description="Plan the shims as apply would and write, for every name each shim module "
        "exports, its old and its new dotted name, with the shim's deprecation message; names "
        "the plan keeps are listed as kept with the reason. Downstream projects apply it with "
        "`unshim apply --mapping FILE`. Reads the tree; changes nothing.",
        epilog=EPILOG,
    )
    _path(mapping, "the library's repository or unpacked wheel (default: .)")
    mapping.add_argument(
        "--shim", action="append", metavar="DOTTED.NAME", help="shim package (repeatable)"
    )
    mapping.add_argument("--auto", action="store_true", help="every pure shim analyze finds")
    mapping.add_argument(
        "--format",
        choices=("json", "ruff"),
        default="json",
        help="json (default; schema: docs/mapping.schema.json) or ruff's banned-api table",
    )
    mapping.add_argument("-o", "--output", metavar="FILE", help="write the mapping to FILE")
    _source_root(mapping)
    mapping.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes")
    _cache(mapping)
    _common(mapping)


def _check_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    check = commands.add_parser(
        "check",
        help="keep removed shims gone: exit 1 where an import, string or configuration names one",
        description="Report every import, dynamic string reference (import_module, mock.patch, "
        "settings) and configuration entry that names a module listed in [tool.unshim] "
        "removed (or given with --removed), with file:line and the module to use instead. "
        "Exit 1 when there is any, 0 otherwise. Given files (as pre-commit passes them), only "
        "those are reported. Reads the tree; changes nothing.",
        epilog=EPILOG,
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="the repository root (default: .), or files under --root to check",
    )
    check.add_argument(
        "--root", metavar="DIR", help="the repository root when PATHs are files (default: .)"
    )
    check.add_argument(
        "--removed",
        action="append",
        metavar="OLD.DOTTED[=NEW.DOTTED]",
        help="a module that must not come back, and where its names live now (repeatable; "
        "added to the configured 'removed')",
    )
    check.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="text: path:line: message (default); github: workflow-command annotations",
    )
    check.add_argument(
        "--emit",
        choices=("ruff",),
        help="print the same rule as ruff's banned-api table (for pyproject.toml) and check "
        "nothing",
    )
    _source_root(check, "the root")
    _cache(check)
    _common(check)


def _console(args: argparse.Namespace, started: float) -> Console:
    verbosity = 0 if getattr(args, "quiet", False) else 2 if getattr(args, "verbose", False) else 1
    return Console(verbosity=verbosity, started=started)


def _collect_less() -> None:
    """A run builds hundreds of thousands of small objects that live until it ends (file
    readings, syntax trees) and almost no reference cycles, so the cyclic garbage collector's
    default thresholds spend a sixth of a rewrite's time finding nothing. Collect rarely."""
    gc.freeze()  # what importing created stays: never scanned again
    gc.set_threshold(100_000, 50, 1000)


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    if argv is None:  # the program itself (`unshim`, `python -m unshim.bot`), not a caller's test
        credential_pipe.hide()  # first: re-executes without credentials in the environment
        _collect_less()
        # The time it prints is the command's whole: from the start of the process.
        started -= process_age()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    console = _console(args, started)
    try:
        from unshim.bot import commands

        return int(getattr(commands, args.command)(args, console))
    except UnshimError as exc:
        for line in str(exc).splitlines():
            console.error(line)
        return exc.exit_code
    except KeyboardInterrupt as exc:  # apply says whether it had written anything
        console.error("interrupted" + (f": {exc}" if str(exc) else ""))
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`unshim analyze | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        console.error(f"internal error: {exc.__class__.__name__}: {exc} (rerun with --debug)")
        return EXIT_INTERNAL
