"""What the client sends and receives, and the in-memory transport used outside production."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def with_params(self, params: dict[str, Any]) -> Request:
        return replace(self, params=dict(params))

    def with_headers(self, **headers: str) -> Request:
        return replace(self, headers={**self.headers, **headers})


@dataclass(frozen=True)
class Response:
    status: int
    payload: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Transport(Protocol):
    def send(self, request: Request) -> Response: ...


Handler = Callable[[Request], Any]


class InMemoryTransport:
    """Answers requests from registered handlers and records every request it was sent.

    A handler is either a payload (returned as is, status 200) or a callable taking the
    request and returning a payload or a full `Response`.
    """

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], Any] = {}
        self.sent: list[Request] = []

    def route(self, method: str, path: str, handler: Any) -> None:
        self._routes[(method.upper(), path)] = handler

    def send(self, request: Request) -> Response:
        self.sent.append(request)
        handler = self._routes.get((request.method.upper(), request.path))
        if handler is None:
            return Response(404, {"code": 404, "msg": f"no route for {request.method} {request.path}"})
        result = handler(request) if callable(handler) else handler
        return result if isinstance(result, Response) else Response(200, result)

    def last(self) -> Request:
        if not self.sent:
            raise LookupError("nothing has been sent yet")
        return self.sent[-1]
