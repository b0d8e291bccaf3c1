"""A websocket connection over a pluggable socket, and an in-memory loopback socket."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol


class Socket(Protocol):
    def send(self, text: str) -> None: ...

    def recv(self) -> str | None: ...

    def close(self) -> None: ...


class LoopbackSocket:
    """Records what is sent; `push` queues what the next `recv` calls return."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self._inbox: deque[str] = deque()
        self.closed = False

    def send(self, text: str) -> None:
        if self.closed:
            raise ConnectionError("socket is closed")
        self.sent.append(text)

    def push(self, message: str | dict[str, Any]) -> None:
        self._inbox.append(message if isinstance(message, str) else json.dumps(message))

    def recv(self) -> str | None:
        return self._inbox.popleft() if self._inbox else None

    def close(self) -> None:
        self.closed = True


class WebSocketConnection:
    def __init__(self, url: str, socket_factory: Callable[[str], Socket]) -> None:
        self.url = url
        self._factory = socket_factory
        self._socket: Socket | None = None

    @property
    def is_open(self) -> bool:
        return self._socket is not None

    @property
    def socket(self) -> Socket:
        if self._socket is None:
            raise ConnectionError(f"not connected to {self.url}")
        return self._socket

    def open(self) -> None:
        if self._socket is None:
            self._socket = self._factory(self.url)

    def send_json(self, payload: dict[str, Any]) -> None:
        self.socket.send(json.dumps(payload, separators=(",", ":"), sort_keys=True))

    def receive(self) -> str | None:
        return self.socket.recv()

    def drain(self) -> list[str]:
        messages = []
        while (message := self.receive()) is not None:
            messages.append(message)
        return messages

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
