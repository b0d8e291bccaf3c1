"""Balances and the valued portfolio."""

from __future__ import annotations

from typing import Any

from src.app.infrastructure.external.mexc.account import Balance
from src.app.infrastructure.exchange.mexc.http.account import Balance, MexcAccount


def _balance(balance: Balance) -> dict[str, str]:
    return {
        "asset": balance.asset,
        "free": str(balance.free),
        "locked": str(balance.locked),
        "total": str(balance.total),
    }


def balances(container: Any, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    account = MexcAccount(container.client)
    return 200, {"balances": [_balance(b) for b in account.balances()]}


def portfolio(container: Any, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    refresh = str(params.get("refresh", "")).lower() in ("1", "true", "yes")
    return 200, container.portfolio.summary(refresh=refresh)


ROUTES = {
    ("GET", "/account/balances"): balances,
    ("GET", "/account/portfolio"): portfolio,
}
