from src.app.infrastructure.external.mexc.ws.parser import StreamMessage as StreamMessage
from src.app.infrastructure.external.mexc.ws.parser import parse_message as parse_message

__all__ = ["StreamMessage", "parse_message"]
