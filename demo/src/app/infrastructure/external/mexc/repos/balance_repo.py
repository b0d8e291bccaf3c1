"""The last known balances of the account."""

from __future__ import annotations

from src.app.infrastructure.external.mexc.account import ZERO, Balance
from src.app.infrastructure.external.mexc.facades.account import AccountFacade


class BalanceRepository:
    def __init__(self, account: AccountFacade) -> None:
        self._account = account
        self._balances: dict[str, Balance] = {}

    def refresh(self) -> dict[str, Balance]:
        self._balances = {b.asset: b for b in self._account.balances()}
        return dict(self._balances)

    def get(self, asset: str) -> Balance:
        if not self._balances:
            self.refresh()
        return self._balances.get(asset.upper(), Balance(asset.upper(), ZERO, ZERO))

    def non_zero(self) -> list[Balance]:
        if not self._balances:
            self.refresh()
        return [b for b in self._balances.values() if b.total > 0]
