"""Websocket transport: connection, keep-alive, subscriptions."""

from src.app.infrastructure.external.mexc.websocket.connection import (
    LoopbackSocket,
    WebSocketConnection,
)
from src.app.infrastructure.external.mexc.websocket.heartbeat import Heartbeat
from src.app.infrastructure.external.mexc.websocket.subscriptions import SubscriptionManager

__all__ = ["Heartbeat", "LoopbackSocket", "SubscriptionManager", "WebSocketConnection"]
