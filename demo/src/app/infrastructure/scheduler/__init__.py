"""Deferred and periodic work."""
