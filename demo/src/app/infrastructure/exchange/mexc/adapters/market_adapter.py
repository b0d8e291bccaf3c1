"""Market data adapter (now the MEXC market facade)."""

from src.app.infrastructure.external.mexc.facades.market import MarketFacade as MarketAdapter

__all__ = ["MarketAdapter"]
