"""A module's stand-in in sys.modules while Textual's app is imported (tui.palette_deferred,
tui.downloads_deferred): modules the card screen's start need not import."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType


@contextmanager
def standing_in(name: str, stand_in: ModuleType) -> Iterator[None]:
    """`stand_in` is module `name` inside the block, and only there; nothing changes
    when the module or Textual's app is imported already."""
    if name in sys.modules or "textual.app" in sys.modules:
        yield
        return
    sys.modules[name] = stand_in
    try:
        yield
    finally:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
