"""Perpetual contract funding, for the carry dashboard."""

from __future__ import annotations

from decimal import Decimal

from src.app.infrastructure.exchange.mexc.adapters.base import BaseFacade
from src.app.infrastructure.exchange.mexc.http.futures import (
    CONTRACT_TICKER,
    FUNDING_RATE,
    contract_symbol,
)

SETTLEMENTS_PER_YEAR = 3 * 365


class FundingFacade(BaseFacade):
    def funding_rate(self, symbol: str) -> Decimal:
        payload = self._call(FUNDING_RATE, symbol=contract_symbol(symbol))
        return Decimal(str(payload["data"]["fundingRate"]))

    def contract_price(self, symbol: str) -> Decimal:
        payload = self._call(CONTRACT_TICKER, symbol=contract_symbol(symbol))
        return Decimal(str(payload["data"]["lastPrice"]))

    def annualized(self, symbol: str) -> Decimal:
        """The current rate, paid every settlement for a year, in percent."""
        return (self.funding_rate(symbol) * SETTLEMENTS_PER_YEAR * 100).quantize(Decimal("0.01"))
