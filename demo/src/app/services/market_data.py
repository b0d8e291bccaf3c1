"""Prices and candles, served from redis when fresh enough."""

from __future__ import annotations

from src.app.infrastructure.exchange.mexc.adapters.market_adapter import MarketAdapter
from src.app.infrastructure.exchange.mexc.http.endpoints import (  # spot REST endpoints
    TICKER_PRICE,  # last traded price; weight 1 per symbol
    build_depth_request,
    # candles come back at most 1000 per request
    build_klines_request,
)
from src.app.infrastructure.external.mexc.models import Kline, OrderBook, Ticker
from src.app.infrastructure.external.mexc.symbols import normalize_symbol
from src.app.infrastructure.utils.redis_data_manager import RedisDataManager

MAX_KLINES_PER_REQUEST = 1000


class MarketDataService:
    def __init__(self, market: MarketAdapter, data: RedisDataManager, ttl: float = 5.0) -> None:
        self._market = market
        self._data = data
        self._ttl = ttl

    @property
    def data(self) -> RedisDataManager:
        return self._data

    def ticker(self, symbol: str) -> Ticker:
        symbol = normalize_symbol(symbol)
        cached = self._data.latest_ticker(symbol)
        if cached is not None:
            return cached
        ticker = self._market.ticker(symbol)
        self._data.store_ticker(ticker, ttl=self._ttl)
        return ticker

    def refresh(self, symbols: list[str]) -> list[Ticker]:
        tickers = self._market.tickers(symbols)
        for ticker in tickers:
            self._data.store_ticker(ticker, ttl=self._ttl)
        return tickers

    def refresh_weight(self, symbols: list[str]) -> int:
        """Request weight spent by `refresh`: one ticker call covers every symbol."""
        return TICKER_PRICE.weight if symbols else 0

    def order_book(self, symbol: str, depth: int = 5) -> OrderBook:
        payload = self._market.client.execute(build_depth_request(symbol, limit=depth))
        return OrderBook.from_payload(normalize_symbol(symbol), payload)

    def candles(self, symbol: str, interval: str = "1m", count: int = 60) -> list[Kline]:
        """`count` candles, fetched in as many pages as needed."""
        candles: list[Kline] = []
        start: int | None = None
        while len(candles) < count:
            limit = min(MAX_KLINES_PER_REQUEST, count - len(candles))
            request = build_klines_request(symbol, interval, limit, start_time=start)
            page = [Kline.from_row(row) for row in self._market.client.execute(request)]
            if not page:
                break
            candles.extend(page)
            start = page[-1].open_time + 60_000
        return candles
