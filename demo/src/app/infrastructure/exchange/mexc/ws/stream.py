"""Market stream dispatch. Moved to `src.app.infrastructure.external.mexc.ws`; names are looked up there on first use."""

import importlib

_MOVED = {
    "MarketStream": "src.app.infrastructure.external.mexc.ws.stream",
    "StreamMessage": "src.app.infrastructure.external.mexc.ws.parser",
}

__all__ = ["MarketStream", "StreamMessage"]


def __getattr__(name):
    try:
        target = _MOVED[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(importlib.import_module(target), name)


def __dir__():
    return sorted(set(globals()) | set(_MOVED))
