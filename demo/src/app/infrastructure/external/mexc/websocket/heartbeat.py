"""Keep-alive for the websocket: the server drops connections that stay quiet."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any


class Heartbeat:
    def __init__(
        self,
        interval: float = 20.0,
        timeout: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval
        self.timeout = timeout
        self._clock = clock
        self._last_ping: float | None = None
        self._last_pong = clock()

    def due(self) -> bool:
        return self._last_ping is None or self._clock() - self._last_ping >= self.interval

    def ping(self) -> dict[str, str]:
        self._last_ping = self._clock()
        return {"method": "PING"}

    def pong(self) -> None:
        self._last_pong = self._clock()

    def is_stale(self) -> bool:
        return self._clock() - self._last_pong > self.timeout

    @staticmethod
    def is_pong(payload: Mapping[str, Any]) -> bool:
        return payload.get("msg") == "PONG"
