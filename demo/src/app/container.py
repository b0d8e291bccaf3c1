"""Wiring: one place that builds the client, the stores and the services."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import src.app.infrastructure.exchange.mexc.http.client as mexc_http
from src.app.config import Settings
from src.app.infrastructure.exchange.mexc.adapters.repos import OrderRepository
from src.app.infrastructure.exchange.mexc.ws.stream import MarketStream
from src.app.infrastructure.external.mexc.client import MexcClient
from src.app.infrastructure.external.mexc.facades import AccountFacade, MarketFacade
from src.app.infrastructure.external.mexc.sandbox import sandbox_transport
from src.app.infrastructure.external.mexc.transport import Transport
from src.app.infrastructure.scheduler.cloud_tasks import CloudTasksQueue
from src.app.infrastructure.supabase.utils.redis_cache import RedisCache
from src.app.infrastructure.utils.redis_data_manager import RedisDataManager
from src.app.infrastructure.utils.redis_helpers_core import InMemoryRedis
from src.app.services.funding import FundingFacade
from src.app.services.market_data import MarketDataService
from src.app.services.portfolio import PortfolioService
from src.app.services.pricing import PriceBook
from src.app.services.streaming import StreamingService
from src.app.services.trading_service import RECONCILE_TASK, TradingService

REFRESH_TASK = "tickers.refresh"


@dataclass
class Container:
    settings: Settings
    client: MexcClient
    redis: InMemoryRedis
    tasks: CloudTasksQueue
    market_data: MarketDataService
    pricing: PriceBook
    portfolio: PortfolioService
    trading: TradingService
    streaming: StreamingService
    funding: FundingFacade

    def task_handlers(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        return {
            RECONCILE_TASK: self.trading.reconcile,
            REFRESH_TASK: lambda payload: len(self.market_data.refresh(payload["symbols"])),
        }

    def run_due_tasks(self, now: float | None = None) -> list[Any]:
        return [result for _, result in self.tasks.run_due(self.task_handlers(), now)]


def build_container(
    settings: Settings,
    transport: Transport | None = None,
    clock: Callable[[], float] = time.time,
) -> Container:
    if transport is None:
        if settings.environment != "sandbox":
            raise ValueError(f"no transport configured for environment {settings.environment!r}")
        transport = sandbox_transport(secret=settings.mexc.api_secret)
    client = mexc_http.MexcHttpClient(settings.mexc, transport, clock=clock)
    redis = InMemoryRedis()
    data = RedisDataManager(redis)
    tasks = CloudTasksQueue("mexc-trader", clock=clock)
    pricing = PriceBook(client, quote=settings.quote_asset)
    trading = TradingService.from_client(
        client,
        OrderRepository(),
        tasks,
        settings.symbols,
        Decimal(settings.max_order_notional),
    )
    return Container(
        settings=settings,
        client=client,
        redis=redis,
        tasks=tasks,
        market_data=MarketDataService(MarketFacade(client), data, ttl=settings.ticker_ttl),
        pricing=pricing,
        portfolio=PortfolioService(AccountFacade(client), pricing, RedisCache(redis)),
        trading=trading,
        streaming=StreamingService(settings.mexc.ws_url, MarketStream(), data),
        funding=FundingFacade(client),
    )
