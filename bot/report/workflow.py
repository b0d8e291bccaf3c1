"""GitHub Actions workflow commands: an annotation at file:line, escaped as the runner parses
it. `unshim check --format github` and `unshim apply --check --format github` print these."""

from __future__ import annotations


def escape(value: str, *, property_value: bool = False) -> str:
    """Workflow-command escaping: `%`, CR and LF always; `:` and `,` in property values."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def annotation(level: str, path: str, line: int, title: str, message: str) -> str:
    """One `::error`/`::warning`/`::notice` line; `line` 0 annotates the whole file."""
    where = f"file={escape(path, property_value=True)}"
    if line:
        where += f",line={line}"
    return f"::{level} {where},title={escape(title, property_value=True)}::{escape(message)}\n"
