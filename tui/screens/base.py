"""Screen bases that keep the terminal quiet and follow the language switch.

Textual repaints the whole screen whenever focus moves (Screen.focused is a reactive
with repaint=True): about 2,500 bytes per field move at 80x24. Here focus changes
repaint nothing by themselves (tui.textual_private.quiet_focus); the two widgets
concerned repaint their own cells.
"""

from __future__ import annotations

from typing import Any, TypeVar

from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

from models.i18n import T
from tui.textual_private import quiet_focus

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
    focused: Reactive[Widget | None] = quiet_focus()

    def __init__(self, lang: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.lang = lang


class QuietModal(LangMixin, ModalScreen[R]):
    focused: Reactive[Widget | None] = quiet_focus()

    def __init__(self, lang: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.lang = lang
