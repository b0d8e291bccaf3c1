"""A deterministic, in-memory MEXC for local runs and tests.

It answers the endpoints the client uses, checks signatures with the secret it is given,
and keeps placed orders in memory. Nothing leaves the process.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from src.app.infrastructure.external.mexc.client import API_KEY_HEADER
from src.app.infrastructure.external.mexc.endpoints.account import (
    ACCOUNT_INFO,
    CANCEL_ORDER,
    NEW_ORDER,
    OPEN_ORDERS,
)
from src.app.infrastructure.external.mexc.endpoints.futures import (
    CONTRACT_TICKER,
    FUNDING_RATE,
    spot_symbol,
)
from src.app.infrastructure.external.mexc.endpoints.spot import DEPTH, KLINES, PING, TICKER_PRICE
from src.app.infrastructure.external.mexc.signing import verify_signature
from src.app.infrastructure.external.mexc.transport import InMemoryTransport, Request, Response

PRICES = {"BTCUSDT": "64250.50", "ETHUSDT": "3120.25", "MXUSDT": "2.815"}
BALANCES = {"USDT": ("10000", "0"), "BTC": ("0.25", "0"), "ETH": ("1.5", "0.5"), "MX": ("0", "0")}
FUNDING_RATES = {"BTC_USDT": "0.000100", "ETH_USDT": "0.000075"}
KLINE_START_MS = 1_700_000_000_000

_INVALID_SYMBOL = {"code": 30014, "msg": "Invalid symbol."}


class _Sandbox:
    def __init__(
        self, secret: str, prices: Mapping[str, str], balances: Mapping[str, tuple[str, str]]
    ) -> None:
        self.secret = secret
        self.prices = {s: Decimal(p) for s, p in prices.items()}
        self.balances = {a: (Decimal(f), Decimal(lk)) for a, (f, lk) in balances.items()}
        self.orders: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)

    def _unauthorised(self, request: Request) -> Response | None:
        if not request.headers.get(API_KEY_HEADER):
            return Response(401, {"code": 700001, "msg": "API key required."})
        if not verify_signature(request.params, self.secret):
            return Response(401, {"code": 700002, "msg": "Signature for this request is not valid."})
        return None

    def ticker(self, request: Request) -> Any:
        symbol = request.params.get("symbol")
        if symbol is None:
            return [{"symbol": s, "price": str(p)} for s, p in sorted(self.prices.items())]
        if symbol not in self.prices:
            return Response(400, _INVALID_SYMBOL)
        return {"symbol": symbol, "price": str(self.prices[symbol])}

    def depth(self, request: Request) -> Any:
        symbol = request.params.get("symbol")
        if symbol not in self.prices:
            return Response(400, _INVALID_SYMBOL)
        price, limit = self.prices[symbol], int(request.params.get("limit", 20))
        tick = price.scaleb(-4).quantize(Decimal("0.01"))
        bids = [[str(price - tick * (i + 1)), str(Decimal(i + 1) / 10)] for i in range(limit)]
        asks = [[str(price + tick * (i + 1)), str(Decimal(i + 1) / 10)] for i in range(limit)]
        return {"lastUpdateId": 1, "bids": bids, "asks": asks}

    def klines(self, request: Request) -> Any:
        symbol = request.params.get("symbol")
        if symbol not in self.prices:
            return Response(400, _INVALID_SYMBOL)
        price, limit = self.prices[symbol], int(request.params.get("limit", 100))
        start = int(request.params.get("startTime", KLINE_START_MS))
        rows = []
        for i in range(limit):
            drift = (Decimal((i % 7) - 3) / 1000 * price).quantize(Decimal("0.01"))
            open_, close = price + drift, price + (drift / 2).quantize(Decimal("0.01"))
            high, low = max(open_, close) + 1, min(open_, close) - 1
            rows.append([start + i * 60_000, str(open_), str(high), str(low), str(close), "12.5"])
        return rows

    def account(self, request: Request) -> Any:
        denied = self._unauthorised(request)
        if denied:
            return denied
        rows = [
            {"asset": a, "free": str(f), "locked": str(lk)}
            for a, (f, lk) in sorted(self.balances.items())
        ]
        return {"canTrade": True, "accountType": "SPOT", "balances": rows}

    def new_order(self, request: Request) -> Any:
        denied = self._unauthorised(request)
        if denied:
            return denied
        params = request.params
        if params["symbol"] not in self.prices:
            return Response(400, _INVALID_SYMBOL)
        order_id = f"C02__{next(self._ids):06d}"
        market = params["type"] == "MARKET"
        order = {
            "orderId": order_id,
            "symbol": params["symbol"],
            "side": params["side"],
            "type": params["type"],
            "origQty": str(params["quantity"]),
            "price": str(params.get("price") or self.prices[params["symbol"]]),
            "status": "FILLED" if market else "NEW",
        }
        self.orders[order_id] = order
        return dict(order)

    def cancel_order(self, request: Request) -> Any:
        denied = self._unauthorised(request)
        if denied:
            return denied
        order = self.orders.get(str(request.params.get("orderId")))
        if order is None or order["status"] != "NEW":
            return Response(400, {"code": -2011, "msg": "Unknown order id."})
        order["status"] = "CANCELED"
        return dict(order)

    def open_orders(self, request: Request) -> Any:
        denied = self._unauthorised(request)
        if denied:
            return denied
        symbol = request.params.get("symbol")
        return [
            dict(o)
            for o in self.orders.values()
            if o["status"] == "NEW" and symbol in (None, o["symbol"])
        ]

    def contract_ticker(self, request: Request) -> Any:
        contract = str(request.params.get("symbol", ""))
        price = self.prices.get(spot_symbol(contract))
        if price is None:
            return Response(400, {"success": False, "code": 1001, "msg": "contract not found"})
        data = {"symbol": contract, "lastPrice": str(price), "fairPrice": str(price)}
        return {"success": True, "code": 0, "data": data}

    def funding_rate(self, request: Request) -> Any:
        contract = str(request.params.get("symbol", ""))
        if contract not in FUNDING_RATES:
            return Response(400, {"success": False, "code": 1001, "msg": "contract not found"})
        data = {"symbol": contract, "fundingRate": FUNDING_RATES[contract], "collectCycle": 8}
        return {"success": True, "code": 0, "data": data}


def sandbox_transport(
    secret: str,
    prices: Mapping[str, str] | None = None,
    balances: Mapping[str, tuple[str, str]] | None = None,
) -> InMemoryTransport:
    sandbox = _Sandbox(secret, prices or PRICES, balances or BALANCES)
    transport = InMemoryTransport()
    transport.route(PING.method, PING.path, {})
    transport.route(TICKER_PRICE.method, TICKER_PRICE.path, sandbox.ticker)
    transport.route(DEPTH.method, DEPTH.path, sandbox.depth)
    transport.route(KLINES.method, KLINES.path, sandbox.klines)
    transport.route(ACCOUNT_INFO.method, ACCOUNT_INFO.path, sandbox.account)
    transport.route(NEW_ORDER.method, NEW_ORDER.path, sandbox.new_order)
    transport.route(CANCEL_ORDER.method, CANCEL_ORDER.path, sandbox.cancel_order)
    transport.route(OPEN_ORDERS.method, OPEN_ORDERS.path, sandbox.open_orders)
    transport.route(CONTRACT_TICKER.method, CONTRACT_TICKER.path, sandbox.contract_ticker)
    transport.route(FUNDING_RATE.method, FUNDING_RATE.path, sandbox.funding_rate)
    return transport
