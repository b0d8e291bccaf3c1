"""Base class for adapters."""

from src.app.infrastructure.external.mexc.facades._base import BaseFacade

__all__ = ["BaseFacade"]
