"""What `unshim mapping` prints: the published mapping as the JSON of
`docs/mapping.schema.json`, or as ruff's banned-api table (each old dotted name with a message
naming its new home, in the style of `unshim check --emit ruff`). Pure text.

No LibCST format: `libcst.tool`'s rename codemod takes one old and one new name per run and
rewrites only `from`-imports and attribute uses it can see, without the shapes unshim's own
rewrite handles (relative forms, `import a.b as c`, registrations), so a generated list of its
arguments would promise what `unshim apply --mapping` already does, less exactly."""

from __future__ import annotations

import json

from unshim.codemods.plan.mapping import PublishedMapping, to_json


def json_text(mapping: PublishedMapping) -> str:
    return json.dumps(to_json(mapping), indent=2) + "\n"


def ruff_table(mapping: PublishedMapping) -> str:
    lines = ["[tool.ruff.lint.flake8-tidy-imports.banned-api]"]
    for entry in mapping.entries:
        advice = f"{entry.old} moved; import {entry.new} instead"
        if entry.deprecation:
            advice += f" ({entry.deprecation})"
        # JSON strings are TOML basic strings: the same quoting and escapes.
        lines.append(f"{json.dumps(entry.old)}.msg = {json.dumps(advice)}")
    return "\n".join(lines) + "\n"
