"""The application object and its routes, on the sandbox exchange."""

from __future__ import annotations


def test_main_exposes_an_app_with_routes():
    from main import app

    assert ("GET", "/health") in app.routes
    assert ("POST", "/orders") in app.routes
    assert app.get("/nope").status == 404


def test_health_reports_the_exchange(demo_app):
    response = demo_app.get("/health")
    assert response.status == 200
    assert response.body["status"] == "ok"
    assert response.body["config"]["api_secret"] == "***"


def test_ticker_route_normalizes_the_symbol_and_caches(demo_app, transport):
    first = demo_app.get("/market/ticker", symbol="eth/usdt")
    second = demo_app.get("/market/ticker", symbol="ETHUSDT")
    assert first.body == second.body == {"symbol": "ETHUSDT", "price": "3120.25"}
    assert sum(r.path == "/api/v3/ticker/price" for r in transport.sent) == 1


def test_place_list_and_cancel_an_order(demo_app):
    placed = demo_app.post("/orders", symbol="BTCUSDT", side="buy", quantity="0.01", price="60000")
    assert placed.status == 201 and placed.body["status"] == "NEW"
    open_ids = [o["order_id"] for o in demo_app.get("/orders/open").body["orders"]]
    assert open_ids == [placed.body["order_id"]]
    cancelled = demo_app.delete("/orders", symbol="BTCUSDT", order_id=placed.body["order_id"])
    assert cancelled.body["status"] == "CANCELED"
    assert demo_app.get("/orders/open").body["orders"] == []


def test_orders_outside_the_rules_are_rejected(demo_app):
    too_big = demo_app.post("/orders", symbol="BTCUSDT", side="BUY", quantity="1", price="60000")
    not_enabled = demo_app.post("/orders", symbol="MXUSDT", side="BUY", quantity="1", price="2")
    missing = demo_app.post("/orders", symbol="BTCUSDT", side="BUY")
    assert (too_big.status, not_enabled.status, missing.status) == (422, 422, 400)


def test_portfolio_values_holdings_in_usdt(demo_app):
    body = demo_app.get("/account/portfolio").body
    assert body["quote"] == "USDT"
    assert body["total"] == "32303.12"
    assert [h["asset"] for h in body["holdings"]] == ["BTC", "ETH", "USDT"]


def test_funding_and_preview_routes(demo_app):
    funding = demo_app.get("/market/funding", symbol="btc_usdt")
    assert funding.body["annualized_pct"] == "10.95"
    preview = demo_app.post("/orders/preview", symbol="BTCUSDT", side="BUY", quantity="1", timestamp=1)
    signed = preview.body["params"]
    assert signed["timestamp"] == 1 and len(signed["signature"]) == 64
