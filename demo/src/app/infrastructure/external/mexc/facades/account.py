"""Balances and open orders of the configured account."""

from __future__ import annotations

from src.app.infrastructure.external.mexc.account import Balance, MexcAccount
from src.app.infrastructure.external.mexc.client import MexcClient
from src.app.infrastructure.external.mexc.endpoints.account import OPEN_ORDERS
from src.app.infrastructure.external.mexc.facades._base import BaseFacade
from src.app.infrastructure.external.mexc.models import Order
from src.app.infrastructure.external.mexc.symbols import normalize_symbol


class AccountFacade(BaseFacade):
    def __init__(self, client: MexcClient) -> None:
        super().__init__(client)
        self._account = MexcAccount(client)

    def balances(self) -> list[Balance]:
        return self._account.balances()

    def balance(self, asset: str) -> Balance:
        return self._account.balance(asset)

    def can_trade(self) -> bool:
        return self._account.can_trade()

    def open_orders(self, symbol: str | None = None) -> list[Order]:
        rows = self._call(OPEN_ORDERS, symbol=normalize_symbol(symbol) if symbol else None)
        return [Order.from_payload(row) for row in rows]
