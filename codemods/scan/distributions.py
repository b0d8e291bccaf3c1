"""The distributions a tree builds or ships, and which of its modules they publish.

A folder ships a distribution when it holds a `*.dist-info` directory (an unpacked wheel: the
folder is what the wheel installs, `site-packages` as it were), a `pyproject.toml` with a
`[project]` table, a `setup.py`, or a `setup.cfg` with a `[metadata]` section. Its modules are
those below that folder, up to the next folder that ships one of its own: a vendored copy with
its own `*.dist-info` (`setuptools/_vendor/wheel-0.46.3.dist-info`) is that distribution, whose
users import it by its own name (`wheel.metadata`), not a private part of the vendoring one.

A module is public when no part of its path below the folder is private: starts with `_` and
is no dunder (`numpy/f2py/__version__.py` is public, `setuptools/_importlib.py` is not). A
vendored folder without a `*.dist-info` (`pip/_vendor/...`) is private to its vendoring
package, by that rule.

Pure: `discover` hands in the listing and the text of the build files.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

BUILD_FILES = frozenset({"pyproject.toml", "setup.py", "setup.cfg"})
DIST_INFO = re.compile(r"^(?:(?P<folder>.*)/)?(?P<name>[^/-]+)-[^/]*\.dist-info/")
METADATA_NAME = re.compile(r"^\s*name\s*=\s*(\S+)", re.MULTILINE)


# Trove classifiers by which a distribution says it is a library: code other projects import.
LIBRARY_CLASSIFIERS = (
    "Topic :: Software Development :: Libraries",
    "Intended Audience :: Developers",
)
CLASSIFIER = re.compile(r"^Classifier:\s*(.+?)\s*$", re.MULTILINE)
METADATA_VERSION = re.compile(r"^Version:\s*(\S+)", re.MULTILINE)


@dataclass(frozen=True, order=True)
class Distribution:
    folder: str  # POSIX path relative to the root ("" for the root itself)
    name: str  # the distribution's name, as its metadata spells it ("" when none is given)
    evidence: str  # the file or folder that says so
    version: str = ""  # as its metadata gives it, when it gives it statically
    library: bool = False  # its classifiers say other projects import it

    @property
    def label(self) -> str:
        return self.name or f"built by {self.evidence}"


def _declared(path: str, text: str) -> Distribution | None:
    """The distribution a build file declares, if it declares one."""
    pure = PurePosixPath(path)
    folder = "" if str(pure.parent) == "." else str(pure.parent)
    if pure.name == "setup.py":
        return Distribution(folder, "", path)
    if pure.name == "setup.cfg":
        section = re.search(r"^\[metadata\]\s*$(?P<body>.*?)(?=^\[|\Z)", text, re.M | re.S)
        if section is None:
            return None
        body = section.group("body")
        name = METADATA_NAME.search(body)
        version = re.search(r"^\s*version\s*=\s*(\S+)", body, re.MULTILINE)
        library = any(c in body for c in LIBRARY_CLASSIFIERS)
        return Distribution(
            folder,
            name.group(1) if name else "",
            path,
            version.group(1) if version else "",
            library,
        )
    try:
        project = tomllib.loads(text).get("project")
    except tomllib.TOMLDecodeError:
        return None
    if not isinstance(project, dict):
        return None
    name, version = project.get("name"), project.get("version")
    classifiers = project.get("classifiers")
    library = isinstance(classifiers, list) and any(
        isinstance(c, str) and c.startswith(LIBRARY_CLASSIFIERS) for c in classifiers
    )
    return Distribution(
        folder,
        name if isinstance(name, str) else "",
        path,
        version if isinstance(version, str) else "",
        library,
    )


def distributions(
    paths: Sequence[str], build_text: Callable[[str], str | None]
) -> tuple[Distribution, ...]:
    """The distributions of a tree from its listing; `build_text` gives a build file's text
    (None when it cannot be read: then it declares nothing)."""
    found: dict[tuple[str, str], Distribution] = {}
    for path in paths:
        wheel = DIST_INFO.match(path)
        if wheel is not None:
            folder, name = wheel.group("folder") or "", wheel.group("name")
            evidence = path[: wheel.end() - 1]
            if (folder, name) not in found:
                metadata = build_text(f"{evidence}/METADATA") or ""
                version = METADATA_VERSION.search(metadata)
                library = any(
                    c.startswith(LIBRARY_CLASSIFIERS) for c in CLASSIFIER.findall(metadata)
                )
                found[(folder, name)] = Distribution(
                    folder, name, evidence, version.group(1) if version else "", library
                )
    wheels = {folder for folder, _ in found}
    for path in paths:
        if PurePosixPath(path).name not in BUILD_FILES or ".dist-info/" in path:
            continue
        text = build_text(path)
        declared = _declared(path, text) if text is not None else None
        if declared is not None and declared.folder not in wheels:
            found.setdefault((declared.folder, declared.name), declared)
    return tuple(sorted(found.values()))


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def publisher(shipped: Iterable[Distribution], path: str) -> Distribution | None:
    """The distribution that publishes the module at `path`: one of the nearest folder above
    it, when no part of the path below that folder is private. Of several wheels unpacked in
    one folder (`_vendor/`), the one named for the module's top-level package (`wheel`;
    `jaraco.text` for `jaraco`) names it; which one does not change the answer."""
    above = [d for d in shipped if not d.folder or path.startswith(d.folder + "/")]
    if not above:
        return None
    folder = max(len(d.folder) for d in above)
    nearest = [d for d in above if len(d.folder) == folder]
    pure = PurePosixPath(path)
    below = pure.relative_to(nearest[0].folder) if nearest[0].folder else pure
    parts = [*below.parts[:-1], below.name.split(".")[0]]
    if any(_private(part) for part in parts):
        return None
    top = _normal(parts[0])
    named = [d for d in nearest if _normal(d.name) == top or _normal(d.name).startswith(top + "_")]
    return (named or nearest)[0]
