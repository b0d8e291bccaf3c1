"""Routing decoded stream messages to the callbacks subscribed to their channel."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from src.app.infrastructure.external.mexc.ws.parser import StreamMessage, parse_message

Callback = Callable[[StreamMessage], None]


class MarketStream:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Callback]] = defaultdict(list)
        self.dropped = 0

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(sorted(c for c, handlers in self._handlers.items() if handlers))

    def subscribe(self, channel: str, callback: Callback) -> None:
        self._handlers[channel].append(callback)

    def unsubscribe(self, channel: str, callback: Callback | None = None) -> None:
        if callback is None:
            self._handlers.pop(channel, None)
        elif callback in self._handlers.get(channel, []):
            self._handlers[channel].remove(callback)

    def dispatch(self, message: StreamMessage) -> int:
        handlers = list(self._handlers.get(message.channel, ()))
        if not handlers:
            self.dropped += 1
        for handler in handlers:
            handler(message)
        return len(handlers)

    def feed(self, raw: str | bytes | Mapping[str, Any]) -> int:
        message = parse_message(raw)
        return 0 if message is None else self.dispatch(message)
