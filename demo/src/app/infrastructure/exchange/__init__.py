"""Exchange integrations."""
