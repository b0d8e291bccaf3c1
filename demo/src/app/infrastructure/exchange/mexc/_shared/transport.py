"""Transport and client."""

from src.app.infrastructure.external.mexc.client import MexcClient
from src.app.infrastructure.external.mexc.transport import InMemoryTransport, Request, Response, Transport

__all__ = ["InMemoryTransport", "MexcClient", "Request", "Response", "Transport"]
