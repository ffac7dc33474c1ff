"""The card entry screen: the legacy "New card" window, made better.

Opens on a new card with the cursor in line 8 (§34-1: identification first). Enter /
Tab move on, a full code or date moves on by itself; F2 saves (errors refuse with the
list, warnings ask), F3/F4 open directories, F11 starts the next card keeping the
pinned fields. Every change is kept as a draft of the user's card, so a killed
terminal loses nothing. Read-only mode shows a registered card (from the card list).

A composition: the card's state is a plain object (card_state.CardState), each concern
a small part taking this screen as its host (card_host): keys, drafts, the duplicate
check, saving, corrections, directories, new cards, the view. Commands: tui.keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen

from models.card_schema import FIELDS
from models.tables import Card
from tui import textual_private
from tui.keys import APP, CARD, COMMAND_BY_ID, FOOTER_IDS, EscapePrefix, bindings
from tui.screens import texts as tx
from tui.screens.base import QuietScreen, read_in_thread
from tui.screens.card_correct import Corrector
from tui.screens.card_directory import DirectoryOpener
from tui.screens.card_drafts import DRAFT_DELAY, DraftKeeper
from tui.screens.card_goto import LinePrompt
from tui.screens.card_keys import CardKeys
from tui.screens.card_matching import DuplicateFinder
from tui.screens.card_new import NewCards
from tui.screens.card_save import Saver
from tui.screens.card_state import CardState
from tui.screens.card_view import CardView
from tui.session import Session
from tui.widgets.field import FieldBox
from tui.widgets.form import CardForm
from tui.widgets.line import BarLine, KeyBar, TextLine

__all__ = ["DRAFT_DELAY", "CardScreen"]


class CardScreen(QuietScreen):
    AUTO_FOCUS = ""  # every key comes to the screen itself (see CardKeys)
    BINDINGS = bindings(CARD)

    def __init__(self, session: Session, card: Card | None = None) -> None:
        super().__init__(session.lang)
        self.session = session
        self.card = card
        self.readonly = card is not None
        self.state = CardState()
        self.kind = None
        self.ready = False
        self.greeting = True  # the ready text stays until the operator starts
        self.message: tuple[str, bool] | None = None
        self.last_key = 0.0
        self.escape = EscapePrefix(session.keymap, session.cfg.escape_ms / 1000)
        self.prompt = LinePrompt()
        self.drafts = DraftKeeper(self)
        self.finder = DuplicateFinder(self)
        self.saver = Saver(self, self.finder, lambda: self.cards.defaults.get("journal_no"))
        self.corrector = Corrector(self)
        self.directories = DirectoryOpener(self)
        self.cards = NewCards(self)
        self.keys = CardKeys(self)
        self.view = CardView(self)
        if card is not None:
            self.cards.load_registered(card)
        else:
            self.cards.start()
        self._form = CardForm(self.lang, self.state.edits, self.readonly)
        self.state.on_set = self._text_set

    # -- building ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield BarLine(id="title")
        yield self._form
        yield TextLine(id="status")
        yield KeyBar(self._footer(), id="keys")

    def on_mount(self) -> None:
        self.view.mounted = True
        self.apply_form()
        self.keys.subject_before = self.state.text("subject")
        self.focus_field(self.state.focus, None)
        self.ready = True
        self.show_status()

    def on_key(self, event: events.Key) -> None:
        self.keys.key(event)
        textual_private.paint_now(self)  # the key's answer leaves now

    def on_paste(self, event: events.Paste) -> None:
        self.keys.paste(event)

    @property
    def form(self) -> CardForm:
        """The form on screen (a language switch replaces it)."""
        return self._form

    @property
    def active_box(self) -> FieldBox:
        return self.form.boxes[self.state.focus]

    def apply_form(self, keep_layout: bool = False) -> None:
        self.view.apply_form(keep_layout)

    def _footer(self) -> list[tuple[str, str]]:
        km = self.session.keymap
        return [(km.number(c), self.tr(COMMAND_BY_ID[c].short)) for c in FOOTER_IDS]

    def relabel(self) -> None:
        """Language switch: the form is rebuilt over the same state, focus stays put; a
        message said in the other language gives way to the field's own line."""
        self.message = None
        self.rebuild_form(self.readonly)
        self.query_one("#keys", KeyBar).set_items(self._footer())

    def rebuild_form(self, readonly: bool) -> None:
        """A new form over the same state. Keys typed while it comes up go into the
        state's fields (and may move on): the focus is where they left it."""
        keep_cursor = readonly == self.readonly  # a language switch, not a correction
        self.readonly = readonly
        old, self._form = self._form, CardForm(self.lang, self.state.edits, readonly)
        self.mount(self._form, before=old)
        old.remove()

        def rebuilt() -> None:
            self.apply_form(keep_layout=True)
            self.focus_field(self.state.focus, self.state.cursor if keep_cursor else None)

        self.call_after_refresh(rebuilt)

    def show_card(self, card: Card) -> None:
        self.card = card
        self.cards.load_registered(card)
        self.rebuild_form(readonly=True)

    def new_card(self) -> None:
        self.cards.next_card()

    def on_screen_resume(self) -> None:
        self.cards.reload_if_changed()

    def resume(self, draft: dict[str, Any]) -> None:
        """The draft the operator chose to resume, exactly as it was left."""
        self.cards.resume(draft)
        self.keys.subject_before = self.state.text("subject")

    # -- the host's small services (tui.screens.card_host.CardHost) --------------------
    def open(self, screen: Screen[Any], then: Callable[[Any], None] | None = None) -> None:
        self.app.push_screen(screen, then)

    def is_current(self) -> bool:
        return self.app.screen is self

    def idle_for(self) -> float:
        return time.monotonic() - self.last_key

    def run_in_thread(self, group: str, work: Callable[[], Any],
                      then: Callable[[Any, BaseException | None], None]) -> None:
        read_in_thread(self.session.searches, self, group, work, then)

    def say(self, message: str, error: bool = False) -> None:
        self.message = (message, error)
        self.show_status()

    @property
    def correcting(self) -> bool:
        return self.corrector.active

    @property
    def just_shown(self) -> bool:
        """A registered card only looked at: closing it loses nothing."""
        return self.readonly and not self.corrector.active

    def typed(self) -> None:
        self.greeting = False
        self.drafts.changed()

    def check_duplicates(self) -> None:
        self.finder.check()

    def forget_draft(self) -> None:
        self.drafts.drop()

    def keep_pins(self) -> None:
        self.drafts.save_pins()

    def move_on(self, name: str) -> None:
        self.keys.leave(name, 1)

    def field_left(self, name: str, target: str) -> None:
        self.cards.left(name)
        self.cards.entering(target)

    def lone_escape(self) -> None:
        """Esc: back to the card list from a registered card; while correcting, drop
        the edits (asked first); on a new card nothing (it only ends a prefix)."""
        if self.corrector.active:
            self.corrector.cancel()
        elif self.readonly:
            self.app.pop_screen()

    def _text_set(self, name: str) -> None:
        """A field's text was put in by the program (a pick, a default): repaint it."""
        self.form.boxes[name].refresh()

    # -- moving and showing (tui.screens.card_view) ----------------------------------
    def order(self) -> list[str]:
        return self.view.order()

    def focus_field(self, name: str, cursor: int | None = None) -> None:
        self.view.focus_field(name, cursor)

    def moved(self) -> None:
        if self.ready:
            self.drafts.soon()  # the draft remembers where the operator is, too

    def recheck(self, status: bool = True) -> None:
        self.view.recheck(status)

    def show_status(self) -> None:
        self.view.show_status()

    # -- commands (tui.keys.COMMANDS: "action" names these methods) -------------------
    def run_command(self, cid: str) -> None:
        cmd = COMMAND_BY_ID[cid]
        self.call_next(self.app.run_action, cmd.run, self.app if cmd.where == APP else self)

    def action_open_screen(self, cid: str) -> None:
        if cid == "history" and self.card is None:  # a card not saved has none yet
            self.say(self.tr(tx.NO_HISTORY_YET))
            return
        card_id = self.card.id if self.card else None
        open_window = getattr(self.app, "open_window", None)
        if open_window is not None:  # the apcard app: at once, before keys typed ahead
            open_window(cid, card_id)
        else:
            self.post_message(tx.OpenScreen(cid, card_id))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.open(HelpScreen(self.lang, self.session.keymap))

    def action_menu(self) -> None:
        from tui.screens.menu import MenuScreen, menu_commands

        commands = menu_commands(editable=not self.readonly or self.corrector.active)
        self.open(MenuScreen(self.lang, self.session.keymap, commands),
                  lambda cid: self.run_command(cid) if cid else None)

    def action_persist(self) -> None:
        if not self.readonly:
            self.cards.toggle_pin(self.state.focus)

    def action_errors(self) -> None:
        from tui.screens.messages import SAVE, IssuesScreen

        self.state.check()
        issues = self.state.issues if self.state.show_all else self.state.shown()

        def chosen(name: str | None) -> None:
            if name == SAVE:  # the save key on the list: save as from the card
                self.action_save()
            elif name in FIELDS:
                self.focus_field(name)

        self.open(IssuesScreen(self.lang, issues, can_save=not self.just_shown), chosen)

    def action_directory(self, full: bool = False) -> None:
        self.directories.open(self.state.focus, full)

    def action_new_card(self) -> None:
        if not self.readonly:
            self.cards.ask_next_card()

    def action_duplicates(self) -> None:
        self.finder.check(always=True)

    def action_goto(self) -> None:
        self.prompt.open()
        self.show_status()

    def action_correct(self) -> None:
        """F8 on a registered card: an administrator corrects it; on a new card there
        is nothing registered yet: say where to find one."""
        if self.card is None:
            self.say(self.tr(tx.CORRECT_WHERE))
        else:
            self.corrector.start()

    def action_save(self) -> None:
        if self.corrector.active:
            self.state.show_all = True
            self.recheck()
            self.corrector.save()
        elif not self.readonly:
            self.saver.save()

    def flush_draft(self) -> None:
        """Write a pending draft now (the app is closing)."""
        self.drafts.flush()
