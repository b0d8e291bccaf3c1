"""Plumbing shared by the facades. Import `BaseFacade` from the `facades` package."""

from __future__ import annotations

from typing import Any

from src.app.infrastructure.external.mexc.client import MexcClient
from src.app.infrastructure.external.mexc.endpoints.base import Endpoint


class BaseFacade:
    """A thin, task-oriented view over one `MexcClient`."""

    def __init__(self, client: MexcClient) -> None:
        self._client = client

    @property
    def client(self) -> MexcClient:
        return self._client

    def _call(self, endpoint: Endpoint, **params: Any) -> Any:
        return self._client.call(endpoint, **params)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._client!r})"
