"""Websocket keep-alive."""

from src.app.infrastructure.external.mexc.websocket.heartbeat import Heartbeat

__all__ = ["Heartbeat"]
