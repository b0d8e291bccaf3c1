"""The production client in src/app/infrastructure/external/mexc."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from src.app.infrastructure.external.mexc import MexcAPIError, MexcClient, MexcConfig
from src.app.infrastructure.external.mexc.endpoints.account import ACCOUNT_INFO
from src.app.infrastructure.external.mexc.errors import MexcAuthError, RateLimitExceeded
from src.app.infrastructure.external.mexc.facades import MarketFacade
from src.app.infrastructure.external.mexc.rate_limit import RateLimiter
from src.app.infrastructure.external.mexc.signing import query_string, sign_params
from src.app.infrastructure.external.mexc.symbols import normalize_symbol, split_symbol


def test_signature_is_hmac_sha256_of_the_query_string():
    params = {"symbol": "BTCUSDT", "side": "BUY", "quantity": "0.5", "timestamp": 1700000000000}
    expected = hmac.new(
        b"secret",
        b"symbol=BTCUSDT&side=BUY&quantity=0.5&timestamp=1700000000000",
        hashlib.sha256,
    ).hexdigest()
    assert query_string(params) == "symbol=BTCUSDT&side=BUY&quantity=0.5&timestamp=1700000000000"
    assert sign_params(params, "secret") == expected


def test_signed_call_carries_api_key_timestamp_and_signature(client, transport):
    payload = client.call(ACCOUNT_INFO)
    sent = transport.last()
    assert payload["canTrade"] is True
    assert sent.headers["X-MEXC-APIKEY"] == "test-key"
    assert sent.params["timestamp"] == 1_700_000_000_000
    assert len(sent.params["signature"]) == 64


def test_wrong_secret_is_rejected_by_the_exchange(transport):
    client = MexcClient(MexcConfig(api_key="test-key", api_secret="wrong"), transport)
    with pytest.raises(MexcAPIError) as info:
        client.call(ACCOUNT_INFO)
    assert info.value.code == 700002


def test_signed_call_without_credentials_is_not_sent(transport):
    client = MexcClient(MexcConfig(), transport)
    with pytest.raises(MexcAuthError):
        client.call(ACCOUNT_INFO)
    assert transport.sent == []


def test_unknown_symbol_raises_api_error(client):
    with pytest.raises(MexcAPIError) as info:
        MarketFacade(client).ticker("DOGEUSDT")
    assert info.value.code == 30014


def test_rate_limiter_refills_over_time():
    now = [0.0]
    limiter = RateLimiter(rate=2, clock=lambda: now[0])
    limiter.acquire(2)
    with pytest.raises(RateLimitExceeded):
        limiter.acquire(1)
    now[0] = 0.5
    assert limiter.try_acquire(1)


def test_symbols_are_normalized_and_split():
    assert normalize_symbol(" btc/usdt ") == "BTCUSDT"
    assert split_symbol("eth-btc") == ("ETH", "BTC")
    with pytest.raises(ValueError):
        split_symbol("USDT")
