"""Repositories over exchange data."""

from src.app.infrastructure.external.mexc.repos.balance_repo import BalanceRepository
from src.app.infrastructure.external.mexc.repos.order_repo import OrderRepository
from src.app.infrastructure.external.mexc.repos.ticker_repo import TickerRepository

__all__ = ["BalanceRepository", "OrderRepository", "TickerRepository"]
