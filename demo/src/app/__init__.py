"""mexc-trader: a small trading backend for the MEXC exchange."""
