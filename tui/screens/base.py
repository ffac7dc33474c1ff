"""Screen bases that keep the terminal quiet.

Textual repaints the whole screen whenever focus moves (Screen.focused is a reactive
with repaint=True): about 2,500 bytes per field move at 80x24. Here focus changes
repaint nothing by themselves; the two widgets concerned repaint their own cells.
"""

from __future__ import annotations

from typing import Any, TypeVar

from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

from models.i18n import T

R = TypeVar("R")


class LangMixin:
    """Screens that show text follow the language switch (F9)."""

    lang: str = "ru"

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.relabel()

    def relabel(self) -> None:
        """Rewrite every text in the current language."""

    def tr(self, text: T) -> str:
        return text(self.lang)


class QuietScreen(LangMixin, Screen[Any]):
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, lang: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.lang = lang


class QuietModal(LangMixin, ModalScreen[R]):
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, lang: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.lang = lang


def is_database_error(exc: BaseException) -> bool:
    """A failure of the database (server gone, disk full, locked), not of the program:
    shown as a message, the work on screen kept."""
    import sqlite3

    import peewee

    return isinstance(exc, peewee.PeeweeException | sqlite3.Error) or type(
        exc).__module__.startswith("psycopg")
