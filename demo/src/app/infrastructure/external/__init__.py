"""Clients for third-party services."""
