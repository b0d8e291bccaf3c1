"""Use cases: market data, pricing, portfolio, trading, streaming, funding."""
