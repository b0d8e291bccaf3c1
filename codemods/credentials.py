"""Which environment variables hold credentials, and the environment without them.

Every process unshim starts that runs the target's code (the verify commands, the `--resolve
import` probe) gets `without_credentials(...)`: the target's code and tests are not ours to trust
with a token that can push. A variable is a credential when GitHub or Actions name it so, or
when its name says so (`*TOKEN*`, `*SECRET*`, `*PASSWORD*`, `*_KEY`...); a project that needs
one of them in its tests names it in `[tool.unshim.verify] pass-env`.

Pure: reads nothing, a leaf that every stage and the bot may use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# What GitHub and GitHub Actions hand a job that can act on its behalf: the token, the OIDC
# request pair (which mints a token on request), the runtime's token for the cache and artifacts.
KNOWN = frozenset(
    {
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "GH_ENTERPRISE_TOKEN",
        "GITHUB_ENTERPRISE_TOKEN",
        "INPUT_TOKEN",
        "INPUT_GITHUB-TOKEN",
        "INPUT_GITHUB_TOKEN",
        "ACTIONS_RUNTIME_TOKEN",
        "ACTIONS_RUNTIME_URL",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "ACTIONS_RESULTS_URL",
        "ACTIONS_CACHE_URL",
    }
)

# Parts of a name that say it holds a secret wherever they stand in it.
PARTS = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE_KEY", "API_KEY")

# Endings that do (`AWS_ACCESS_KEY`, `NPM_AUTH`, `MY_PAT`); not as parts, since `KEYBOARD`,
# `PATH` or `AUTHOR` are not secrets.
SUFFIXES = ("_KEY", "_PAT", "_AUTH")


def is_credential(name: str) -> bool:
    """Whether a variable of this name is taken to hold a credential."""
    upper = name.upper()
    return upper in KNOWN or any(part in upper for part in PARTS) or upper.endswith(SUFFIXES)


def without_credentials(
    environ: Mapping[str, str], hidden: Iterable[str] = (), passed: Iterable[str] = ()
) -> dict[str, str]:
    """`environ` less every credential and every name of `hidden` (the configured token-env),
    keeping the names of `passed` (the configured pass-env) unless they are hidden too: the
    token the bot pushes with is never passed on, whatever the allowlist says."""
    hide = set(hidden)
    allow = set(passed) - hide
    return {
        name: value
        for name, value in environ.items()
        if name not in hide and (name in allow or not is_credential(name))
    }
