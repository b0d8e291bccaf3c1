"""Library mode: a library's public shims exist for its users, and go when their time comes.

A library's own code is rewritten off its shims like any other tree's, but a public shim (a
module its distribution publishes: `codemods.scan.distributions`) stays for the users who
import it, until the removal the maintainers scheduled for it (`[tool.unshim.shims."pkg.old"]
remove-in = "2.0"`): once the project's version reaches it, the shim is deleted with the usual
proof; until then it is kept, and the report says when it is due. A shim that warns of no
deprecation is reported as such: its users get no notice before it goes.

A tree is a library when the configuration says `kind = "library"`, or when the distribution
that publishes the shim says so by its classifiers (`Topic :: Software Development ::
Libraries`, `Intended Audience :: Developers`). Building a distribution alone does not tell:
applications are packaged too (the demo builds a wheel of its `src` package), and a wrong
guess either leaves an application's shims in place forever or deletes a library's public
API before its users were told.

Pure: decides from the index's distributions and the request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from unshim.codemods.names import within
from unshim.codemods.outcome import Kept, Location
from unshim.codemods.plan.values import Schedule
from unshim.codemods.scan.distributions import Distribution, publisher
from unshim.codemods.scan.index import Index

RELEASE = re.compile(r"^\s*v?(\d+(?:\.\d+)*)(.*)$")


def release(version: str) -> tuple[tuple[int, ...], bool] | None:
    """A version's release numbers and whether it is a pre-release (`2.0rc1`, `2.0.dev3`):
    `2.0` is (2, 0), `2.0.0` the same. None when it does not start with numbers."""
    found = RELEASE.match(version)
    if found is None:
        return None
    numbers = tuple(int(n) for n in found.group(1).split("."))
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers = numbers[:-1]
    suffix = found.group(2).strip().lower().lstrip(".-_")
    return numbers, bool(suffix) and not suffix.startswith("post")


def reached(version: str, due: str) -> bool | None:
    """Whether `version` is at or past `due`; None when either cannot be read. A pre-release
    of the due version has not reached it."""
    have, want = release(version), release(due)
    if have is None or want is None:
        return None
    if have[0] != want[0]:
        return have[0] > want[0]
    return not have[1] or want[1]


def _due(module: str, remove_in: Mapping[str, str]) -> str | None:
    owners = [name for name in remove_in if within(module, name)]
    return remove_in[max(owners, key=len)] if owners else None


def library_of(index: Index, path: str, schedule: Schedule) -> Distribution | None:
    """The library distribution that publishes the module at `path`, in library mode."""
    if schedule.kind == "application":
        return None
    shipped = publisher(index.tree.distributions, path)
    if shipped is None:
        return None
    return shipped if schedule.kind == "library" or shipped.library else None


def keep_for_users(
    index: Index, module: str, path: str, deprecated: bool, schedule: Schedule
) -> Kept | None:
    """Why a library keeps the public shim `module` (at `path`) this time; None when it goes
    (not a library's public shim, or its removal is due)."""
    library = library_of(index, path, schedule)
    if library is None:
        return None
    version = schedule.version or library.version
    due = _due(module, schedule.remove_in)
    notice = (
        ""
        if deprecated
        else "; it warns of no deprecation, so its users get no notice before it goes"
    )
    if due is None:
        when = (
            f'no removal is scheduled (set [tool.unshim.shims."{module}"] remove-in to the '
            "version it goes in)"
        )
    else:
        gone = reached(version, due) if version else None
        if gone:
            return None
        at = f"the project is at {version}" if version else "the project's version is unknown"
        when = f"due for removal in {due} ({at})"
    return Kept(
        module,
        f"public shim of the library {library.label}, kept for its users: {when}{notice}",
        Location(path, 0),
    )
