"""Placing orders with the checks the exchange does not do for us."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from src.app.infrastructure.exchange.mexc.adapters import TradeAdapter
from src.app.infrastructure.external.mexc.client import MexcClient
from src.app.infrastructure.external.mexc.models import Order, to_decimal
from src.app.infrastructure.external.mexc.repos.order_repo import OrderRepository
from src.app.infrastructure.external.mexc.symbols import normalize_symbol
from src.app.infrastructure.scheduler.cloud_tasks import CloudTasksQueue

RECONCILE_TASK = "orders.reconcile"
RECONCILE_DELAY = 30.0


class OrderRejected(ValueError):
    """The order breaks a local rule and was not sent."""


class TradingService:
    def __init__(
        self,
        trade: TradeAdapter,
        orders: OrderRepository,
        tasks: CloudTasksQueue,
        allowed_symbols: tuple[str, ...],
        max_notional: Decimal,
    ) -> None:
        self._trade = trade
        self._orders = orders
        self._tasks = tasks
        self._allowed = {normalize_symbol(s) for s in allowed_symbols}
        self._max_notional = max_notional

    @classmethod
    def from_client(
        cls,
        client: MexcClient,
        orders: OrderRepository,
        tasks: CloudTasksQueue,
        allowed_symbols: tuple[str, ...],
        max_notional: Decimal,
    ) -> TradingService:
        return cls(TradeAdapter(client), orders, tasks, allowed_symbols, max_notional)

    def place(self, symbol: str, side: str, quantity: Any, price: Any = None) -> Order:
        symbol = normalize_symbol(symbol)
        if symbol not in self._allowed:
            raise OrderRejected(f"{symbol} is not enabled for trading")
        quantity = to_decimal(quantity)
        price = to_decimal(price) if price is not None else None
        if price is not None and price * quantity > self._max_notional:
            raise OrderRejected(f"order value {price * quantity} exceeds {self._max_notional}")
        order = self._orders.add(self._trade.place_order(symbol, side, quantity, price))
        if order.is_open:
            payload = {"symbol": order.symbol, "order_id": order.order_id}
            self._tasks.enqueue(RECONCILE_TASK, payload, delay=RECONCILE_DELAY)
        return order

    def cancel(self, symbol: str, order_id: str) -> Order:
        return self._orders.add(self._trade.cancel_order(symbol, order_id))

    def open_orders(self) -> list[Order]:
        return self._orders.open_orders()

    def reconcile(self, payload: dict[str, Any]) -> str:
        """Task handler: mark a still-open order as stale so the desk can review it."""
        order = self._orders.get(payload["order_id"])
        if order.is_open:
            order = self._orders.mark(order.order_id, "STALE")
        return order.status


def preview_signature(params: dict[str, Any], secret: str, timestamp: int) -> dict[str, Any]:
    """The parameters a signed request would carry, for the dry-run endpoint."""
    from src.app.infrastructure.exchange.mexc.http.signing import signed_params

    return signed_params(params, secret, timestamp=timestamp)
