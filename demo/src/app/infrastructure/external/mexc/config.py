"""Connection settings for the MEXC spot and contract APIs."""

from __future__ import annotations

from dataclasses import dataclass

SPOT_BASE_URL = "https://api.mexc.com"
CONTRACT_BASE_URL = "https://contract.mexc.com"
WS_URL = "wss://wbs.mexc.com/ws"


@dataclass(frozen=True)
class MexcConfig:
    api_key: str = ""
    api_secret: str = ""
    base_url: str = SPOT_BASE_URL
    contract_url: str = CONTRACT_BASE_URL
    ws_url: str = WS_URL
    recv_window: int = 5000

    @property
    def has_credentials(self) -> bool:
        return bool(self.api_key and self.api_secret)

    def redacted(self) -> dict[str, object]:
        """The settings with the secret masked, for logs and health output."""
        key = self.api_key[:4] + "..." if self.api_key else ""
        return {
            "api_key": key,
            "api_secret": "***" if self.api_secret else "",
            "base_url": self.base_url,
            "ws_url": self.ws_url,
            "recv_window": self.recv_window,
        }
