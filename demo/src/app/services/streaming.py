"""Live trades from the websocket into redis."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from decimal import Decimal

from ..infrastructure.exchange.mexc.ws import channel_for, parse_message

try:
    from src.app.infrastructure.exchange.mexc.ws.heartbeat import Heartbeat
except ImportError:  # deployments that only ship the production client
    from src.app.infrastructure.external.mexc.websocket.heartbeat import Heartbeat

from src.app.infrastructure.external.mexc.websocket.connection import (
    LoopbackSocket,
    Socket,
    WebSocketConnection,
)
from src.app.infrastructure.external.mexc.websocket.subscriptions import SubscriptionManager
from src.app.infrastructure.external.mexc.ws.channels import channel_kind
from src.app.infrastructure.external.mexc.ws.parser import StreamMessage
from src.app.infrastructure.external.mexc.ws.stream import MarketStream
from src.app.infrastructure.utils.redis_data_manager import RedisDataManager


def loopback_factory(url: str) -> Socket:
    return LoopbackSocket()


class StreamingService:
    def __init__(
        self,
        url: str,
        stream: MarketStream,
        data: RedisDataManager,
        socket_factory: Callable[[str], Socket] = loopback_factory,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.connection = WebSocketConnection(url, socket_factory)
        self.subscriptions = SubscriptionManager(self.connection)
        self.heartbeat = Heartbeat(clock=clock)
        self._data = data

    def start(self, symbols: tuple[str, ...], kinds: tuple[str, ...] = ("deals",)) -> list[str]:
        self.connection.open()
        channels = [channel_for(kind, symbol) for symbol in symbols for kind in kinds]
        for channel in self.subscriptions.subscribe(*channels):
            self.stream.subscribe(channel, self._on_message)
        return channels

    def keepalive(self) -> bool:
        if self.heartbeat.due():
            self.connection.send_json(self.heartbeat.ping())
            return True
        return False

    def pump(self) -> int:
        """Handle every frame waiting on the connection; returns how many carried data."""
        handled = 0
        for raw in self.connection.drain():
            message = parse_message(raw)
            if message is None:
                if self.heartbeat.is_pong(json.loads(raw)):
                    self.heartbeat.pong()
                continue
            handled += self.stream.dispatch(message)
        return handled

    def _on_message(self, message: StreamMessage) -> None:
        if channel_kind(message.channel) != "deals":
            return
        for deal in (message.data or {}).get("deals", ()):
            self._data.record_trade(
                message.symbol, Decimal(str(deal["p"])), Decimal(str(deal["v"])), int(deal["t"])
            )
