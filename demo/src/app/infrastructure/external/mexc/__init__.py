"""The MEXC exchange client: REST, websocket, and the facades the services use.

The names below are the supported public API of this package.
"""

from src.app.infrastructure.external.mexc.account import Balance, MexcAccount
from src.app.infrastructure.external.mexc.client import MexcClient
from src.app.infrastructure.external.mexc.config import MexcConfig
from src.app.infrastructure.external.mexc.errors import MexcAPIError, MexcError
from src.app.infrastructure.external.mexc.facades import AccountFacade, MarketFacade, TradeFacade
from src.app.infrastructure.external.mexc.sandbox import sandbox_transport
from src.app.infrastructure.external.mexc.transport import InMemoryTransport

__all__ = [
    "AccountFacade",
    "Balance",
    "InMemoryTransport",
    "MarketFacade",
    "MexcAPIError",
    "MexcAccount",
    "MexcClient",
    "MexcConfig",
    "MexcError",
    "TradeFacade",
    "sandbox_transport",
]
