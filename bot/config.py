"""The `[tool.unshim]` configuration: where it is read from, what each key means, how it is checked.

docs/config.schema.json describes the same keys for editors and validate-pyproject, and the
README's tables are generated from it; tests/test_config_schema.py checks that these checks and
the schema accept and reject the same values, key by key, and have the same defaults.

Every problem in the file is collected and reported together (one line each, naming the file,
the key and what was expected) before anything runs.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

from unshim.bot.errors import UsageError
from unshim.codemods.scan.cache import default_dir
from unshim.codemods.scan.sources import REFERENCE_FILES

CONFIG_FILES = ("pyproject.toml", ".unshim.toml")


@dataclass(frozen=True)
class VerifyConfig:
    commands: tuple[str, ...] = ()
    python: str = "python"
    timeout: float = 600.0
    pass_env: tuple[str, ...] = ()  # credential-like variables the commands may see


@dataclass(frozen=True)
class PullRequestConfig:
    branch: str | None = None
    base: str | None = None
    labels: tuple[str, ...] = ("unshim",)
    reviewers: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    on_failure: str = "draft"
    author_name: str = "github-actions[bot]"
    author_email: str = "41898282+github-actions[bot]@users.noreply.github.com"
    token_env: str = "GITHUB_TOKEN"


@dataclass(frozen=True)
class Config:
    source_roots: tuple[str, ...] = (".",)
    exclude: tuple[str, ...] = ()
    shims: tuple[str, ...] = ()
    auto: bool = False
    delete: tuple[str, ...] = ()
    moves: tuple[tuple[str, str], ...] = ()
    codemods: tuple[str, ...] = ()
    engine: str = "libcst"
    resolve: str = "static"  # or "import": confirm the plan by importing the shims
    removed: tuple[str, ...] = ()  # "old" or "old=new": modules that must not come back
    kind: str | None = None  # "library" or "application"; None: as the distribution says
    remove_in: tuple[tuple[str, str], ...] = ()  # (shim, version it goes in), library mode
    # globs of the files whose text may name a module and so keep it from being deleted
    reference_files: tuple[str, ...] = REFERENCE_FILES
    cache: bool = True  # keep per-file facts and namespaces between runs (codemods.scan.cache)
    cache_dir: str | None = None  # --cache-dir; None: the user's cache folder
    verify: VerifyConfig = field(default_factory=VerifyConfig)
    pr: PullRequestConfig = field(default_factory=PullRequestConfig)
    source: str | None = None  # the file this came from, for messages

    def with_overrides(self, **changes: Any) -> Config:
        """CLI flags win over the file; `None` means "flag not given"."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def cache_folder(config: Config) -> Path | None:
    """Where the cache of per-file facts is (None: `cache = false` or `--no-cache`)."""
    if not config.cache:
        return None
    folder = Path(config.cache_dir) if config.cache_dir else default_dir()
    if folder.exists() and not folder.is_dir():
        # A folder that cannot be written only keeps nothing; a file in its place is a typo.
        how = "--cache-dir" if config.cache_dir else "the cache folder"
        raise UsageError(f"{how} {folder}: not a directory (or run with --no-cache)")
    return folder


# --- checking -----------------------------------------------------------------------------------

Check = Callable[[Any], "tuple[Any, str | None]"]


def _string(value: Any) -> tuple[Any, str | None]:
    return (value, None) if isinstance(value, str) and value else (None, "a non-empty string")


