"""Write `openapi-subset.json`: the fake GitHub's operations, cut from GitHub's description.

The full `api.github.com` description is about 13 MB and takes openapi-core a long time to load,
so the tests validate against only the operations in `operations.SERVED` and every component
they reference, directly or through other components.

Usage, from the repository root (needs `npm` to fetch the package, or an unpacked copy):

    python -m tests.fakegithub.extract_openapi                  # npm pack @octokit/openapi@PINNED
    python -m tests.fakegithub.extract_openapi --package DIR    # an unpacked package, or its .tgz

Update OPENAPI-SOURCE.md when the version changes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.fakegithub.operations import SERVED

PACKAGE = "@octokit/openapi"
PINNED_VERSION = "23.0.2"
DESCRIPTION = "generated/api.github.com.json"
OUTPUT = Path(__file__).with_name("openapi-subset.json")


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _without_examples(node: Any) -> Any:
    """Drop examples from media types: they are most of the file's size and validate nothing.

    Only media-type objects (the values under a `content` map) lose them, because `examples` can
    also be a property name inside a schema.
    """
    if isinstance(node, list):
        return [_without_examples(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "content" and isinstance(value, dict):
            out[key] = {
                media: {
                    k: _without_examples(v)
                    for k, v in body.items()
                    if k not in ("example", "examples")
                }
                for media, body in value.items()
            }
        else:
            out[key] = _without_examples(value)
    return out


def subset(description: dict[str, Any], version: str) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for method, path in SERVED:
        item = description["paths"].get(path)
        if item is None or method not in item:
            raise SystemExit(f"{PACKAGE}@{version} has no operation {method.upper()} {path}")
        target = paths.setdefault(path, {k: v for k, v in item.items() if k == "parameters"})
        target[method] = _without_examples(item[method])

    components: dict[str, dict[str, Any]] = {}
    pending = list(_refs(paths))
    while pending:
        ref = pending.pop()
        prefix, _, name = ref.rpartition("/")
        if not prefix.startswith("#/components/"):
            raise SystemExit(f"cannot follow $ref {ref!r}: only local components are supported")
        kind = prefix.removeprefix("#/components/")
        section = components.setdefault(kind, {})
        if name in section:
            continue
        section[name] = _without_examples(description["components"][kind][name])
        pending.extend(_refs(section[name]))

    return {
        "openapi": description["openapi"],
        "info": {
            "title": description["info"]["title"],
            "version": description["info"]["version"],
            "license": description["info"]["license"],
            "description": (
                f"A subset of {DESCRIPTION} from the npm package {PACKAGE}@{version}, "
                "written by tests/fakegithub/extract_openapi.py: only the operations the fake "
                "GitHub serves and the components they reference, without examples."
            ),
        },
        "servers": description["servers"],
        "paths": paths,
        "components": {
            kind: dict(sorted(entries.items())) for kind, entries in sorted(components.items())
        },
    }


def _npm_pack(version: str, into: Path) -> Path:
    subprocess.run(
        ["npm", "pack", "--silent", f"{PACKAGE}@{version}"],
        cwd=into,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (tgz,) = into.glob("*.tgz")
    return tgz


def _read_package(package: Path) -> tuple[dict[str, Any], str]:
    if package.is_dir():
        version = json.loads((package / "package.json").read_text())["version"]
        return json.loads((package / DESCRIPTION).read_text()), version
    with tarfile.open(package) as archive:
        manifest = archive.extractfile("package/package.json")
        document = archive.extractfile(f"package/{DESCRIPTION}")
        if manifest is None or document is None:
            raise SystemExit(f"{package}: not an {PACKAGE} package")
        return json.load(document), json.load(manifest)["version"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help="unpacked package directory or .tgz")
    parser.add_argument("--version", default=PINNED_VERSION, help="version to npm pack")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        package = args.package or _npm_pack(args.version, Path(scratch))
        description, version = _read_package(package)

    result = subset(description, version)
    args.output.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    sizes = {kind: len(entries) for kind, entries in result["components"].items()}
    print(f"{args.output}: {len(SERVED)} operations from {PACKAGE}@{version}, components {sizes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
