"""Application settings, read from the environment with sandbox defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from src.app.infrastructure.exchange.mexc._shared.config import MexcSettings

DEFAULT_SYMBOLS = ("BTCUSDT", "ETHUSDT")


@dataclass(frozen=True)
class Settings:
    mexc: MexcSettings = field(default_factory=MexcSettings)
    symbols: tuple[str, ...] = DEFAULT_SYMBOLS
    quote_asset: str = "USDT"
    ticker_ttl: float = 5.0
    max_order_notional: str = "5000"
    environment: str = "sandbox"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    mexc = MexcSettings(
        api_key=env.get("MEXC_API_KEY", "demo-key"),
        api_secret=env.get("MEXC_API_SECRET", "demo-secret"),
    )
    raw_symbols = env.get("APP_SYMBOLS", ",".join(DEFAULT_SYMBOLS))
    symbols = tuple(s.strip().upper() for s in raw_symbols.split(",") if s.strip())
    return Settings(
        mexc=mexc,
        symbols=symbols,
        quote_asset=env.get("APP_QUOTE_ASSET", "USDT").upper(),
        ticker_ttl=float(env.get("APP_TICKER_TTL", "5")),
        max_order_notional=env.get("APP_MAX_ORDER_NOTIONAL", "5000"),
        environment=env.get("APP_ENV", "sandbox"),
    )
