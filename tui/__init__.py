"""The terminal client. Importing it starts keeping compiled regular expressions
(tui/re_cache.py) and the code the standard library compiles from text (dataclasses'
methods, named tuples, forward references: tui/code_cache.py) between runs until the
program has started: `finish()` at the card screen's first frame (tui.app) and at the
end of a command (tui.cli.main)."""

from tui import code_cache, re_cache

re_cache.install()
code_cache.install()
