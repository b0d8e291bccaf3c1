"""The `unshim` command line: argument parsing and exit codes, nothing else.

Exit codes: 0 success, 1 unshim refused something or a check failed, 2 usage or configuration
error, 3 internal error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from bot.console import Console
from bot.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, UnshimError

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
        "--config", metavar="FILE", help="configuration file (default: PATH/.unshim.toml or "
        "PATH/pyproject.toml [tool.unshim])"
    )


def _path(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("path", nargs="?", default=".", metavar="PATH", help=what)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="unshim",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version="unshim 0.1.0")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    analyze = commands.add_parser(
        "analyze",
        help="inventory the modules: shims, shim layers, dead packages, exact importer counts",
        description="Index every Python module under PATH and report, for every package, its "
        "files, lines, importers (exact, and the grep a reviewer would run), and whether it is "
        "ACTIVE, a SHIM LAYER (re-exports only; with where its names really live) or DEAD (no "
        "importers). Reads the tree; changes nothing.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _path(analyze, "repository or source tree to analyze (default: .)")
    analyze.add_argument(
        "--format", choices=("text", "markdown", "json"), default="text",
        help="text for a terminal (default), markdown for docs, json for tools",
    )
    analyze.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    analyze.add_argument(
        "--source-root", action="append", metavar="DIR",
        help="directory module names start from (repeatable; default: config, else PATH)",
    )
    analyze.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes")
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
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _path(apply, "repository root; modules are named from it unless the configuration sets "
          "source-roots (default: .)")
    apply.add_argument(
        "--shim", action="append", metavar="DOTTED.NAME",
        help="shim module or package whose imports are rewritten (repeatable)",
    )
    apply.add_argument(
        "--move", action="append", metavar="OLD.DOTTED=NEW.DOTTED",
        help="rewrite references to OLD and its submodules to NEW; files are not moved "
        "(repeatable)",
    )
    apply.add_argument("--auto", action="store_true", help="every pure shim module of the tree")
    apply.add_argument(
        "--delete", action="append", metavar="DOTTED.PKG",
        help="also delete this package once nothing references it (repeatable)",
    )
    apply.add_argument(
        "--dry-run", action="store_true",
        help="print the unified diff (and the deletions) on stdout; write nothing",
    )
    apply.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes")
    apply.add_argument(
        "--engine", choices=("libcst", "bowler"),
        help="libcst (default) or bowler (--move only; needs pip install 'unshim[bowler]')",
    )
    _common(apply)
    return parser


def _console(args: argparse.Namespace) -> Console:
    verbosity = 0 if getattr(args, "quiet", False) else 2 if getattr(args, "verbose", False) else 1
    return Console(verbosity=verbosity)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    console = _console(args)
    try:
        from bot import commands

        return int(getattr(commands, args.command)(args, console))
    except UnshimError as exc:
        for line in str(exc).splitlines():
            console.error(line)
        return exc.exit_code
    except KeyboardInterrupt:
        console.error("interrupted")
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
