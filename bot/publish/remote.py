"""Remote URLs and the push token as plain values: which GitHub repository a remote URL names,
how a token reaches a single git invocation, and how it is kept out of anything shown.

Nothing here runs git; `bot.publish.gitrepo` applies these to the commands it runs.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

REDACTED = "***"

# `user@host:owner/name.git`; a one-letter host would be a Windows drive, not a host.
_SCP_LIKE = re.compile(r"^(?:[^@/:]+@)?[^@/:]{2,}:(?P<path>[^:].*)$")
_URL_SCHEMES = frozenset({"http", "https", "ssh", "git", "git+ssh", "ssh+git"})


def repository_slug(url: str) -> str | None:
    """The "owner/name" a GitHub-style remote URL names, or None when it names no such pair (a local
    path, `file://`, a deeper path)."""
    parts = urlsplit(url)
    if parts.scheme in _URL_SCHEMES and parts.netloc:
        path = parts.path
    elif "://" not in url and (match := _SCP_LIKE.match(url)):
        path = match["path"]
    else:
        return None
    segments = path.strip("/").removesuffix(".git").split("/")
    if len(segments) != 2 or not all(segments):
        return None
    return "/".join(segments)


def _basic_credentials(token: str) -> str:
    # GitHub takes an installation or personal token as the password of any user name;
    # `x-access-token` is the name it documents for app tokens.
    return base64.b64encode(f"x-access-token:{token}".encode()).decode("ascii")


def secret_forms(token: str | None) -> tuple[str, ...]:
    """Every form of the token that could end up in text: as given and as sent."""
    if not token:
        return ()
    return (token, _basic_credentials(token))


def scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def _http_prefix(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    return f"{parts.scheme}://{host}/"


def auth_environment(token: str | None, url: str, environ: Mapping[str, str]) -> dict[str, str]:
    """Environment variables that hand `token` to one git process talking to `url`, appended
    after any `GIT_CONFIG_*` entries already in `environ`.

    This is what actions/checkout configures, except that it lives only in the child's
    environment: never in `.git/config`, never in the URL, never on the command line.
    """
    prefix = _http_prefix(url) if token else None
    if token is None or prefix is None:
        # ssh and local remotes authenticate otherwise; a header not scoped to the remote's
        # host could reach another host (a submodule fetched on demand, say).
        return {}
    try:
        first = int(environ.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        first = 0
    key = f"http.{prefix}.extraheader"
    entries = [
        # An empty value empties the header list, so a checkout that persisted its own
        # credentials does not make git send two Authorization headers, which GitHub refuses.
        (key, ""),
        (key, f"AUTHORIZATION: basic {_basic_credentials(token)}"),
    ]
    env = {"GIT_CONFIG_COUNT": str(first + len(entries))}
    for offset, (name, value) in enumerate(entries):
        env[f"GIT_CONFIG_KEY_{first + offset}"] = name
        env[f"GIT_CONFIG_VALUE_{first + offset}"] = value
    return env
