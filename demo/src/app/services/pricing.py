"""Converting amounts between assets at current prices."""

from __future__ import annotations

from decimal import Decimal

from src.app.infrastructure.exchange.mexc.adapters.market_adapter import MarketAdapter as Market
from src.app.infrastructure.external.mexc.client import MexcClient
from src.app.infrastructure.external.mexc.symbols import split_symbol

ONE = Decimal("1")


class PriceBook:
    def __init__(self, client: MexcClient, quote: str = "USDT") -> None:
        self._market = Market(client)
        self.quote = quote

    def price(self, asset: str, quote: str | None = None) -> Decimal:
        quote = quote or self.quote
        if asset.upper() == quote.upper():
            return ONE
        return self._market.ticker(f"{asset}{quote}").price

    def value(self, asset: str, amount: Decimal) -> Decimal:
        return (amount * self.price(asset)).quantize(Decimal("0.01"))

    def mid(self, symbol: str) -> Decimal:
        book = self._market.order_book(symbol, limit=5)
        if book.mid is None:
            base, quote = split_symbol(symbol)
            return self.price(base, quote)
        return book.mid
