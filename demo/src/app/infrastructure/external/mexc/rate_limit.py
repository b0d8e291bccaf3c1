"""A token bucket that keeps the client under the exchange's request weight limits."""

from __future__ import annotations

import time
from collections.abc import Callable

from src.app.infrastructure.external.mexc.errors import RateLimitExceeded


class RateLimiter:
    """`rate` weight units per second, bursting up to `burst` (default: one second's worth)."""

    def __init__(
        self,
        rate: float,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._rate = rate
        self._capacity = burst if burst is not None else rate
        self._tokens = self._capacity
        self._clock = clock
        self._updated = clock()

    @property
    def available(self) -> float:
        self._refill()
        return self._tokens

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self._capacity, self._tokens + elapsed * self._rate)
        self._updated = now

    def try_acquire(self, weight: int = 1) -> bool:
        self._refill()
        if self._tokens < weight:
            return False
        self._tokens -= weight
        return True

    def acquire(self, weight: int = 1) -> None:
        if not self.try_acquire(weight):
            raise RateLimitExceeded(f"request weight {weight} exceeds the remaining budget")
