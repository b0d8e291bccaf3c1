"""Market and order data as the rest of the application sees it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


def to_decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class Ticker:
    symbol: str
    price: Decimal

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Ticker:
        return cls(symbol=str(payload["symbol"]), price=to_decimal(payload["price"]))


@dataclass(frozen=True)
class PriceLevel:
    price: Decimal
    quantity: Decimal


@dataclass(frozen=True)
class OrderBook:
    symbol: str
    bids: tuple[PriceLevel, ...]
    asks: tuple[PriceLevel, ...]

    @classmethod
    def from_payload(cls, symbol: str, payload: Mapping[str, Any]) -> OrderBook:
        def levels(rows: Sequence[Sequence[Any]]) -> tuple[PriceLevel, ...]:
            return tuple(PriceLevel(to_decimal(p), to_decimal(q)) for p, q in rows)

        return cls(symbol, levels(payload.get("bids", ())), levels(payload.get("asks", ())))

    @property
    def best_bid(self) -> Decimal | None:
        return self.bids[0].price if self.bids else None

    @property
    def best_ask(self) -> Decimal | None:
        return self.asks[0].price if self.asks else None

    @property
    def mid(self) -> Decimal | None:
        if self.best_bid is None or self.best_ask is None:
            return None
        return (self.best_bid + self.best_ask) / 2

    @property
    def spread(self) -> Decimal | None:
        if self.best_bid is None or self.best_ask is None:
            return None
        return self.best_ask - self.best_bid


@dataclass(frozen=True)
class Kline:
    open_time: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Kline:
        return cls(int(row[0]), *(to_decimal(v) for v in row[1:6]))


@dataclass(frozen=True)
class Order:
    order_id: str
    symbol: str
    side: str
    type: str
    quantity: Decimal
    price: Decimal | None
    status: str

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Order:
        price = payload.get("price")
        return cls(
            order_id=str(payload["orderId"]),
            symbol=str(payload["symbol"]),
            side=str(payload["side"]),
            type=str(payload["type"]),
            quantity=to_decimal(payload["origQty"]),
            price=to_decimal(price) if price not in (None, "") else None,
            status=str(payload.get("status", "NEW")),
        )

    @property
    def is_open(self) -> bool:
        return self.status in ("NEW", "PARTIALLY_FILLED")

    @property
    def notional(self) -> Decimal | None:
        return None if self.price is None else self.price * self.quantity
