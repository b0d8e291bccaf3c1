"""One REST endpoint: method, path, whether it must be signed, and its request weight."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from src.app.infrastructure.external.mexc.transport import Request


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    signed: bool = False
    weight: int = 1

    def request(self, **params: Any) -> Request:
        return Request(self.method, self.path, {k: v for k, v in params.items() if v is not None})
