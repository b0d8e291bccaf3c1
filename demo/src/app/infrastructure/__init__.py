"""Adapters to the outside world: the exchange, caches, the task scheduler."""
