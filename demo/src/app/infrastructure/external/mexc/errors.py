"""Errors raised by the MEXC client."""

from __future__ import annotations


class MexcError(Exception):
    """Base class for everything the MEXC client raises."""


class MexcAPIError(MexcError):
    """The exchange answered with an error status or an error code."""

    def __init__(self, status: int, code: int | None, message: str) -> None:
        super().__init__(f"MEXC API error {code} (HTTP {status}): {message}")
        self.status = status
        self.code = code
        self.message = message


class MexcAuthError(MexcError):
    """A signed endpoint was called without an API key and secret."""


class RateLimitExceeded(MexcError):
    """The local rate limiter refused a request before it was sent."""
