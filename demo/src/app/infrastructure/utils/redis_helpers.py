"""JSON values in redis, and the read-through pattern built on them."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from src.app.infrastructure.utils.redis_helpers_core import KEY_PREFIX, InMemoryRedis, make_key


def app_key(*parts: object) -> str:
    return make_key(KEY_PREFIX, *parts)


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def set_json(client: InMemoryRedis, key: str, value: Any, ttl: float | None = None) -> None:
    client.set(key, json.dumps(value, default=_encode, sort_keys=True), ex=ttl)


def get_json(client: InMemoryRedis, key: str, default: Any = None) -> Any:
    raw = client.get(key)
    return default if raw is None else json.loads(raw)


def remember(client: InMemoryRedis, key: str, ttl: float | None, loader: Callable[[], Any]) -> Any:
    """The cached value at `key`, or `loader()` stored there for `ttl` seconds."""
    raw = client.get(key)
    if raw is not None:
        return json.loads(raw)
    value = loader()
    set_json(client, key, value, ttl)
    return json.loads(json.dumps(value, default=_encode, sort_keys=True))
