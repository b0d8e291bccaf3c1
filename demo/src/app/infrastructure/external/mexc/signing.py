"""HMAC-SHA256 request signing, as the MEXC v3 API expects it."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode


def timestamp_ms(clock: Callable[[], float] = time.time) -> int:
    return int(clock() * 1000)


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def query_string(params: Mapping[str, Any]) -> str:
    """The exact string that is signed: parameters in the order given, `None` dropped."""
    return urlencode([(key, _format(value)) for key, value in params.items() if value is not None])


def sign_params(params: Mapping[str, Any], secret: str) -> str:
    message = query_string(params).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_params(
    params: Mapping[str, Any], secret: str, *, timestamp: int, recv_window: int = 5000
) -> dict[str, Any]:
    """`params` plus `recvWindow`, `timestamp` and the `signature` over all of them."""
    out = {key: value for key, value in params.items() if value is not None}
    out["recvWindow"] = recv_window
    out["timestamp"] = timestamp
    out["signature"] = sign_params(out, secret)
    return out


def verify_signature(params: Mapping[str, Any], secret: str) -> bool:
    """True when `params["signature"]` matches the other parameters."""
    given = params.get("signature")
    if not isinstance(given, str):
        return False
    unsigned = {key: value for key, value in params.items() if key != "signature"}
    return hmac.compare_digest(given, sign_params(unsigned, secret))
