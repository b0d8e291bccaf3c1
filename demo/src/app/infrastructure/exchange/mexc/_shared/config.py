"""Connection settings."""

from src.app.infrastructure.external.mexc.config import MexcConfig

MexcSettings = MexcConfig

__all__ = ["MexcConfig", "MexcSettings"]
