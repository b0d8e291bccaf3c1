"""MEXC exchange integration.

The client and its facades live in `src.app.infrastructure.external.mexc`; these names are kept here
so that existing imports keep working.
"""

from src.app.infrastructure.external.mexc.client import MexcClient

from .adapters import MarketAdapter

__all__ = ["MarketAdapter", "MexcClient"]
