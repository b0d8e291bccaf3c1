"""Channel names of the MEXC spot websocket (v3)."""

from __future__ import annotations

from collections.abc import Callable

from src.app.infrastructure.external.mexc.symbols import normalize_symbol


def deals_channel(symbol: str) -> str:
    return f"spot@public.deals.v3.api@{normalize_symbol(symbol)}"


def kline_channel(symbol: str, interval: str = "Min1") -> str:
    return f"spot@public.kline.v3.api@{normalize_symbol(symbol)}@{interval}"


def depth_channel(symbol: str) -> str:
    return f"spot@public.increase.depth.v3.api@{normalize_symbol(symbol)}"


def book_ticker_channel(symbol: str) -> str:
    return f"spot@public.bookTicker.v3.api@{normalize_symbol(symbol)}"


_BUILDERS: dict[str, Callable[[str], str]] = {
    "deals": deals_channel,
    "kline": kline_channel,
    "depth": depth_channel,
    "book_ticker": book_ticker_channel,
}
_MARKERS = {".deals.": "deals", ".kline.": "kline", ".depth.": "depth", ".bookTicker.": "book_ticker"}


def channel_for(kind: str, symbol: str) -> str:
    try:
        return _BUILDERS[kind](symbol)
    except KeyError:
        raise ValueError(f"unknown channel kind {kind!r}; known: {sorted(_BUILDERS)}") from None


def channel_kind(channel: str) -> str:
    for marker, kind in _MARKERS.items():
        if marker in channel:
            return kind
    raise ValueError(f"unrecognised channel {channel!r}")
