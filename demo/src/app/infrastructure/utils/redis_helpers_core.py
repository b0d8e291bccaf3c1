"""The subset of redis this application uses, kept in a dict.

The deployment uses a managed redis; locally and in tests this in-memory store behaves the
same for the commands below (strings with expiry, counters, hashes, capped lists).
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Callable, Mapping
from typing import Any

KEY_PREFIX = "mexc-trader"


def make_key(*parts: object) -> str:
    return ":".join(str(p).strip(":") for p in parts if str(p) != "")


class InMemoryRedis:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._data: dict[str, Any] = {}
        self._expires: dict[str, float] = {}
        self._clock = clock

    def _alive(self, key: str) -> bool:
        deadline = self._expires.get(key)
        if deadline is not None and self._clock() >= deadline:
            self._data.pop(key, None)
            self._expires.pop(key, None)
        return key in self._data

    def get(self, key: str) -> str | None:
        return self._data[key] if self._alive(key) else None

    def set(self, key: str, value: str, ex: float | None = None, nx: bool = False) -> bool:
        if nx and self._alive(key):
            return False
        self._data[key] = str(value)
        self._expires.pop(key, None)
        if ex is not None:
            self._expires[key] = self._clock() + ex
        return True

    def delete(self, *keys: str) -> int:
        removed = 0
        for key in keys:
            if self._alive(key):
                del self._data[key]
                self._expires.pop(key, None)
                removed += 1
        return removed

    def exists(self, key: str) -> bool:
        return self._alive(key)

    def incr(self, key: str, amount: int = 1) -> int:
        value = int(self.get(key) or 0) + amount
        self._data[key] = str(value)
        return value

    def expire(self, key: str, seconds: float) -> bool:
        if not self._alive(key):
            return False
        self._expires[key] = self._clock() + seconds
        return True

    def ttl(self, key: str) -> int:
        if not self._alive(key):
            return -2
        deadline = self._expires.get(key)
        return -1 if deadline is None else max(0, round(deadline - self._clock()))

    def hset(self, name: str, mapping: Mapping[str, Any]) -> int:
        self._alive(name)
        current = self._data.setdefault(name, {})
        added = sum(1 for k in mapping if k not in current)
        current.update({k: str(v) for k, v in mapping.items()})
        return added

    def hget(self, name: str, field: str) -> str | None:
        return self.hgetall(name).get(field)

    def hgetall(self, name: str) -> dict[str, str]:
        return dict(self._data[name]) if self._alive(name) else {}

    def lpush(self, name: str, *values: str) -> int:
        self._alive(name)
        items = self._data.setdefault(name, [])
        for value in values:
            items.insert(0, str(value))
        return len(items)

    def lrange(self, name: str, start: int, stop: int) -> list[str]:
        items = self._data[name] if self._alive(name) else []
        return list(items[start : None if stop == -1 else stop + 1])

    def ltrim(self, name: str, start: int, stop: int) -> None:
        if self._alive(name):
            self._data[name] = self.lrange(name, start, stop)

    def keys(self, pattern: str = "*") -> list[str]:
        live = [k for k in list(self._data) if self._alive(k)]
        return sorted(k for k in live if fnmatch.fnmatchcase(k, pattern))

    def flushall(self) -> None:
        self._data.clear()
        self._expires.clear()
