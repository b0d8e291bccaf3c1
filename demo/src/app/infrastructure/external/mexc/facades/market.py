"""Market data: prices, order books, candles."""

from __future__ import annotations

from src.app.infrastructure.external.mexc.endpoints.spot import (
    PING,
    build_depth_request,
    build_klines_request,
    build_ticker_request,
)
from src.app.infrastructure.external.mexc.facades._base import BaseFacade
from src.app.infrastructure.external.mexc.models import Kline, OrderBook, Ticker
from src.app.infrastructure.external.mexc.symbols import normalize_symbol


class MarketFacade(BaseFacade):
    def ping(self) -> bool:
        self._call(PING)
        return True

    def ticker(self, symbol: str) -> Ticker:
        return Ticker.from_payload(self._client.execute(build_ticker_request(symbol)))

    def tickers(self, symbols: list[str] | None = None) -> list[Ticker]:
        rows = self._client.execute(build_ticker_request())
        wanted = {normalize_symbol(s) for s in symbols} if symbols else None
        tickers = [Ticker.from_payload(row) for row in rows]
        return [t for t in tickers if wanted is None or t.symbol in wanted]

    def order_book(self, symbol: str, limit: int = 20) -> OrderBook:
        payload = self._client.execute(build_depth_request(symbol, limit))
        return OrderBook.from_payload(normalize_symbol(symbol), payload)

    def klines(self, symbol: str, interval: str = "1m", limit: int = 100) -> list[Kline]:
        rows = self._client.execute(build_klines_request(symbol, interval, limit))
        return [Kline.from_row(row) for row in rows]
