"""unshim's application: configuration, CLI, verification, report, git and pull requests."""

VERSION = "0.1.0"
