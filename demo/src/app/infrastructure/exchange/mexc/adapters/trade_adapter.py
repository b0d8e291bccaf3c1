"""Order placement adapter (now the MEXC trade facade)."""

from src.app.infrastructure.external.mexc.facades.trade import TradeFacade

TradeAdapter = TradeFacade

__all__ = ["TradeAdapter", "TradeFacade"]
