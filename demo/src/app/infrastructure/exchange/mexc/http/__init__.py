"""HTTP side of the MEXC integration."""

from .client import MexcHttpClient
from .errors import MexcAPIError, MexcError

__all__ = ["MexcAPIError", "MexcError", "MexcHttpClient"]
