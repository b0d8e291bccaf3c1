"""The grep counts taken in one pass are what `grep "from PKG"` counts: the lines that hold
`from PKG` anywhere, as text, however many packages are counted at once."""

from __future__ import annotations

import itertools

from unshim.codemods.scan.grep_lines import GrepTree, grep_counts

LINES = [
    b"from a.b import c",
    b"from a.bc import d",  # holds "from a.b" too
    b"xfrom a import e",  # so does any text around it
    b"from  a import f",  # two spaces: no "from a"
    b"from\ta import g",
    b"from from a.b",
    b"import x; from ab import y; from a.b.c import z",
    b"from \xc3\xa9t\xc3\xa9.x import w",  # a package named in UTF-8
    b"from a.b.c",
    b"from ",
    b"from a",
    b"# from a.b, from ab",
]
PACKAGES = ["a", "a.b", "a.b.c", "ab", "b", "\u00e9t\u00e9", "\u00e9t\u00e9.x", "from"]


def _naive(lines: list[bytes], packages: list[str]) -> dict[str, int]:
    return {p: sum(f"from {p}".encode() in line for line in lines) for p in packages}


def test_one_pass_counts_what_grep_counts() -> None:
    tree = GrepTree({"m.py": tuple(enumerate(LINES, 1))})
    for size in (1, 2, len(PACKAGES)):
        for chosen in itertools.combinations(PACKAGES, size):
            assert grep_counts(tree, chosen) == _naive(LINES, list(chosen)), chosen
    assert grep_counts(tree, ["a.b"])["a.b"] == 6
