"""Fixtures: a sandbox exchange, a client on it, and an app wired to the same sandbox."""

from __future__ import annotations

import pytest

from main import App, create_app
from src.app.config import Settings, load_settings
from src.app.infrastructure.external.mexc.client import MexcClient
from src.app.infrastructure.external.mexc.config import MexcConfig
from src.app.infrastructure.external.mexc.sandbox import sandbox_transport
from src.app.infrastructure.external.mexc.transport import InMemoryTransport

API_KEY = "test-key"
SECRET = "test-secret"
NOW = 1_700_000_000.0


@pytest.fixture
def settings() -> Settings:
    return load_settings({"MEXC_API_KEY": API_KEY, "MEXC_API_SECRET": SECRET})


@pytest.fixture
def transport() -> InMemoryTransport:
    return sandbox_transport(secret=SECRET)


@pytest.fixture
def client(transport: InMemoryTransport) -> MexcClient:
    return MexcClient(MexcConfig(api_key=API_KEY, api_secret=SECRET), transport, clock=lambda: NOW)


@pytest.fixture
def demo_app(settings: Settings, transport: InMemoryTransport) -> App:
    return create_app(settings, transport)
