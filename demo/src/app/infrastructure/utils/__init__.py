"""Shared infrastructure helpers."""
