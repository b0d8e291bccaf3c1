"""Supabase (Postgres) integration."""
