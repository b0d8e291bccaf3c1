"""The MEXC REST client, under its old name."""

from .._shared.transport import InMemoryTransport, MexcClient

MexcHttpClient = MexcClient

__all__ = ["InMemoryTransport", "MexcClient", "MexcHttpClient"]
