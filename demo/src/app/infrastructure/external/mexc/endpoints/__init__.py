"""REST endpoint definitions and the request builders that go with them."""

from src.app.infrastructure.external.mexc.endpoints.base import Endpoint

__all__ = ["Endpoint"]
