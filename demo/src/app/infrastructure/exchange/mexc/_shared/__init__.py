"""Pieces shared by the HTTP and websocket sides."""
