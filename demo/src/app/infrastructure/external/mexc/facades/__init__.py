"""Task-oriented facades over the MEXC client."""

from src.app.infrastructure.external.mexc.facades._base import BaseFacade
from src.app.infrastructure.external.mexc.facades.account import AccountFacade
from src.app.infrastructure.external.mexc.facades.market import MarketFacade
from src.app.infrastructure.external.mexc.facades.trade import TradeFacade

__all__ = ["AccountFacade", "BaseFacade", "MarketFacade", "TradeFacade"]
