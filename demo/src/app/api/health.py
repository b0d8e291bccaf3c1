"""Liveness and exchange connectivity."""

from __future__ import annotations

from typing import Any

from src.app.infrastructure.exchange.mexc import MexcClient, MarketAdapter


def health(container: Any, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    client = container.client
    exchange_ok = isinstance(client, MexcClient) and MarketAdapter(client).ping()
    body = {
        "status": "ok" if exchange_ok else "degraded",
        "exchange": "mexc",
        "environment": container.settings.environment,
        "config": client.config.redacted(),
        "pending_tasks": len(container.tasks.pending()),
    }
    return (200 if exchange_ok else 503), body


ROUTES = {("GET", "/health"): health}