def _strings(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return tuple(value), None
    return None, "a list of non-empty strings"


def _globs(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(value), None
    return None, 'a list of non-empty globs ("*.toml", ".github/workflows/*")'


def _boolean(value: Any) -> tuple[Any, str | None]:
    return (value, None) if isinstance(value, bool) else (None, "true or false")


def _seconds(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value), None
    return None, "a positive number of seconds"


def _moves(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, dict) and all(isinstance(v, str) and v for v in value.values()):
        return tuple(value.items()), None
    return None, 'a table of "old.module" = "new.module"'


def removal_entries(value: Any) -> tuple[Any, str | None]:
    expected = 'a list of dotted module names, each "old.module" or "old.module=new.module"'
    if not isinstance(value, list):
        return None, expected
    for entry in value:
        parts = entry.split("=") if isinstance(entry, str) else []
        if not 1 <= len(parts) <= 2 or not all(_DOTTED.fullmatch(p.strip()) for p in parts):
            return None, expected
    return tuple(entry.replace(" ", "") for entry in value), None


_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def _one_of(*choices: str) -> Check:
    def check(value: Any) -> tuple[Any, str | None]:
        if value in choices:
            return value, None
        return None, "one of " + ", ".join(f'"{c}"' for c in choices)

    return check


_TOP: dict[str, tuple[str, Check]] = {
    "source-roots": ("source_roots", _strings),
    "exclude": ("exclude", _strings),
    "shims": ("shims", _strings),
    "auto": ("auto", _boolean),
    "delete": ("delete", _strings),
    "moves": ("moves", _moves),
    "codemods": ("codemods", _strings),
    "engine": ("engine", _one_of("libcst", "bowler")),
    "resolve": ("resolve", _one_of("static", "import")),
    "removed": ("removed", removal_entries),
    "kind": ("kind", _one_of("library", "application")),
    "reference-files": ("reference_files", _globs),
    "cache": ("cache", _boolean),
}
_VERIFY: dict[str, tuple[str, Check]] = {
    "commands": ("commands", _strings),
    "python": ("python", _string),
    "timeout": ("timeout", _seconds),
    "pass-env": ("pass_env", _strings),
}
_PR: dict[str, tuple[str, Check]] = {
    "branch": ("branch", _string),
    "base": ("base", _string),
    "labels": ("labels", _strings),
    "reviewers": ("reviewers", _strings),
    "assignees": ("assignees", _strings),
    "on-failure": ("on_failure", _one_of("draft", "skip")),
    "author-name": ("author_name", _string),
    "author-email": ("author_email", _string),
    "token-env": ("token_env", _string),
}


def _suggestion(key: str, known: list[str]) -> str:
    """`; did you mean 'X'?` for a near miss (a typo, `_` for `-`), else every known key."""
    close = difflib.get_close_matches(key.replace("_", "-"), known, n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f" (known keys: {', '.join(sorted(known))})"


def _check_table(
    table: Mapping[str, Any],
    keys: dict[str, tuple[str, Check]],
    where: str,
    problems: list[str],
    tables: tuple[str, ...] = (),
) -> dict[str, Any]:
    """`tables`: the names of the tables under this one, known keys too."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in keys:
            suggestion = _suggestion(key, [*keys, *tables])
            problems.append(f"{where}: unknown key '{key}'{suggestion}")
            continue
        attribute, check = keys[key]
        checked, expected = check(value)
        if expected is not None:
            problems.append(f"{where}: '{key}' must be {expected}, got {value!r}")
        else:
            values[attribute] = checked
    return values


def parse_config(data: Mapping[str, Any], source: str) -> Config:
    """Build a Config from the `[tool.unshim]` table; raise UsageError listing every problem."""
    problems: list[str] = []
    table = dict(data)
    verify_table = table.pop("verify", {})
    pr_table = table.pop("pr", {})
    remove_in: list[tuple[str, str]] = []
    if isinstance(table.get("shims"), dict):
        # [tool.unshim.shims."pkg.old"] remove-in = "2.0": the shims, with their schedule.
        names = []
        for name, settings in table["shims"].items():
            names.append(name)
            where = f'{source} [tool.unshim.shims."{name}"]'
            if not isinstance(settings, dict):
                problems.append(f'{where}: must be a table (remove-in = "VERSION")')
                continue
            for key, value in settings.items():
                if key != "remove-in":
                    problems.append(f"{where}: unknown key '{key}' (known keys: remove-in)")
                elif not isinstance(value, str) or not value:
                    problems.append(f"{where}: 'remove-in' must be a version string, got {value!r}")
                else:
                    remove_in.append((name, value))
        table["shims"] = names
    top = _check_table(table, _TOP, f"{source} [tool.unshim]", problems, ("verify", "pr"))
    top["remove_in"] = tuple(remove_in)
    verify: dict[str, Any] = {}
    pr: dict[str, Any] = {}
    for name, sub, keys, out in (
        ("verify", verify_table, _VERIFY, verify),
        ("pr", pr_table, _PR, pr),
    ):
        if not isinstance(sub, dict):
            problems.append(f"{source} [tool.unshim]: '{name}' must be a table")
            continue
        out.update(_check_table(sub, keys, f"{source} [tool.unshim.{name}]", problems))
    if problems:
        raise UsageError("\n".join(problems))
    return Config(**top, verify=VerifyConfig(**verify), pr=PullRequestConfig(**pr), source=source)


def find_config(root: Path, explicit: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The configuration table for the tree at `root`: the explicit file, `.unshim.toml`
    (whole file, or its `[tool.unshim]`), or `pyproject.toml`'s `[tool.unshim]`."""
    candidates = [explicit] if explicit is not None else [root / n for n in reversed(CONFIG_FILES)]
    for path in candidates:
        if not path.is_file():
            if explicit is not None:
                raise UsageError(f"{path}: configuration file not found")
            continue
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}: not valid TOML: {exc}") from None
        tool = document.get("tool", {})
        if isinstance(tool, dict) and "unshim" in tool:
            table = tool["unshim"]
        elif path.name == ".unshim.toml" or explicit is not None:
            table = document
        else:
            continue
        if not isinstance(table, dict):
            raise UsageError(f"{path}: [tool.unshim] must be a table")
        return path, table
    return None


def load_config(root: Path, explicit: Path | None = None) -> Config:
    found = find_config(root, explicit)
    if found is None:
        return Config()
    path, table = found
    return parse_config(table, str(path))


def config_keys() -> dict[str, list[str]]:
    """Every documented key, by table; the README's reference is checked against this."""
    return {
        "tool.unshim": sorted(_TOP),
        "tool.unshim.verify": sorted(_VERIFY),
        "tool.unshim.pr": sorted(_PR),
    }
