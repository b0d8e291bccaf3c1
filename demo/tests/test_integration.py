"""End-to-end flows across services. Marked `integration`; they run against the sandbox."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from src.app.infrastructure.exchange.mexc.ws import deals_channel


@pytest.mark.integration
def test_open_orders_are_reconciled_by_the_scheduler(demo_app):
    container = demo_app.container
    placed = demo_app.post("/orders", symbol="ETHUSDT", side="SELL", quantity="0.5", price="3200")
    assert len(container.tasks.pending()) == 1
    container.tasks.enqueue("tickers.refresh", {"symbols": ["BTCUSDT", "ETHUSDT"]})
    results = container.run_due_tasks(now=container.tasks.pending()[-1].eta)
    assert sorted(map(str, results)) == ["2", "STALE"]
    assert container.trading.open_orders() == []
    assert container.market_data.ticker("BTCUSDT").price == Decimal("64250.50")
    assert placed.body["order_id"] == "C02__000001"


@pytest.mark.integration
def test_stream_trades_reach_redis(demo_app):
    streaming = demo_app.container.streaming
    channels = streaming.start(("BTCUSDT",))
    assert channels == [deals_channel("BTCUSDT")]
    socket = streaming.connection.socket
    assert json.loads(socket.sent[0]) == {"method": "SUBSCRIPTION", "params": channels}
    assert streaming.keepalive() is True and json.loads(socket.sent[-1]) == {"method": "PING"}
    socket.push({"id": 0, "code": 0, "msg": "PONG"})
    socket.push(
        {
            "c": channels[0],
            "s": "BTCUSDT",
            "t": 1700000000123,
            "d": {"deals": [{"S": 1, "p": "64300.10", "v": "0.002", "t": 1700000000120}]},
        }
    )
    assert streaming.pump() == 1
    data = demo_app.container.market_data.data
    assert data.last_price("BTCUSDT") == Decimal("64300.10")
    trade = {"price": "64300.10", "quantity": "0.002", "ts": 1700000000120}
    assert data.recent_trades("BTCUSDT") == [trade]
