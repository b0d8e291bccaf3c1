"""Trading pair names."""

from src.app.infrastructure.external.mexc.symbols import normalize_symbol, split_symbol

__all__ = ["normalize_symbol", "split_symbol"]
