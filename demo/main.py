"""mexc-trader entry point: `from main import app`.

`app` is a small dependency-free application object: a route table and a `handle` method
that a WSGI/ASGI shim or a test can call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from src.app.api import build_routes
from src.app.config import Settings, load_settings
from src.app.container import Container, build_container
from src.app.infrastructure.external.mexc.errors import MexcError
from src.app.infrastructure.external.mexc.transport import Transport


@dataclass(frozen=True)
class Response:
    status: int
    body: dict[str, Any] = field(default_factory=dict)


class App:
    def __init__(
        self, container: Container, routes: dict[tuple[str, str], Callable[..., Any]]
    ) -> None:
        self.container = container
        self.routes = routes

    def handle(self, method: str, path: str, params: dict[str, Any] | None = None) -> Response:
        handler = self.routes.get((method.upper(), path))
        if handler is None:
            return Response(404, {"error": f"no route for {method.upper()} {path}"})
        try:
            status, body = handler(self.container, dict(params or {}))
        except KeyError as exc:
            return Response(400, {"error": f"missing parameter {exc.args[0]!r}"})
        except ValueError as exc:
            return Response(400, {"error": str(exc)})
        except MexcError as exc:
            return Response(502, {"error": str(exc)})
        return Response(status, body)

    def get(self, path: str, **params: Any) -> Response:
        return self.handle("GET", path, params)

    def post(self, path: str, **params: Any) -> Response:
        return self.handle("POST", path, params)

    def delete(self, path: str, **params: Any) -> Response:
        return self.handle("DELETE", path, params)


def create_app(settings: Settings | None = None, transport: Transport | None = None) -> App:
    settings = settings or load_settings()
    return App(build_container(settings, transport), build_routes())


app = create_app()


if __name__ == "__main__":
    for (method, path) in sorted(app.routes):
        print(f"{method:6} {path}")
    print(app.get("/health"))
