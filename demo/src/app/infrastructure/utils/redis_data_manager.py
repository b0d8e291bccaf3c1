"""Market data kept in redis: latest tickers and the recent trades seen on the stream."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

from src.app.infrastructure.external.mexc.models import Ticker
from src.app.infrastructure.utils.redis_helpers import app_key, get_json, set_json
from src.app.infrastructure.utils.redis_helpers_core import InMemoryRedis

RECENT_TRADES = 100


class RedisDataManager:
    def __init__(self, client: InMemoryRedis) -> None:
        self._client = client

    @property
    def client(self) -> InMemoryRedis:
        return self._client

    def store_ticker(self, ticker: Ticker, ttl: float | None = None) -> None:
        payload = {"symbol": ticker.symbol, "price": ticker.price}
        set_json(self._client, app_key("ticker", ticker.symbol), payload, ttl)

    def latest_ticker(self, symbol: str) -> Ticker | None:
        payload = get_json(self._client, app_key("ticker", symbol))
        return None if payload is None else Ticker.from_payload(payload)

    def record_trade(
        self, symbol: str, price: Decimal, quantity: Decimal, ts: int | None = None
    ) -> int:
        trade = {"price": str(price), "quantity": str(quantity), "ts": ts or int(time.time() * 1000)}
        key = app_key("trades", symbol)
        count = self._client.lpush(key, json.dumps(trade, sort_keys=True))
        self._client.ltrim(key, 0, RECENT_TRADES - 1)
        self._client.set(app_key("last_price", symbol), str(price))
        return min(count, RECENT_TRADES)

    def recent_trades(self, symbol: str, limit: int = 10) -> list[dict[str, Any]]:
        rows = self._client.lrange(app_key("trades", symbol), 0, limit - 1)
        return [json.loads(row) for row in rows]

    def last_price(self, symbol: str) -> Decimal | None:
        raw = self._client.get(app_key("last_price", symbol))
        return None if raw is None else Decimal(raw)
