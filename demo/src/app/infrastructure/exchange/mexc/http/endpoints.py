"""Spot REST endpoints."""

from src.app.infrastructure.external.mexc.endpoints.spot import *  # noqa: F403
