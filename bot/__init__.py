"""unshim's application: configuration, command line, verification, report, git, pull requests."""
