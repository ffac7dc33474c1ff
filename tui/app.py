"""The Textual application: wires the screens, the keys and the configuration. Nothing
else lives here; screens talk to it by messages (tui.screens.texts.OpenScreen) and
never import it."""

from __future__ import annotations

import gc
from importlib import import_module
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen
from textual.theme import Theme

from models import drafts
from models.config import Config
from models.tables import User
from tui import code_cache, re_cache, textual_private
from tui.keys import APP, COMMAND_BY_ID, KeyMap, bindings
from tui.screens import texts as tx
from tui.screens.card import CardScreen
from tui.screens.messages import ConfirmScreen
from tui.session import Session
from tui.theme import MONO, THEMES, theme_name, use


def screen_class(command: str) -> type[Screen[Any]]:
    """The window of a command's `screen` ("module:Class"), imported when first asked
    for (start-up time). A name that does not import is a bug, not a missing feature:
    tests import every one."""
    module, _, name = COMMAND_BY_ID[command].screen.partition(":")
    return getattr(import_module(module), name)


def collector_on() -> None:
    """Start-up is over: the cyclic collector (off while starting, tui.cli.main) on
    again, with what start-up made out of its sight (gc.freeze): its first collection
    would otherwise walk every object start-up made, at the operator's first key. The
    little cyclic garbage of start-up (some 2,500 objects) is kept with it. The regular
    expressions and the code start-up compiled are kept for the next start
    (tui.re_cache, tui.code_cache)."""
    re_cache.finish()
    code_cache.finish()
    gc.freeze()
    gc.enable()


class ApcardApp(App[int], inherit_bindings=False):
    CSS_PATH = "app.tcss"
    TITLE = "apcard"
    # Only the commands of tui.keys: Textual's own (Ctrl+C, Ctrl+Q, palette) are not ours.
    BINDINGS = bindings(APP)
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, session: Session) -> None:
        self._themes_found: dict[str, Theme | None] = {}
        super().__init__(ansi_color=True)
        self.session = session
        self.run_lang = session.lang  # the run's language (--lang, config): a draft may differ
        self.set_keymap(session.keymap.changed_keymap())
        # Read before the card screen is built: a draft comes back in the language it
        # was typed in, and the question about it is asked in that language too.
        self._draft = drafts.load_draft(session.user)
        if self._draft is not None and self._draft.get("lang"):
            session.lang = self._draft["lang"]
        for theme in THEMES.values():
            self.register_theme(theme)
        name = theme_name(session.cfg)
        use(name)
        textual_private.theme_before_start(self, name)
        self.mono = name == MONO
        self.animation_level = "none"  # no smooth scrolling: it would cost bytes

    # Textual looks the current theme up again for every widget it paints (its colours
    # for ANSI), copying the table of every registered theme twice each time: the
    # lookup is kept until a theme is registered or removed.
    def get_theme(self, theme_name: str) -> Theme | None:
        found = self._themes_found
        if theme_name not in found:
            found[theme_name] = super().get_theme(theme_name)
        return found[theme_name]

    def register_theme(self, theme: Theme) -> None:
        self._themes_found.clear()
        super().register_theme(theme)

    def unregister_theme(self, theme_name: str) -> None:
        self._themes_found.clear()
        super().unregister_theme(theme_name)

    async def on_event(self, event: events.Event) -> None:
        if not await textual_private.key_to_screen(self, event):
            await super().on_event(event)

    def get_default_screen(self) -> CardScreen:
        # The card is the first screen itself: no blank screen is laid out and drawn
        # before it (startup time).
        return CardScreen(self.session)

    def on_mount(self) -> None:
        if not gc.isenabled():  # started by tui.cli.main: collecting from the first frame
            self.call_after_refresh(collector_on)
        draft, self._draft = self._draft, None
        if draft is not None:
            self.push_screen(ConfirmScreen(self.session.lang, tx.RESUME, tx.RESUME_DETAIL,
                                           default_yes=True),
                             lambda yes: self._resume(draft if yes else None))

    def _resume(self, draft: dict[str, Any] | None) -> None:
        if draft is None:
            drafts.discard_draft(self.session.user)
            if self.session.lang != self.run_lang:  # declined: back to the run's language
                self.action_language()
            return
        card = self.screen_stack[0]
        if isinstance(card, CardScreen):
            card.resume(draft)

    def on_unmount(self) -> None:
        self.session.searches.close()  # the session's search connection

    # -- commands the app owns (tui.keys.COMMANDS with where=APP) -----------------------
    def action_language(self) -> None:
        lang = "ru" if self.session.lang == "kk" else "kk"
        self.session.lang = lang
        for screen in self.screen_stack:
            set_language = getattr(screen, "set_language", None)
            if set_language is not None:
                set_language(lang)

    async def action_quit(self) -> None:
        """Ctrl+Q: every screen's pending draft written, then out."""
        for screen in self.screen_stack:
            flush = getattr(screen, "flush_draft", None)
            if flush is not None:
                flush()
        self.exit(0)

    def action_open_screen(self, command: str) -> None:
        if not self.refused(command):
            self.push_screen(screen_class(command)(self.session, None))

    def refused(self, command: str) -> bool:
        """Over a card, a window the user's role may not use is not opened (nothing to
        close with Esc): why goes to the card's status line. Over another window it
        opens and says so itself."""
        from models.permissions import ACTION_LABELS, Action, allowed

        needs = COMMAND_BY_ID[command].needs
        if not needs or not isinstance(self.screen, CardScreen) or \
                allowed(self.session.user, Action(needs)):
            return False
        what = ACTION_LABELS[Action(needs)](self.session.lang)
        self.screen.say(tx.NOT_YOURS(self.session.lang).format(what=what), error=True)
        self.bell()
        return True

    def on_open_screen(self, message: tx.OpenScreen) -> None:
        message.stop()
        self.open_window(message.command, message.card_id)

    def open_window(self, command: str, card_id: int | None) -> None:
        """A command's window, at once: keys typed ahead of it (F5, Tab, a surname in one
        burst over a slow link) reach the window, not the card under it."""
        if self.refused(command):
            return
        window = screen_class(command)
        if not self._back_to(window):
            self.push_screen(window(self.session, card_id))

    def _back_to(self, window: type) -> bool:
        """F5 on a card opened from the search window: back to that window, its fields
        and results as they were left, instead of a second one on top. Only read-only
        cards lie above it (a card being corrected is never closed this way)."""
        stack = self.screen_stack
        below = next((i for i in range(len(stack) - 1, 0, -1)
                      if isinstance(stack[i], window)), None)
        above = stack[below + 1:] if below is not None else []
        if below is None or not all(getattr(s, "just_shown", False) for s in above):
            return False
        for _ in above:
            self.pop_screen()
        return True


def run_app(cfg: Config, user: User) -> int:
    """Run the card screen for `user` until they quit; the exit code."""
    from tui.output import CellDriver

    textual_private.install()
    app = ApcardApp(Session(cfg, user, KeyMap(cfg.keys), cfg.language))
    textual_private.install_app(app, app.mono)
    app.driver_class = CellDriver  # sends the terminal only the cells that changed
    try:
        app.run(mouse=False)
    finally:
        app.session.searches.close()
    return int(app.return_code or 0)
