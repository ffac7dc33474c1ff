"""Textual's command palette, which the card screen never opens, kept out of its start.

textual.app and textual.theme import textual.command as they are imported, and it
imports the palette's widgets (Input, OptionList, Button, Static, LoadingIndicator)
and textual.types, which imports more (DirectoryTree, Select, Placeholder): sixteen
modules, about 4 % of the instructions of the card screen's start (to the first key's
echo) and 1 MiB of its memory. `deferred()` imports Textual's app with a stand-in for
textual.command holding the names those two modules take from it:

- the palette, its simple provider and the hits stand for Textual's own: making one
  makes Textual's (textual.command imported then);
- the providers' base class (textual.theme's theme provider derives from it) becomes
  Textual's own the moment Textual's palette is first made through the stand-in;
- any other name is Textual's, imported when asked for.

The card screen's app turns the palette off (ENABLE_COMMAND_PALETTE) and binds none
of Textual's keys, so none of that happens while it runs. The stand-in is in
sys.modules only while the block runs: whatever imports textual.command afterwards
gets Textual's module. Only Textual's public names of textual.command are used here.
"""

from __future__ import annotations

import importlib
import sys
from abc import ABC
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from types import ModuleType
from typing import Any

from tui.stand_in import standing_in

NAME = "textual.command"


def textual_module() -> ModuleType:
    """Textual's own textual.command, imported now if it is not yet; the classes
    derived from the stand-in's provider derive from Textual's from then on."""
    module = sys.modules.get(NAME)
    if module is None or module is STAND_IN:
        sys.modules.pop(NAME, None)
        module = importlib.import_module(NAME)
    for sub in Provider.__subclasses__():
        sub.__bases__ = tuple(module.Provider if b is Provider else b for b in sub.__bases__)
    return module


class Provider(ABC):  # noqa: B024  (Textual's abstract methods come with its class)
    """Stands for textual.command.Provider as a base class until Textual's palette is
    first made (`textual_module`)."""


class _Made:
    """Making one makes Textual's class of the same name."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return getattr(textual_module(), cls.__name__)(*args, **kwargs)


class CommandPalette(_Made):
    @staticmethod
    def is_open(app: Any) -> bool:
        return bool(textual_module().CommandPalette.is_open(app))


class SimpleProvider(_Made):
    pass


class Hit(_Made):
    pass


class DiscoveryHit(_Made):
    pass


def _any_other(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(textual_module(), name)


STAND_IN = ModuleType(NAME, "Stands for textual.command while Textual's app is imported "
                      "(tui.palette_deferred).")
STAND_IN.__dict__.update(
    Provider=Provider, CommandPalette=CommandPalette, SimpleProvider=SimpleProvider,
    Hit=Hit, DiscoveryHit=DiscoveryHit, Hits=AsyncIterator[Any], CommandListItem=Any,
    __getattr__=_any_other)


def deferred() -> AbstractContextManager[None]:
    """Textual's app imported inside the block comes without the palette's modules;
    nothing changes when Textual's app or palette is imported already."""
    return standing_in(NAME, STAND_IN)
