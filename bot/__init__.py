"""unshim's application: configuration, CLI, verification, report, git and pull requests."""
