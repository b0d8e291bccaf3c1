"""Module names built at run time from a constant: what the constant part of a template names.

`import_module("%s.formats" % ("django.conf.locale.%s" % loc))` loads a module no import
statement names. A string in code is a template of a module path when, split at its dots, each
part is a name or a computed part (`%s`, `%(key)s`, `{}`, `{key}`, an f-string field, or, for
a leading or trailing dot, the other operand of a `+`). Its constant head (`django.conf.locale`) is
a package below which computed names are loaded; its constant tail (`formats`) names every
module called so, under any package. Both are kept, to be conservative: a template cannot say
which module it will load, so it references all it may. With computed parts at both ends
(`"%s.management.commands.%s" % (app, name)`, as Django loads its commands) each constant run
between them is a middle: it names every package whose name ends so (`*.management.commands`),
and every module below those may be loaded.

Pickled data names modules too (`b"cnumpy.core.multiarray\\n_reconstruct"`): every dotted name
in a bytes constant counts, and one glued to the protocol-0 `c` opcode counts without it.
"""

from __future__ import annotations

import re

# Kinds of `StringRef` made here, read by `codemods.analyze.references`.
COMPUTED = "computed"  # value: a package below which computed module names are loaded
SUFFIX = "suffix"  # value: the constant tail of computed module names (`formats`, `a.b`)
MIDDLE = "middle"  # value: a constant run between computed parts (`management.commands`)

NAME = re.compile(r"[A-Za-z_]\w*")
PLACEHOLDER = r"%[sdri]|%\(\w+\)[sdri]|\{\w*\}"
# A part with a placeholder in it, the rest of it name characters (`mod_%s`, `{}`).
COMPUTED_PART = re.compile(rf"\w*(?:(?:{PLACEHOLDER})\w*)+")
DOTTED_BYTES = re.compile(rb"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
# The protocol-0 pickle opcode GLOBAL: `c` then the module's name, glued.
PICKLE_GLOBAL = b"c"


def template_refs(text: str, joined: bool = False) -> list[tuple[str, str]]:
    """(kind, value) for what a string constant names as a template; [] when it is none.
    `"django.conf.locale.%s"` gives the head `django.conf.locale`, `"%s.formats"` the tail
    `formats`, `"%s.management.commands.%s"` (no head, no tail) the middle
    `management.commands`. `joined`: the constant is an operand of `+`, so a dot at an end
    stands next to a computed part (`".formats"`: the tail `formats`; `"a.b."`: the head
    `a.b`). Elsewhere such a string is only text (`name.startswith("django.")`)."""
    if "." not in text:
        return []
    parts = text.split(".")
    computed = []
    for number, part in enumerate(parts):
        open_end = joined and part == "" and number in (0, len(parts) - 1)
        if NAME.fullmatch(part):
            computed.append(False)
        elif open_end or COMPUTED_PART.fullmatch(part):
            computed.append(True)
        else:
            return []
    if not any(computed) or all(computed):
        return []
    first = computed.index(True)
    last = len(computed) - 1 - computed[::-1].index(True)
    found = []
    if first:
        found.append((COMPUTED, ".".join(parts[:first])))
    if last < len(parts) - 1:
        found.append((SUFFIX, ".".join(parts[last + 1 :])))
    if not found:
        # A head or a tail already names more than the runs between them: only without both
        # does a middle say something. A template spelling several runs needs all of them,
        # so each one alone names a superset of what it loads.
        runs = "".join("." if c else "n" for c in computed).split(".")
        start = 0
        for run in runs:
            if run:
                found.append((MIDDLE, ".".join(parts[start : start + len(run)])))
            start += len(run) + 1
    return found


def bytes_refs(data: bytes) -> list[str]:
    """The dotted names in a bytes constant, each also without a leading pickle `c`."""
    found: list[str] = []
    for match in DOTTED_BYTES.finditer(data):
        word = match.group().decode("ascii")
        found.append(word)
        if word.startswith(PICKLE_GLOBAL.decode()) and NAME.fullmatch(word[1:].split(".")[0]):
            found.append(word[1:])
    return found
