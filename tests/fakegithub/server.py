"""A stateful fake of api.github.com on 127.0.0.1, for testing code that talks to GitHub over HTTP.

Every request and response is checked against GitHub's OpenAPI description (see
`validation.py`); a mismatch is answered with an error status so the client fails at once, and
is kept in `validation_errors` so the `github` fixture fails the test even if the client
swallowed the error.

Failures are injected per path with `fail`, `forbid` and `secondary_rate_limit`; `tamper`
alters a response before it is validated, to prove validation bites.
"""

from __future__ import annotations

import fnmatch
import json
import re
import socket
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple

from tests.fakegithub import endpoints, graphql, payloads, validation
from tests.fakegithub.operations import SERVED
from tests.fakegithub.state import GitHubState

TOKEN = "ghs_fakeGitHubToken0123456789abcdefABCDEF"

# GitHub's own wording, which clients (PyGithub's retry logic included) match on.
RESOURCE_NOT_ACCESSIBLE = "Resource not accessible by integration"
ACTIONS_CANNOT_CREATE_PULLS = "GitHub Actions is not permitted to create or approve pull requests."
SECONDARY_RATE_LIMIT = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID "
    "0000:0000:0000000:0000000:00000000."
)


class LoggedRequest(NamedTuple):
    method: str
    path: str  # without the query string, percent-decoding left as sent
    body: Any  # the parsed JSON body, or None
    query: dict[str, list[str]]
    status: int


DROP = 0  # the status of a fault that answers nothing and closes the connection


@dataclass
class _Fault:
    pattern: str
    method: str | None
    remaining: int | None  # None: for every matching request
    status: int = 0
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    change: Callable[[Any], Any] | None = None  # for tamper(): rewrites a real response

    def matches(self, method: str, path: str) -> bool:
        if self.remaining == 0:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        return fnmatch.fnmatchcase(path, self.pattern)


def _route_pattern(template: str) -> re.Pattern[str]:
    # `{ref}` is a branch reference such as `heads/feature/x`: it may hold slashes.
    regex = re.sub(
        r"\{(\w+)\}",
        lambda m: f"(?P<{m[1]}>.+)" if m[1] == "ref" else f"(?P<{m[1]}>[^/]+)",
        template,
    )
    return re.compile(regex)


_ROUTES = [(method, template, _route_pattern(template)) for method, template in SERVED]


