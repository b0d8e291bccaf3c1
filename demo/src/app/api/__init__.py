"""HTTP routes. Each module exposes `ROUTES`: (method, path) -> handler(container, params)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from src.app.api import account, health, market, orders

Handler = Callable[[Any, dict[str, Any]], "tuple[int, dict[str, Any]]"]


def build_routes() -> dict[tuple[str, str], Handler]:
    routes: dict[tuple[str, str], Handler] = {}
    for module in (health, market, account, orders):
        for key, handler in module.ROUTES.items():
            if key in routes:
                raise ValueError(f"route {key} is defined twice")
            routes[key] = handler
    return routes
