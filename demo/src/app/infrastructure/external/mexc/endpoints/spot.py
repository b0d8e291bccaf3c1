"""Public spot market endpoints (no signature needed)."""

from __future__ import annotations

from src.app.infrastructure.external.mexc.endpoints.base import Endpoint
from src.app.infrastructure.external.mexc.symbols import normalize_symbol
from src.app.infrastructure.external.mexc.transport import Request

__all__ = [
    "DEPTH",
    "KLINES",
    "KLINE_INTERVALS",
    "PING",
    "TICKER_PRICE",
    "build_depth_request",
    "build_klines_request",
    "build_ticker_request",
]

PING = Endpoint("GET", "/api/v3/ping")
TICKER_PRICE = Endpoint("GET", "/api/v3/ticker/price")
DEPTH = Endpoint("GET", "/api/v3/depth")
KLINES = Endpoint("GET", "/api/v3/klines")

KLINE_INTERVALS = ("1m", "5m", "15m", "30m", "60m", "4h", "1d", "1W", "1M")
_DEPTH_LIMITS = (5, 10, 20, 50, 100, 500, 1000, 5000)


def build_ticker_request(symbol: str | None = None) -> Request:
    """Last price for one pair, or for every pair when `symbol` is None."""
    return TICKER_PRICE.request(symbol=normalize_symbol(symbol) if symbol else None)


def build_depth_request(symbol: str, limit: int = 20) -> Request:
    if limit not in _DEPTH_LIMITS:
        raise ValueError(f"depth limit must be one of {_DEPTH_LIMITS}, got {limit}")
    return DEPTH.request(symbol=normalize_symbol(symbol), limit=limit)


def build_klines_request(
    symbol: str, interval: str = "1m", limit: int = 100, start_time: int | None = None
) -> Request:
    if interval not in KLINE_INTERVALS:
        raise ValueError(f"unknown kline interval {interval!r}")
    if not 1 <= limit <= 1000:
        raise ValueError("kline limit must be between 1 and 1000")
    return KLINES.request(
        symbol=normalize_symbol(symbol), interval=interval, limit=limit, startTime=start_time
    )
