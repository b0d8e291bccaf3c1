"""Code written against the adapters, http and ws modules keeps working."""

from __future__ import annotations

from decimal import Decimal

import pytest

import src.app.infrastructure.exchange.mexc.http.endpoints as spot_endpoints
from src.app.infrastructure.exchange.mexc.adapters import MarketAdapter
from src.app.infrastructure.exchange.mexc.adapters.account_adapter import AccountAdapter as Accounts
from src.app.infrastructure.exchange.mexc.http import MexcHttpClient
from src.app.infrastructure.exchange.mexc.ws.stream import MarketStream, StreamMessage
from src.app.infrastructure.external.mexc.transport import InMemoryTransport


def test_market_adapter_reads_prices(client):
    market = MarketAdapter(client)
    assert market.ticker("btc/usdt").price == Decimal("64250.50")
    assert market.order_book("ETHUSDT", limit=5).spread > 0


def test_http_client_talks_to_the_sandbox(transport: InMemoryTransport):
    from src.app.infrastructure.exchange.mexc._shared.config import MexcSettings

    client = MexcHttpClient(MexcSettings(api_key="test-key", api_secret="test-secret"), transport)
    assert MarketAdapter(client).ping() is True
    assert transport.last().path == "/api/v3/ping"


def test_account_adapter_lists_non_empty_balances(client):
    balances = {b.asset: b.total for b in Accounts(client).balances()}
    assert balances == {"BTC": Decimal("0.25"), "ETH": Decimal("2.0"), "USDT": Decimal("10000")}


def test_spot_request_builders():
    request = spot_endpoints.build_ticker_request("btc/usdt")
    assert (request.method, request.path) == ("GET", "/api/v3/ticker/price")
    assert request.params == {"symbol": "BTCUSDT"}
    with pytest.raises(ValueError):
        spot_endpoints.build_depth_request("BTCUSDT", limit=7)


def test_stream_dispatches_by_channel():
    stream = MarketStream()
    seen: list[StreamMessage] = []
    stream.subscribe("spot@public.deals.v3.api@BTCUSDT", seen.append)
    frame = {"c": "spot@public.deals.v3.api@BTCUSDT", "s": "BTCUSDT", "d": {"deals": []}, "t": 1}
    assert stream.feed(frame) == 1
    assert stream.feed({"c": "spot@public.deals.v3.api@ETHUSDT", "d": {}}) == 0
    assert [m.symbol for m in seen] == ["BTCUSDT"] and stream.dropped == 1


def test_cancelling_an_unknown_order_is_an_api_error(client):
    from src.app.infrastructure.exchange.mexc.adapters.trade_adapter import TradeAdapter
    from src.app.infrastructure.exchange.mexc.http.errors import MexcAPIError

    with pytest.raises(MexcAPIError) as info:
        TradeAdapter(client).cancel_order("BTCUSDT", "C02__999999")
    assert info.value.code == -2011
