"""Checks every request and response of the fake GitHub against GitHub's OpenAPI description.

The description is `openapi-subset.json` (see `extract_openapi.py`); it is loaded once per test
session because building openapi-core's validators is the slow part.

Error responses: GitHub answers almost any operation with a `basic-error` body for problems the
description does not list per operation (401 bad credentials, 403 missing permission, 404 for a
repository the token cannot see, 502 from its front end). So a status the operation documents is
validated against that documentation, an undocumented error status (>= 400) must still carry a
`basic-error` body, and an undocumented success status is itself a validation error.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_schema_validator import OAS30Validator
from werkzeug.datastructures import Headers, ImmutableMultiDict

SUBSET = Path(__file__).with_name("openapi-subset.json")
# The description's only server; requests are presented as if sent there, since the fake
# listens on a random local port.
SERVER = "https://api.github.com"


@cache
def description() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SUBSET.read_text(encoding="utf-8"))
    return data


@cache
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(description())


@dataclass
class _Request:
    """The openapi-core request protocol, with the path template already matched by the server.

    Giving `path_pattern` matters: GitHub's `{ref}` holds slashes (`heads/feature/x`), which
    openapi-core's own path matching would never accept.
    """

    method: str
    path: str
    path_pattern: str
    parameters: RequestParameters
    body: bytes | None
    content_type: str
    host_url: str = SERVER


@dataclass
class _Response:
    status_code: int
    headers: Headers
    data: bytes | None
    content_type: str


def request_for(
    method: str,
    template: str,
    path: str,
    path_params: Mapping[str, str],
    query: Mapping[str, list[str]],
    body: bytes | None,
    content_type: str,
) -> _Request:
    return _Request(
        method=method.lower(),
        path=path,
        path_pattern=template,
        parameters=RequestParameters(
            path=dict(path_params),
            query=ImmutableMultiDict([(k, v) for k, values in query.items() for v in values]),
            header=Headers(),
        ),
        body=body or None,
        content_type=content_type.lower() if body else "",
    )


def check_request(request: _Request) -> list[str]:
    return [_describe(e) for e in openapi().iter_request_errors(request)]


def check_response(
    request: _Request, status: int, headers: Mapping[str, str], body: bytes, content_type: str
) -> list[str]:
    response = _Response(status, Headers(dict(headers)), body or None, content_type.lower())
    documented = description()["paths"][request.path_pattern][request.method]["responses"]
    if str(status) in documented or "default" in documented:
        return [_describe(e) for e in openapi().iter_response_errors(request, response)]
    if status < 400:
        return [f"status {status} is not documented for this operation"]
    try:
        data = json.loads(body)
    except ValueError:
        return [f"undocumented error status {status} without a JSON body"]
    errors = _basic_error().iter_errors(data)
    return [_short(f"basic-error {_where(e.absolute_path)}{e.message}") for e in errors]


@cache
def _basic_error() -> OAS30Validator:
    return OAS30Validator(description()["components"]["schemas"]["basic-error"])


def _describe(error: BaseException) -> str:
    """One line per schema problem: openapi-core nests them two levels deep."""
    text = type(error).__name__
    name = getattr(error, "name", None)
    if isinstance(name, str):  # a parameter: say which one
        text += f" ({getattr(error, 'location', '')} parameter {name})"
    cause = error.__cause__
    if cause is None:
        return f"{text}: {error}"
    details: Iterable[Any] = getattr(cause, "schema_errors", ()) or ()
    lines = [_short(f"{_where(d.absolute_path)}{d.message}") for d in details]
    if not lines:
        lines = [_short(f"{type(cause).__name__}: {cause}")]
    return f"{text}: " + "; ".join(lines)


def _short(text: str, limit: int = 300) -> str:
    # Messages can embed the whole offending value, which for a pull request is kilobytes.
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _where(path: Iterable[Any]) -> str:
    parts = [str(p) for p in path]
    return f"at {'.'.join(parts)}: " if parts else ""
