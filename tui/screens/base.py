"""Screen bases that keep the terminal quiet and follow the language switch.

Textual repaints the whole screen whenever focus moves (Screen.focused is a reactive
with repaint=True): about 2,500 bytes per field move at 80x24. Here focus changes
repaint nothing by themselves (tui.textual_private.quiet_focus); the two widgets
concerned repaint their own cells.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from textual import events
from textual.await_complete import AwaitComplete
from textual.message_pump import MessagePump
from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

from models.i18n import T
from models.search_thread import SearchThread
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

    def dismiss(self, result: R | None = None) -> AwaitComplete:
        """Close the window with `result`, when it is the one on top. Keys that came in
        one read (typed ahead, pasted into a terminal without bracketed paste) all reach
        the window before the first has closed it: a second answer would close the
        screen under it, or end the program when there is none left."""
        if not self.is_active:
            return AwaitComplete()
        return super().dismiss(result)


def read_in_thread(searches: SearchThread, screen: MessagePump, group: str,
                   work: Callable[[], Any], then: Callable[[Any, BaseException | None], None],
                   ) -> None:
    """`work()` in the session's search thread (its one connection, newer job of the same
    group replacing one not started); `then(result, error)` on `screen`'s own thread.
    Never blocks either side: the answer is posted, and dropped when the screen or the
    app is gone."""
    def done(result: Any, error: BaseException | None) -> None:
        try:
            screen.post_message(events.Callback(callback=partial(then, result, error)))
        except RuntimeError:  # the app's event loop is closed: nobody waits for it
            pass

    searches.submit(group, work, done)
