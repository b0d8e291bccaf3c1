"""What the account holds, valued in the quote asset."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from src.app.infrastructure.supabase.utils.redis_cache import RedisCache

if TYPE_CHECKING:
    from src.app.infrastructure.exchange.mexc.adapters.account_adapter import AccountAdapter
    from src.app.services.pricing import PriceBook


@dataclass(frozen=True)
class Holding:
    asset: str
    amount: Decimal
    value: Decimal


@dataclass(frozen=True)
class PortfolioSnapshot:
    quote: str
    holdings: tuple[Holding, ...]

    @property
    def total(self) -> Decimal:
        return sum((h.value for h in self.holdings), Decimal("0"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "quote": self.quote,
            "total": str(self.total),
            "holdings": [
                {"asset": h.asset, "amount": str(h.amount), "value": str(h.value)}
                for h in self.holdings
            ],
        }


class PortfolioService:
    def __init__(self, account: AccountAdapter, pricing: PriceBook, cache: RedisCache) -> None:
        self._account = account
        self._pricing = pricing
        self._cache = cache

    def snapshot(self) -> PortfolioSnapshot:
        holdings = tuple(
            Holding(b.asset, b.total, self._pricing.value(b.asset, b.total))
            for b in self._account.balances()
        )
        return PortfolioSnapshot(self._pricing.quote, holdings)

    def summary(self, refresh: bool = False) -> dict[str, Any]:
        """The snapshot as a dict, cached for a minute unless `refresh`."""
        if refresh:
            self._cache.invalidate("portfolio_snapshots", "latest")
        summary: dict[str, Any] = self._cache.get_or_load(
            "portfolio_snapshots", "latest", lambda: self.snapshot().as_dict()
        )
        return summary
