"""Helpers for the Supabase integration."""
