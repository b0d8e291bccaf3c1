"""Account adapter (now the MEXC account facade)."""

from src.app.infrastructure.external.mexc.facades.account import AccountFacade as AccountAdapter

__all__ = ["AccountAdapter"]
