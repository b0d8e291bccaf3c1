"""The market-data side of the MEXC websocket: channels, messages, dispatch."""

from src.app.infrastructure.external.mexc.ws.channels import channel_for
from src.app.infrastructure.external.mexc.ws.parser import StreamMessage, parse_message
from src.app.infrastructure.external.mexc.ws.stream import MarketStream

__all__ = ["MarketStream", "StreamMessage", "channel_for", "parse_message"]
