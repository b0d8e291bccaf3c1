"""Which channels a connection is subscribed to, and the frames that change that."""

from __future__ import annotations

from src.app.infrastructure.external.mexc.websocket.connection import WebSocketConnection


class SubscriptionManager:
    MAX_PER_CONNECTION = 30

    def __init__(self, connection: WebSocketConnection) -> None:
        self._connection = connection
        self._active: set[str] = set()

    @property
    def active(self) -> frozenset[str]:
        return frozenset(self._active)

    def subscribe(self, *channels: str) -> list[str]:
        new = [c for c in dict.fromkeys(channels) if c not in self._active]
        if len(self._active) + len(new) > self.MAX_PER_CONNECTION:
            raise ValueError(f"at most {self.MAX_PER_CONNECTION} channels per connection")
        if new:
            self._connection.send_json({"method": "SUBSCRIPTION", "params": new})
            self._active.update(new)
        return new

    def unsubscribe(self, *channels: str) -> list[str]:
        gone = [c for c in dict.fromkeys(channels) if c in self._active]
        if gone:
            self._connection.send_json({"method": "UNSUBSCRIPTION", "params": gone})
            self._active.difference_update(gone)
        return gone

    def resubscribe_all(self) -> list[str]:
        """After a reconnect: ask again for everything that was active."""
        channels = sorted(self._active)
        if channels:
            self._connection.send_json({"method": "SUBSCRIPTION", "params": channels})
        return channels
