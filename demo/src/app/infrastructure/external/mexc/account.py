"""Account balances."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from src.app.infrastructure.external.mexc.client import MexcClient
from src.app.infrastructure.external.mexc.endpoints.account import ACCOUNT_INFO
from src.app.infrastructure.external.mexc.models import to_decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class Balance:
    asset: str
    free: Decimal
    locked: Decimal

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


def parse_balances(payload: Mapping[str, Any], include_empty: bool = False) -> list[Balance]:
    balances = [
        Balance(str(row["asset"]), to_decimal(row["free"]), to_decimal(row["locked"]))
        for row in payload.get("balances", ())
    ]
    if not include_empty:
        balances = [b for b in balances if b.total > 0]
    return sorted(balances, key=lambda b: b.asset)


class MexcAccount:
    def __init__(self, client: MexcClient) -> None:
        self._client = client

    def info(self) -> dict[str, Any]:
        payload: dict[str, Any] = self._client.call(ACCOUNT_INFO)
        return payload

    def balances(self, include_empty: bool = False) -> list[Balance]:
        return parse_balances(self.info(), include_empty=include_empty)

    def balance(self, asset: str) -> Balance:
        for balance in self.balances(include_empty=True):
            if balance.asset == asset.upper():
                return balance
        return Balance(asset.upper(), ZERO, ZERO)

    def can_trade(self) -> bool:
        return bool(self.info().get("canTrade", False))
