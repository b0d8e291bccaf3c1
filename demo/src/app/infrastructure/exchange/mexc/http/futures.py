"""Contract REST endpoints."""

from src.app.infrastructure.external.mexc.endpoints.futures import *  # noqa: F403

__all__ = ["CONTRACT_TICKER", "FUNDING_RATE", "contract_symbol"]
