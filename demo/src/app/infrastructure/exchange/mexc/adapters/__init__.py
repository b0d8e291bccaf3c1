"""Adapters over the MEXC facades."""

from .account_adapter import AccountAdapter
from .market_adapter import MarketAdapter
from .trade_adapter import TradeAdapter

__all__ = ["AccountAdapter", "MarketAdapter", "TradeAdapter"]
