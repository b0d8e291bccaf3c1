"""Orders this process has placed, by id."""

from __future__ import annotations

from dataclasses import replace

from src.app.infrastructure.external.mexc.models import Order


class OrderRepository:
    def __init__(self) -> None:
        self._orders: dict[str, Order] = {}

    def add(self, order: Order) -> Order:
        self._orders[order.order_id] = order
        return order

    def get(self, order_id: str) -> Order:
        try:
            return self._orders[order_id]
        except KeyError:
            raise KeyError(f"unknown order {order_id!r}") from None

    def mark(self, order_id: str, status: str) -> Order:
        return self.add(replace(self.get(order_id), status=status))

    def by_symbol(self, symbol: str) -> list[Order]:
        return [o for o in self._orders.values() if o.symbol == symbol]

    def open_orders(self) -> list[Order]:
        return [o for o in self._orders.values() if o.is_open]

    def __len__(self) -> int:
        return len(self._orders)
