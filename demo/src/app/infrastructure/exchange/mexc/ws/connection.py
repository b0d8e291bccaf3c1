"""Websocket connection."""

from src.app.infrastructure.external.mexc.websocket.connection import LoopbackSocket, WebSocketConnection

__all__ = ["LoopbackSocket", "WebSocketConnection"]
