"""The terminal client. Importing it starts keeping compiled regular expressions
between runs (tui/re_cache.py) until the program has started: `re_cache.finish()` at
the card screen's first frame (tui.app) and at the end of a command (tui.cli.main)."""

from tui import re_cache

re_cache.install()
