"""The README's Configuration tables, generated from docs/config.schema.json.

    python docs/config_tables.py          # rewrite the tables in README.md
    python docs/config_tables.py --check  # exit 1 when README.md differs from the schema

tests/test_config_schema.py runs the check, so a key added to the schema (and to bot/config.py,
which the same tests hold to the schema) reaches the README or the suite fails.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "docs" / "config.schema.json"
README = ROOT / "README.md"
SUBTABLES = ("verify", "pr")
HEADER = "| key | type | default | meaning |\n|---|---|---|---|\n"


def _resolve(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not ref:
        return node
    return {
        **schema["$defs"][ref.rsplit("/", 1)[1]],
        **{k: v for k, v in node.items() if k != "$ref"},
    }


def _plural(title: str) -> str:
    return title if title.endswith("`") else title + "s"


def type_words(node: dict[str, Any], schema: dict[str, Any]) -> str:
    """How the README names a value's type: `bool`, `list of dotted names`, `"a"` or `"b"`."""
    node = _resolve(node, schema)
    if "anyOf" in node:
        return ", or ".join(type_words(choice, schema) for choice in node["anyOf"])
    if "enum" in node:
        return " or ".join(f"`{json.dumps(choice)}`" for choice in node["enum"])
    kind = node.get("type")
    if kind == "array":
        item = _resolve(node["items"], schema)
        return f"list of {_plural(item.get('title', 'string'))}"
    if kind == "object":
        key = node.get("propertyNames", {}).get("title", "key")
        value_node = _resolve(node["additionalProperties"], schema)
        if "properties" in value_node:
            return f"table of {key} tables"
        value = value_node.get("title", "value")
        return f'table `"{key}" = "{value}"`'
    if kind == "number" and node.get("exclusiveMinimum") == 0:
        return "number > 0"
    return {"boolean": "bool"}.get(kind, kind)


def default_words(node: dict[str, Any]) -> str:
    """The default as it would be written in TOML (JSON spells these values the same way)."""
    if "default" not in node:
        return "—"  # computed at run time; the meaning says how
    return f"`{json.dumps(node['default'], ensure_ascii=False, separators=(', ', ' = '))}`"


def table(properties: dict[str, Any], schema: dict[str, Any]) -> str:
    rows = [
        f"| `{key}` | {type_words(node, schema)} | {default_words(node)} | "
        f"{node['description']} |\n"
        for key, node in properties.items()
        if key not in SUBTABLES or "properties" not in node
    ]
    return HEADER + "".join(rows)


def tables(schema: dict[str, Any]) -> dict[str, str]:
    """Each README section heading and the table that belongs under it."""
    found = {"tool.unshim": table(schema["properties"], schema)}
    for name in SUBTABLES:
        found[f"tool.unshim.{name}"] = table(schema["properties"][name]["properties"], schema)
    return found


def updated(readme: str, schema: dict[str, Any]) -> str:
    """The README with each section's table replaced by the schema's."""
    for section, text in tables(schema).items():
        pattern = re.compile(rf"(### `\[{re.escape(section)}\]`\n\n)((?:\|.*\n)+)")
        if not pattern.search(readme):
            raise SystemExit(f"README.md: no table under ### `[{section}]`")
        readme = pattern.sub(lambda match, text=text: match.group(1) + text, readme, count=1)
    return readme


def main(argv: list[str]) -> int:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    readme = README.read_text(encoding="utf-8")
    new = updated(readme, schema)
    if "--check" in argv:
        if new != readme:
            print(
                "README.md: the Configuration tables differ from docs/config.schema.json; "
                "run python docs/config_tables.py",
                file=sys.stderr,
            )
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
