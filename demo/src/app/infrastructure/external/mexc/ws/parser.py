"""Decoding push messages from the MEXC spot websocket."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StreamMessage:
    channel: str
    symbol: str
    data: Any
    timestamp: int | None = None


def decode(raw: str | bytes | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(raw, (str, bytes)):
        payload = json.loads(raw)
    else:
        payload = dict(raw)
    if not isinstance(payload, dict):
        raise ValueError("a stream message must be a JSON object")
    return payload


def parse_message(raw: str | bytes | Mapping[str, Any]) -> StreamMessage | None:
    """A data message, or None for control frames (subscription acks, PONG)."""
    payload = decode(raw)
    channel = payload.get("c")
    if not isinstance(channel, str):
        return None
    symbol = payload.get("s") or channel.split("@")[2]
    timestamp = payload.get("t")
    return StreamMessage(channel, str(symbol), payload.get("d"), int(timestamp) if timestamp else None)
