"""Contract (futures) market endpoints. Contract pairs are written `BTC_USDT`."""

from __future__ import annotations

from src.app.infrastructure.external.mexc.endpoints.base import Endpoint
from src.app.infrastructure.external.mexc.symbols import split_symbol

CONTRACT_TICKER = Endpoint("GET", "/api/v1/contract/ticker")
FUNDING_RATE = Endpoint("GET", "/api/v1/contract/funding_rate")
SETTLEMENTS_PER_DAY = 3


def contract_symbol(symbol: str) -> str:
    base, quote = split_symbol(symbol)
    return f"{base}_{quote}"


def spot_symbol(contract: str) -> str:
    return contract.replace("_", "").upper()
