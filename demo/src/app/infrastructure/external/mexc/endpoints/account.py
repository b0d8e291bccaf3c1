"""Signed account and order endpoints."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from src.app.infrastructure.external.mexc.endpoints.base import Endpoint
from src.app.infrastructure.external.mexc.symbols import normalize_symbol

ACCOUNT_INFO = Endpoint("GET", "/api/v3/account", signed=True, weight=10)
NEW_ORDER = Endpoint("POST", "/api/v3/order", signed=True)
CANCEL_ORDER = Endpoint("DELETE", "/api/v3/order", signed=True)
OPEN_ORDERS = Endpoint("GET", "/api/v3/openOrders", signed=True, weight=3)

ORDER_SIDES = ("BUY", "SELL")
ORDER_TYPES = ("LIMIT", "MARKET")


def order_params(
    symbol: str,
    side: str,
    quantity: Decimal,
    price: Decimal | None = None,
    order_type: str | None = None,
    client_order_id: str | None = None,
) -> dict[str, Any]:
    """The parameters of a new-order request, checked before anything is signed."""
    side = side.upper()
    if side not in ORDER_SIDES:
        raise ValueError(f"side must be BUY or SELL, got {side!r}")
    order_type = (order_type or ("LIMIT" if price is not None else "MARKET")).upper()
    if order_type not in ORDER_TYPES:
        raise ValueError(f"unsupported order type {order_type!r}")
    if order_type == "LIMIT" and price is None:
        raise ValueError("a LIMIT order needs a price")
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    return {
        "symbol": normalize_symbol(symbol),
        "side": side,
        "type": order_type,
        "quantity": quantity,
        "price": price if order_type == "LIMIT" else None,
        "newClientOrderId": client_order_id,
    }
