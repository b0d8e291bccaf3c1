"""Decoding websocket push messages."""

from src.app.infrastructure.external.mexc.ws.parser import StreamMessage, parse_message

__all__ = ["StreamMessage", "parse_message"]
