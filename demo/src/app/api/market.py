"""Market data routes."""

from __future__ import annotations

from typing import Any

from src.app.infrastructure.exchange.mexc._shared.symbols import normalize_symbol


def ticker(container: Any, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    symbol = normalize_symbol(params["symbol"])
    result = container.market_data.ticker(symbol)
    return 200, {"symbol": result.symbol, "price": str(result.price)}


def order_book(container: Any, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    symbol = normalize_symbol(params["symbol"])
    book = container.market_data.order_book(symbol, depth=int(params.get("depth", 5)))
    return 200, {
        "symbol": book.symbol,
        "best_bid": str(book.best_bid),
        "best_ask": str(book.best_ask),
        "spread": str(book.spread),
    }


def candles(container: Any, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    symbol = normalize_symbol(params["symbol"])
    interval, count = params.get("interval", "1m"), int(params.get("count", 10))
    rows = container.market_data.candles(symbol, interval, count)
    return 200, {"symbol": symbol, "closes": [str(k.close) for k in rows]}


def funding(container: Any, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    symbol = normalize_symbol(params["symbol"])
    return 200, {
        "symbol": symbol,
        "funding_rate": str(container.funding.funding_rate(symbol)),
        "annualized_pct": str(container.funding.annualized(symbol)),
    }


ROUTES = {
    ("GET", "/market/ticker"): ticker,
    ("GET", "/market/depth"): order_book,
    ("GET", "/market/candles"): candles,
    ("GET", "/market/funding"): funding,
}
