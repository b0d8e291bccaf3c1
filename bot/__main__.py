"""`python -m bot` is the same as the `unshim` command."""

from bot.cli import main

raise SystemExit(main())
