"""Dotted module names: containment, the package a module's relative imports start from, the
absolute module a relative `from` import names, and the package several modules share.

Plain string arithmetic on names, used by analysis, planning, rewriting, deletion and the bot's
report and verification alike; it imports nothing from codemods so that any of them can use it
without depending on another stage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def prefixes(module: str) -> list[str]:
    """The module and every package above it, outermost first (`a`, `a.b`, `a.b.c`)."""
    parts = module.split(".")
    return [".".join(parts[:depth]) for depth in range(1, len(parts) + 1)]


def within_any(module: str, packages: Iterable[str]) -> bool:
    return any(within(module, package) for package in packages)


def package_of(module: str, is_package: bool) -> str:
    """The package a module's relative imports start from."""
    return module if is_package else module.rpartition(".")[0]


def from_base(importer: str, is_package: bool, module: str | None, level: int) -> str | None:
    """The absolute module `from <level dots><module> import ...` in `importer` names; None
    when the dots climb above the top."""
    if not level:
        return module
    parts = package_of(importer, is_package).split(".") if importer else []
    climb = level - 1
    if climb > len(parts) or (climb == len(parts) and not module):
        return None
    base = parts[: len(parts) - climb] if climb else parts
    if module:
        base = [*base, *module.split(".")]
    return ".".join(p for p in base if p) or None


def common_package(modules: Sequence[str]) -> str:
    """The longest dotted prefix all `modules` share (`a.b` for `a.b.c` and `a.b.d.e`; a
    single module is its own); '' when they share nothing."""
    common: list[str] = []
    for column in zip(*(m.split(".") for m in modules), strict=False):
        if len(set(column)) != 1:
            break
        common.append(column[0])
    return ".".join(common)
