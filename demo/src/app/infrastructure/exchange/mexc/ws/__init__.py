"""Websocket side of the MEXC integration."""

from .channels import channel_for, deals_channel, kline_channel
from .parser import StreamMessage, parse_message

__all__ = ["StreamMessage", "channel_for", "deals_channel", "kline_channel", "parse_message"]
