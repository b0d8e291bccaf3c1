"""Request signing. Deprecated: use `src.app.infrastructure.external.mexc.signing`."""

import warnings

from src.app.infrastructure.external.mexc.signing import sign_params, signed_params, timestamp_ms

__all__ = ["sign_params", "signed_params", "timestamp_ms"]

warnings.warn(
    "src.app.infrastructure.exchange.mexc.http.signing is deprecated; "
    "import from src.app.infrastructure.external.mexc.signing instead",
    DeprecationWarning,
    stacklevel=2,
)
