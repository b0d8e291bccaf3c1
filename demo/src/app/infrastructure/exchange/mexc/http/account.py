"""Account balances."""

from ....external.mexc.account import Balance, MexcAccount, parse_balances

__all__ = ["Balance", "MexcAccount", "parse_balances"]
