"""Latest prices, fetched on demand and kept for a short time."""

from __future__ import annotations

import time
from collections.abc import Callable

from src.app.infrastructure.external.mexc.facades.market import MarketFacade
from src.app.infrastructure.external.mexc.models import Ticker
from src.app.infrastructure.external.mexc.symbols import normalize_symbol


class TickerRepository:
    def __init__(
        self,
        market: MarketFacade,
        ttl: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._market = market
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[str, tuple[float, Ticker]] = {}

    def get(self, symbol: str) -> Ticker:
        symbol = normalize_symbol(symbol)
        entry = self._entries.get(symbol)
        if entry is not None and self._clock() - entry[0] < self._ttl:
            return entry[1]
        ticker = self._market.ticker(symbol)
        self._entries[symbol] = (self._clock(), ticker)
        return ticker

    def refresh(self, symbols: list[str]) -> list[Ticker]:
        tickers = self._market.tickers(symbols)
        now = self._clock()
        for ticker in tickers:
            self._entries[ticker.symbol] = (now, ticker)
        return tickers

    def snapshot(self) -> dict[str, Ticker]:
        return {symbol: ticker for symbol, (_, ticker) in sorted(self._entries.items())}
