"""`python -m unshim.bot` is the same as the `unshim` command."""

from unshim.bot.cli import main

raise SystemExit(main())
