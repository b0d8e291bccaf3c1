"""Trading pair names: `btc/usdt`, `BTC-USDT` and `BTCUSDT` are the same market."""

from __future__ import annotations

QUOTE_ASSETS = ("USDT", "USDC", "BTC", "ETH", "MX")


def normalize_symbol(symbol: str) -> str:
    cleaned = symbol.strip().upper()
    for separator in ("/", "-", "_", " "):
        cleaned = cleaned.replace(separator, "")
    if not cleaned.isalnum():
        raise ValueError(f"not a trading pair: {symbol!r}")
    return cleaned


def split_symbol(symbol: str) -> tuple[str, str]:
    """`"BTCUSDT"` -> `("BTC", "USDT")`, trying the longest quote asset first."""
    pair = normalize_symbol(symbol)
    for quote in sorted(QUOTE_ASSETS, key=len, reverse=True):
        if pair.endswith(quote) and len(pair) > len(quote):
            return pair[: -len(quote)], quote
    raise ValueError(f"unknown quote asset in {symbol!r}")
