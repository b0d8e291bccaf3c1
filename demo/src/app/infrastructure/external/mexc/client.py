"""The MEXC REST client: builds, signs and sends requests, and turns error answers into errors."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from src.app.infrastructure.external.mexc.config import MexcConfig
from src.app.infrastructure.external.mexc.endpoints.base import Endpoint
from src.app.infrastructure.external.mexc.errors import MexcAPIError, MexcAuthError
from src.app.infrastructure.external.mexc.rate_limit import RateLimiter
from src.app.infrastructure.external.mexc.signing import signed_params, timestamp_ms
from src.app.infrastructure.external.mexc.transport import Request, Transport

API_KEY_HEADER = "X-MEXC-APIKEY"
_OK_CODES = (None, 0, 200)


class MexcClient:
    def __init__(
        self,
        config: MexcConfig,
        transport: Transport,
        *,
        clock: Callable[[], float] = time.time,
        limiter: RateLimiter | None = None,
    ) -> None:
        self._config = config
        self._transport = transport
        self._clock = clock
        self._limiter = limiter

    @property
    def config(self) -> MexcConfig:
        return self._config

    def call(self, endpoint: Endpoint, **params: Any) -> Any:
        """Send `endpoint` with `params`; signed endpoints are signed first."""
        return self.execute(endpoint.request(**params), signed=endpoint.signed, weight=endpoint.weight)

    def execute(self, request: Request, *, signed: bool = False, weight: int = 1) -> Any:
        if self._limiter is not None:
            self._limiter.acquire(weight)
        if signed:
            request = self.sign(request)
        response = self._transport.send(request)
        payload = response.payload
        code = payload.get("code") if isinstance(payload, dict) else None
        if not response.ok or code not in _OK_CODES:
            message = payload.get("msg", "") if isinstance(payload, dict) else str(payload)
            raise MexcAPIError(response.status, code, message)
        return payload

    def sign(self, request: Request) -> Request:
        if not self._config.has_credentials:
            raise MexcAuthError(f"{request.method} {request.path} needs an API key and secret")
        params = signed_params(
            request.params,
            self._config.api_secret,
            timestamp=timestamp_ms(self._clock),
            recv_window=self._config.recv_window,
        )
        return request.with_params(params).with_headers(**{API_KEY_HEADER: self._config.api_key})

    def __repr__(self) -> str:
        return f"MexcClient(base_url={self._config.base_url!r})"
