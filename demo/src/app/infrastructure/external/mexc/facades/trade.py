"""Placing and cancelling spot orders."""

from __future__ import annotations

from decimal import Decimal

from src.app.infrastructure.external.mexc.endpoints.account import (
    CANCEL_ORDER,
    NEW_ORDER,
    order_params,
)
from src.app.infrastructure.external.mexc.facades._base import BaseFacade
from src.app.infrastructure.external.mexc.models import Order, to_decimal
from src.app.infrastructure.external.mexc.symbols import normalize_symbol


class TradeFacade(BaseFacade):
    def place_order(
        self,
        symbol: str,
        side: str,
        quantity: Decimal | str,
        price: Decimal | str | None = None,
        client_order_id: str | None = None,
    ) -> Order:
        params = order_params(
            symbol,
            side,
            to_decimal(quantity),
            to_decimal(price) if price is not None else None,
            client_order_id=client_order_id,
        )
        return Order.from_payload(self._call(NEW_ORDER, **params))

    def cancel_order(self, symbol: str, order_id: str) -> Order:
        return Order.from_payload(
            self._call(CANCEL_ORDER, symbol=normalize_symbol(symbol), orderId=order_id)
        )