class FakeGitHub:
    """The server, its state, its request log and its failure knobs."""

    def __init__(self, token: str | None = TOKEN) -> None:
        self.state = GitHubState()
        self.token = token  # None: any token (or none) is accepted
        self.requests: list[LoggedRequest] = []
        self.validation_errors: list[str] = []
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.fake = self  # type: ignore[attr-defined]
        # A short poll interval: stop() waits up to one interval, and every test stops a server.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # --- lifecycle ------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # --- what tests read ------------------------------------------------------------------

    def calls(self, method: str | None = None, path: str | None = None) -> list[LoggedRequest]:
        """The logged requests, optionally only those with this method and/or path glob."""
        with self._lock:
            logged = list(self.requests)
        return [
            r
            for r in logged
            if (method is None or r.method == method.upper())
            and (path is None or fnmatch.fnmatchcase(r.path, path))
        ]

    def take_validation_errors(self) -> list[str]:
        """Return and forget the validation errors, for tests that provoke them on purpose."""
        with self._lock:
            errors, self.validation_errors = self.validation_errors, []
        return errors

    # --- failure knobs --------------------------------------------------------------------

    def fail(
        self,
        path: str,
        *,
        status: int = 502,
        times: int | None = 1,
        method: str | None = None,
        message: str = "Server Error",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next `times` requests to `path` (a glob) with `status` instead."""
        body = payloads.error(message, status)
        self._add(_Fault(path, method, times, status, body, dict(headers or {})))

    def forbid(
        self,
        path: str,
        message: str = RESOURCE_NOT_ACCESSIBLE,
        *,
        status: int = 403,
        times: int | None = None,
        method: str | None = None,
    ) -> None:
        """Answer requests to `path` with GitHub's 403 `message` (every time, by default)."""
        self.fail(path, status=status, times=times, method=method, message=message)

    def secondary_rate_limit(
        self,
        path: str,
        *,
        times: int | None = 1,
        retry_after: int = 1,
        method: str | None = None,
        status: int = 403,
    ) -> None:
        """GitHub's secondary rate limit answer: 403 (or 429), its message and `retry-after`."""
        self.fail(
            path,
            status=status,
            times=times,
            method=method,
            message=SECONDARY_RATE_LIMIT,
            headers={"retry-after": str(retry_after)},
        )

    def disconnect(self, path: str, *, times: int | None = None, method: str | None = None) -> None:
        """Hang up on the next `times` requests to `path` without answering: the network
        failing in the middle of a run."""
        self._add(_Fault(path, method, times, DROP))

    def tamper(
        self,
        path: str,
        change: Callable[[Any], Any],
        *,
        times: int | None = 1,
        method: str | None = None,
    ) -> None:
        """Pass the JSON of the next responses for `path` through `change` before validation."""
        self._add(_Fault(path, method, times, change=change))

    def _add(self, fault: _Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, method: str, path: str, *, tampering: bool) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if (fault.change is not None) == tampering and fault.matches(method, path):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    return fault
        return None

    # --- answering ------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str], raw: bytes
    ) -> endpoints.Reply:
        url = urllib.parse.urlsplit(target)
        path, query = url.path, urllib.parse.parse_qs(url.query, keep_blank_values=True)
        body, reply = None, None
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            reply = self._invalid(method, path, ["the request body is not JSON"], status=400)
        if reply is None:
            reply = self._answer(method, path, query, headers, body, raw)
        with self._lock:
            self.requests.append(LoggedRequest(method, path, body, query, reply.status))
        return reply

    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: Any,
        raw: bytes,
    ) -> endpoints.Reply:
        if path == "/graphql" and method == "POST":
            return self._graphql(body, headers)
        route = next(
            (
                (template, match.groupdict())
                for verb, template, pattern in _ROUTES
                if verb == method.lower() and (match := pattern.fullmatch(path))
            ),
            None,
        )
        if route is None:
            return self._invalid(method, path, ["not an operation the fake serves"], status=404)
        template, params = route
        params = {k: urllib.parse.unquote(v) for k, v in params.items()}
        request = validation.request_for(
            method, template, path, params, query, raw, headers.get("content-type", "")
        )
        problems = validation.check_request(request)
        if problems:
            return self._invalid(method, path, [f"request: {p}" for p in problems], status=400)

        fault = self._take_fault(method, path, tampering=False)
        if not self._authorized(headers):
            reply = endpoints.Reply(401, payloads.error("Bad credentials", 401))
        elif fault is not None and fault.status == DROP:
            return endpoints.Reply(DROP, None)  # no answer at all: the handler hangs up
        elif fault is not None:
            reply = endpoints.Reply(fault.status, fault.body, dict(fault.headers))
        else:
            call = endpoints.Call(method, path, params, query, body, self.api_url, self.state)
            try:
                with self.state.lock:
                    reply = endpoints.HANDLERS[(method.lower(), template)](call)
            except endpoints.ApiError as error:
                reply = error.reply
            tampering = self._take_fault(method, path, tampering=True)
            if tampering is not None and tampering.change is not None:
                reply.body = tampering.change(reply.body)

        encoded = _encode(reply.body)
        problems = validation.check_response(
            request, reply.status, reply.headers, encoded, "application/json" if encoded else ""
        )
        if problems:
            return self._invalid(method, path, [f"response: {p}" for p in problems], status=500)
        return reply

    def _authorized(self, headers: dict[str, str]) -> bool:
        given = headers.get("authorization", "").partition(" ")[2]
        return self.token is None or given == self.token

    def _graphql(self, body: Any, headers: dict[str, str]) -> endpoints.Reply:
        problems = graphql.check(body)
        if problems:
            return self._invalid("POST", "/graphql", problems, status=400)
        fault = self._take_fault("POST", "/graphql", tampering=False)
        if not self._authorized(headers):
            return endpoints.Reply(401, payloads.error("Bad credentials", 401))
        if fault is not None:
            return endpoints.Reply(fault.status, fault.body, dict(fault.headers))
        return endpoints.Reply(200, graphql.answer(body, self.state))

    def _invalid(self, method: str, path: str, problems: list[str], status: int) -> endpoints.Reply:
        with self._lock:
            self.validation_errors.extend(f"{method} {path}: {p}" for p in problems)
        message = "fake GitHub: " + "; ".join(problems)
        return endpoints.Reply(status, payloads.error(message, status))


def _encode(body: Any) -> bytes:
    return b"" if body is None else json.dumps(body).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as PyGithub's requests session expects
    # Headers and body go out in two writes; with Nagle's algorithm the second one waits for
    # the client's delayed ACK, 40 ms per request.
    disable_nagle_algorithm = True
    server: ThreadingHTTPServer

    def _serve(self) -> None:
        fake: FakeGitHub = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        reply = fake.handle(self.command, self.path, headers, raw)
        if reply.status == DROP:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        data = _encode(reply.body)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if data:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        # The request log on FakeGitHub replaces the default stderr line per request.
        pass
