"""Order routes."""

from __future__ import annotations

from typing import Any

from src.app.infrastructure.exchange.mexc.http.errors import MexcAPIError
from src.app.infrastructure.external.mexc.models import Order
from src.app.services.trading_service import OrderRejected, preview_signature


def _order(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "symbol": order.symbol,
        "side": order.side,
        "type": order.type,
        "quantity": str(order.quantity),
        "price": None if order.price is None else str(order.price),
        "status": order.status,
    }


def place(container: Any, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    try:
        order = container.trading.place(
            params["symbol"], params["side"], params["quantity"], params.get("price")
        )
    except OrderRejected as exc:
        return 422, {"error": str(exc)}
    except MexcAPIError as exc:
        return 502, {"error": exc.message, "code": exc.code}
    return 201, _order(order)


def cancel(container: Any, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    try:
        order = container.trading.cancel(params["symbol"], params["order_id"])
    except MexcAPIError as exc:
        return 404 if exc.code == -2011 else 502, {"error": exc.message, "code": exc.code}
    return 200, _order(order)


def open_orders(container: Any, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 200, {"orders": [_order(o) for o in container.trading.open_orders()]}


def preview(container: Any, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Dry run: the signed parameters of an order, without sending it."""
    unsigned = {k: params[k] for k in ("symbol", "side", "type", "quantity", "price") if k in params}
    signed = preview_signature(unsigned, container.settings.mexc.api_secret, int(params["timestamp"]))
    return 200, {"params": signed}


ROUTES = {
    ("POST", "/orders"): place,
    ("DELETE", "/orders"): cancel,
    ("GET", "/orders/open"): open_orders,
    ("POST", "/orders/preview"): preview,
}
