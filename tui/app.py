"""The Textual application: wires the screens, the keys and the configuration. Nothing
else lives here; screens talk to it by messages (tui.screens.texts.ScreenRequest)."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.filter import NoColor

from models import drafts
from models.config import Config
from models.tables import User
from tui.keys import KeyMap
from tui.screens import texts as tx
from tui.screens.card import CardScreen
from tui.screens.messages import ConfirmScreen, NoticeScreen
from tui.session import Session
from tui.theme import MONO, THEMES, theme_name, use

# Screens other parts of the program provide: command -> (module, class). The app
# opens them with the session (and the card shown, if any) when they are installed.
PROVIDED = {
    "journal": ("tui.screens.correction_journal", "CorrectionJournalScreen"),
    "correct": ("tui.screens.history", "CardHistoryScreen"),  # a candidate's card (F6)
    "history": ("tui.screens.history", "CardHistoryScreen"),
}


class ApcardApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "apcard"
    BINDINGS: list[Any] = []  # Textual's own (Ctrl+C, palette) replaced by the key map
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, session: Session) -> None:
        super().__init__(ansi_color=True)
        self.session = session
        # Read before the card screen is built: a draft comes back in the language it
        # was typed in, and the question about it is asked in that language too.
        self._draft = drafts.load_draft(session.user)
        if self._draft is not None and self._draft.get("lang"):
            session.lang = self._draft["lang"]
        for theme in THEMES.values():
            self.register_theme(theme)
        name = theme_name(session.cfg)
        use(name)
        self.theme = name
        if name == MONO:
            # Our monochrome theme has no colours to remove; Textual's NO_COLOR filter
            # would only add "39;49" (default colours) to every styled piece written.
            self._filters = [f for f in self._filters if not isinstance(f, NoColor)]
        self.animation_level = "none"  # no smooth scrolling: it would cost bytes
        for cid in ("language", "quit"):
            self._bindings.bind(session.keymap.binding_keys(cid), f"command('{cid}')",
                                show=False, priority=True)  # also above modal windows

    def get_default_screen(self) -> CardScreen:
        # The card is the first screen itself: no blank screen is laid out and drawn
        # before it (startup time).
        return CardScreen(self.session)

    def on_mount(self) -> None:
        draft, self._draft = self._draft, None
        if draft is not None:
            self.push_screen(ConfirmScreen(self.session.lang, tx.RESUME, tx.RESUME_DETAIL,
                                           default_yes=True),
                             lambda yes: self._resume(draft if yes else None))

    def _resume(self, draft: dict[str, Any] | None) -> None:
        if draft is None:
            drafts.discard_draft(self.session.user)
            return
        card = self.screen_stack[0]
        if isinstance(card, CardScreen):
            card.resume(draft)

    # -- commands the app owns ---------------------------------------------------------
    def action_command(self, cid: str) -> None:
        if cid == "language":
            self.switch_language()
        elif cid == "quit":
            self.quit_saving()

    def on_screen_request(self, message: tx.ScreenRequest) -> None:
        message.stop()
        if message.command in PROVIDED:
            self._open_provided(message.command, message.card_id)
        else:
            self.action_command(message.command)

    def _open_provided(self, command: str, card_id: int | None) -> None:
        module, name = PROVIDED[command]
        try:
            screen_cls = getattr(__import__(module, fromlist=[name]), name)
        except (ImportError, AttributeError):
            self.push_screen(NoticeScreen(self.session.lang, tx.NOT_AVAILABLE))
            return
        self.push_screen(screen_cls(self.session, card_id))

    def switch_language(self) -> None:
        lang = "ru" if self.session.lang == "kk" else "kk"
        self.session.lang = lang
        for screen in self.screen_stack:
            set_language = getattr(screen, "set_language", None)
            if set_language is not None:
                set_language(lang)

    def quit_saving(self) -> None:
        for screen in self.screen_stack:
            flush = getattr(screen, "flush_draft", None)
            if flush is not None:
                flush()
        self.exit(0)


def run_app(cfg: Config, user: User) -> int:
    """Run the card screen for `user` until they quit; the exit code."""
    from tui.output import CellDriver

    app = ApcardApp(Session(cfg, user, KeyMap(cfg.keys), cfg.language))
    app.driver_class = CellDriver  # sends the terminal only the cells that changed
    app.run(mouse=False)
    return int(app.return_code or 0)
