"""Errors raised by the MEXC client."""

from ....external.mexc.errors import MexcAPIError, MexcAuthError, MexcError

__all__ = ["MexcAPIError", "MexcAuthError", "MexcError"]
