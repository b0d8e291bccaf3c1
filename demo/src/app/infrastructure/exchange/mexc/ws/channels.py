"""Websocket channel names."""

from src.app.infrastructure.external.mexc.ws.channels import channel_for, channel_kind, deals_channel, kline_channel

__all__ = ["channel_for", "channel_kind", "deals_channel", "kline_channel"]
