"""unshim's application: configuration, command line, verification, report, git and pull requests."""
