"""A read-through redis cache in front of Supabase table reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from src.app.infrastructure.utils.redis_helpers import app_key, get_json, set_json
from src.app.infrastructure.utils.redis_helpers_core import InMemoryRedis


class RedisCache:
    def __init__(self, client: InMemoryRedis, ttl: float = 60.0, namespace: str = "supabase") -> None:
        self._client = client
        self._ttl = ttl
        self._namespace = namespace
        self.hits = 0
        self.misses = 0

    def key(self, table: str, row_id: str) -> str:
        return app_key(self._namespace, table, row_id)

    def get_or_load(self, table: str, row_id: str, loader: Callable[[], Any]) -> Any:
        key = self.key(table, row_id)
        cached = get_json(self._client, key)
        if cached is not None:
            self.hits += 1
            return cached
        self.misses += 1
        value = loader()
        set_json(self._client, key, value, self._ttl)
        return get_json(self._client, key)

    def invalidate(self, table: str, row_id: str) -> bool:
        return self._client.delete(self.key(table, row_id)) > 0
