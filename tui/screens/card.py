"""The card entry screen: the legacy "New card" window, made better.

Opens on a new card with the cursor in line 8 (§34-1: identification first). Enter /
Tab move on, a full code or date moves on by itself; F2 saves (errors refuse with the
list, warnings ask), F3/F4 open directories, F11 starts the next card keeping the
pinned fields. Every change is kept as a draft of the user's card, so a killed
terminal loses nothing. Read-only mode shows a registered card (from the card list).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from textual import events

from models import choices, drafts
from models.card_schema import CARD_TITLE, FIELDS, LINES, Subject
from models.cards import CardRefused, next_journal_no, register_card
from models.codebook import Entry
from models.db import one_line
from models.i18n import T
from models.tables import Card
from models.validation import errors, warnings
from tui.keys import COMMAND_BY_ID, FOOTER_IDS
from tui.screens import texts as tx
from tui.screens.base import QuietScreen, is_database_error
from tui.screens.card_correct import CorrectionMode
from tui.screens.card_matching import IDENT, DuplicateCheck
from tui.screens.card_state import CardState, raw_of
from tui.screens.directory import DirectoryScreen
from tui.screens.help import HelpScreen
from tui.screens.menu import MenuScreen
from tui.screens.messages import (
    SAVE,
    ConfirmScreen,
    IssuesScreen,
    NoticeScreen,
    issue_line,
)
from tui.session import Session
from tui.widgets.field import FieldBox
from tui.widgets.form import CardForm
from tui.widgets.layout import field_order
from tui.widgets.line import BarLine, KeyBar, TextLine

DRAFT_DELAY = 0.3  # seconds of quiet before the draft is written
CARD_COMMANDS = ("help", "save", "directory", "directory_full", "find", "duplicates",
                 "journal", "correct", "history", "menu", "new_card", "errors", "persist")
MENU = ["save", "new_card", "errors", "directory", "directory_full", "persist", "find",
        "duplicates", "journal", "correct", "history", "language", "help", "quit"]


class CardScreen(CorrectionMode, DuplicateCheck, QuietScreen):
    AUTO_FOCUS = ""  # keys come to the screen itself (see on_key)

    def __init__(self, session: Session, card: Card | None = None) -> None:
        super().__init__(session.lang)
        self.session = session
        self.card = card
        self.readonly = card is not None
        self.defaults: dict[str, str] = {}
        if card is not None:
            self.state = CardState({n: raw_of(f, getattr(card, n)) for n, f in FIELDS.items()})
            self.state.pinned = set()
        else:
            self.defaults = self._new_card_defaults()
            self.state = CardState(self.defaults)
        self.focus_name = "subject"
        self.focus_cursor: int | None = None
        self.kind: Subject | None = None
        self.dirty = False
        self.escape_armed = False
        self.ready = False
        self.greeting = True  # the ready text stays until the operator starts
        self._draft_timer = None
        self._subject_before = ""
        self.match_choice: tuple[tuple[str, ...], Any] | None = None
        self.names: dict[str, str] = {}
        self._pending_offer: tuple[Any, ...] | None = None
        self._last_key = 0.0
        self._directory: DirectoryScreen | None = None  # installed once, reused
        for cid in CARD_COMMANDS:
            self._bindings.bind(session.keymap.binding_keys(cid), f"command('{cid}')",
                                show=False)
        # Keys of commands never reach a field, even when they carry a character: ESC 2
        # (Alt+2) arrives as the printable "™", Alt+2 on a Kazakh layout as "alt+ә".
        self.command_keys = {k for cid in (*CARD_COMMANDS, "language", "quit")
                             for k in session.keymap.binding_keys(cid).split(",")}
        self._form = CardForm(self.lang, self.state.raw, self.readonly)

    # -- building ---------------------------------------------------------------------
    def compose(self):  # noqa: ANN201
        yield BarLine(id="title")
        yield self._form
        yield TextLine(id="status")
        yield KeyBar(self._footer(), id="keys")

    def on_mount(self) -> None:
        self._apply_form()
        self._focus_field(self.focus_name, self.focus_cursor)
        self._subject_before = self.state.raw["subject"]
        self.ready = True
        self._show_status()

    @property
    def form(self) -> CardForm:
        """The form on screen (a language switch replaces it)."""
        return self._form

    def _apply_form(self, keep_layout: bool = False) -> None:
        """Push the whole state into a (new) form: visibility, names, pins, marks.
        `keep_layout`: a new card without a subject yet keeps the rows of the last
        card's subject kind (a batch is usually of one kind: no relayout, no repaint)."""
        kind = self.state.kind
        self.kind = self.kind if kind is None and keep_layout else kind
        form = self.form
        form.show_subject(self.kind)
        for name, box in form.boxes.items():
            box.set_pinned(name in self.state.pinned and not self.readonly)
        self.state.check()
        self._show_marks()
        self._show_names()
        self._show_title()

    def _footer(self) -> list[tuple[str, str]]:
        km = self.session.keymap
        return [(km.number(c), self.tr(COMMAND_BY_ID[c].short)) for c in FOOTER_IDS]

    def relabel(self) -> None:
        """Language switch: the form is rebuilt from the state, focus stays put."""
        name, cursor = self.focus_name, self.active_box.edit.cursor
        old = self.form
        new = CardForm(self.lang, self.state.raw, self.readonly)
        new.boxes[name].edit.cursor = cursor
        self._form = new
        self.mount(new, before=old)
        old.remove()
        self.call_after_refresh(self._after_relabel, True)
        self.query_one("#keys", KeyBar).set_items(self._footer())

    def _after_relabel(self, keep_cursor: bool) -> None:
        # Where the operator is now: keys typed while the new form came up went into it
        # and may have moved on (a full code, Enter); the focus is not put back.
        name, cursor = self.focus_name, self.active_box.edit.cursor
        self._apply_form(keep_layout=True)
        self._focus_field(name, cursor if keep_cursor else None)
        self._show_status()

    # -- new card, drafts ---------------------------------------------------------------
    def _new_card_defaults(self, keep: dict[str, str] | None = None) -> dict[str, str]:
        """Line 7 defaults to today (§34-1); line 6's number is proposed where the
        organisation keeps its journal in apcard; pinned fields stay."""
        today = dt.date.today()
        out = {"received_date": today.strftime("%d%m%Y")}
        if self.session.cfg.keeps_journal:
            out["journal_no"] = next_journal_no(self.session.cfg.authority, today.year)
        out.update(keep or {})
        return out

    def _load_draft(self, draft: dict[str, Any]) -> None:
        self.state = CardState(draft.get("values") or {})
        self.state.pinned = set(draft.get("pinned") or ())
        self.state.touched = set(draft.get("touched") or ())
        self.focus_name = draft.get("focus") or "subject"
        self.focus_cursor = draft.get("cursor")
        self.dirty = True

    def resume(self, draft: dict[str, Any]) -> None:
        """Put the draft on the form exactly as it was: texts, pins, focus, cursor."""
        self.active_box.set_active(False)  # the new card's first field: not typed into now
        self._load_draft(draft)
        for name, box in self.form.boxes.items():
            box.set_raw(self.state.raw[name])
        self._apply_form()
        self._subject_before = self.state.raw["subject"]
        self.greeting = False
        self._focus_field(self.focus_name, self.focus_cursor)

    def _changed(self) -> None:
        """Something was typed: keep the draft (after a short pause in typing)."""
        if self.readonly or self.correcting or not self.session.cfg.autosave:
            return  # drafts keep new cards; a correction is saved with its reason or not at all
        self.dirty = True
        self._draft_soon()

    def _draft_soon(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._save_draft)

    def _save_draft(self) -> None:
        self._draft_timer = None
        if self.readonly or not self.dirty:
            return
        try:
            drafts.save_draft(self.session.user, {
                **self.state.draft(self.focus_name, self.active_box.edit.cursor),
                "lang": self.lang})
        except Exception as exc:
            if not is_database_error(exc):
                raise
            # Typing goes on; the next change tries again. Said once in the status line.
            self._show_status(message=f"{self.tr(tx.DRAFT_FAILED)}: {one_line(exc)}")

    def flush_draft(self) -> None:
        """Write a pending draft now (the app is closing)."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._save_draft()

    def new_card(self) -> None:
        """§34-1 "New card": an empty card but for the fields pinned for the batch."""
        keep = self.state.keep_pinned()
        pinned = self.state.pinned
        self.defaults = self._new_card_defaults(keep)
        self.state = CardState(self.defaults)
        self.state.pinned = pinned
        for name, box in self.form.boxes.items():
            box.set_raw(self.state.raw[name])
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        self.dirty = False
        self.match_choice = None
        drafts.discard_draft(self.session.user)
        self._apply_form(keep_layout=True)
        self._subject_before = ""
        self._focus_field("subject")
        self._show_status()

    # -- moving between fields ------------------------------------------------------------
    def _order(self) -> list[str]:
        return [f.name for f in field_order() if f.visible_for(self.kind)]

    @property
    def active_box(self) -> FieldBox:
        return self.form.boxes[self.focus_name]

    def _focus_field(self, name: str, cursor: int | None = None) -> None:
        """Make a field the one typed into, and scroll it into view if it is not."""
        order = self._order()
        if name not in order:
            name = order[0]
        form = self.form
        old = form.boxes.get(self.focus_name)
        box = form.boxes[name]
        if old is not None and old is not box:
            old.set_active(False)
        if cursor is not None:
            box.edit.cursor = max(0, min(cursor, len(box.edit.raw)))
        box.set_active(True)
        self.focus_name = name
        if self.ready:
            self._show_status()
            if self.dirty:  # the draft remembers where the operator is, too
                self._draft_soon()
        self.call_after_refresh(self._scroll_to, box)

    def _scroll_to(self, box: FieldBox) -> None:
        form = self.form
        if box.region and not form.region.contains_region(box.region):
            form.scroll_to_center(box.host, animate=False, immediate=True)

    def on_key(self, event: events.Key) -> None:
        """Every key of the card comes here (no widget holds Textual's focus): to the
        active field, or, for keys it does not take, on to the bindings."""
        if self.app.screen is not self:
            return
        self._last_key = time.monotonic()
        if self.escape_armed:
            self._after_escape(event)
            return
        if event.key == "escape" and self.readonly and not self.correcting:
            event.stop()
            self.app.pop_screen()  # back to the card list
            return
        if event.key == "escape":
            event.stop()
            self.escape_armed = True
            self._show_status()
            return
        if event.key in self.command_keys:
            return  # on to the bindings
        box = self.active_box
        result = box.key(event)
        if not result.consumed:
            return
        event.stop()
        event.prevent_default()
        self.greeting = False
        if result.changed:
            self._field_changed(box)
        if result.step:
            self._leave(box.field.name, result.step)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        box = self.active_box
        if box.paste(event.text):
            self._field_changed(box)

    def _field_changed(self, box: FieldBox) -> None:
        name = box.field.name
        self.state.set(name, box.raw)
        if FIELDS[name].codebook or name in choices.QUALIFICATION:
            self._show_names()
        self._changed()

    def _leave(self, name: str, step: int) -> None:
        """The operator leaves a field: check it, then go on (or ask first when the
        subject kind changes and hidden lines hold data)."""
        if not self.readonly:
            self.state.touched.add(name)
            if name == "subject" and self._subject_changed():
                return
            self._recheck()
        order = self._order()
        i = order.index(name) if name in order else 0
        target = order[(i + step) % len(order)]
        if name in IDENT and target not in IDENT and step > 0 and not self.correcting:
            self.check_duplicates()
        self._focus_field(target)

    def _recheck(self) -> None:
        self.state.check()
        self._show_marks()
        self._show_names()
        self._show_title()
        self._show_status()

    def _subject_changed(self) -> bool:
        """True when a question was asked (the move waits for the answer)."""
        new_kind = self.state.kind
        if new_kind == self.kind:
            self._subject_before = self.state.raw["subject"]
            return False
        hidden = self.state.hidden_with_data(new_kind)
        if not hidden:
            self._set_kind(new_kind)
            return False
        lines = ", ".join(dict.fromkeys(FIELDS[n].line for n in hidden))

        def answer(discard: bool | None) -> None:
            if discard:
                for n in hidden:
                    self.state.set(n, "")
                    self.form.boxes[n].set_raw("")
                self._set_kind(new_kind)
                self._changed()
                self._leave("subject", 1)
            else:
                self.state.set("subject", self._subject_before)
                self.form.boxes["subject"].set_raw(self._subject_before)
                self._changed()
                self._recheck()
                self._focus_field("subject")

        self.app.push_screen(ConfirmScreen(self.lang, tx.DISCARD_HIDDEN,
                                           tx.DISCARD_LINES.format(lines=lines)), answer)
        return True

    def _set_kind(self, kind: Subject | None) -> None:
        self.kind = kind
        self._subject_before = self.state.raw["subject"]
        self.form.show_subject(kind)
        self._recheck()

    # -- showing ------------------------------------------------------------------------
    def _show_marks(self) -> None:
        marks = self.state.marks()
        for name, box in self.form.boxes.items():
            box.set_mark(marks.get(name, ""))

    def _show_names(self) -> None:
        self.names = self.state.names(self.lang)
        for key, text in self.names.items():
            self.form.set_name(key, text)

    def _show_title(self) -> None:
        if self.card is not None:
            mode = tx.CORRECTING if self.correcting else tx.READ_ONLY
            what = self.tr(tx.CARD_NO.format(n=self.card.id)) + " " + self.tr(mode)
            status = self.tr(tx.STATUS.get(self.card.status, T(self.card.status,
                                                                  self.card.status)))
        else:
            what, status = self.tr(tx.NEW_CARD), self.tr(tx.STATUS["draft"])
        who = self.state.who()
        parts = [self.tr(CARD_TITLE), what, f"{self.tr(tx.STATUS_LABEL)}: {status}"]
        if who:
            parts.append(who)
        parts.append(self.session.user.login)
        text = "  ".join(parts)
        tag = f"[{self.lang.upper()}]"
        width = max(self.size.width, 80)
        if len(text) + len(tag) + 2 <= width:
            text = text.ljust(width - len(tag) - 1) + tag
        self.query_one("#title", BarLine).set_text(" " + text)

    def _show_status(self, message: str = "") -> None:
        shown = self.state.shown()
        errs, warns = len(errors(shown)), len(warnings(shown))
        counts = self.tr(tx.COUNTS.format(e=errs, w=warns))
        focus = self.focus_name
        own = [i for i in shown if i.field == focus]
        if message:
            tail = message
        elif self.escape_armed:
            tail = self.tr(tx.ESCAPE_ARMED)
        elif own or shown:
            tail = issue_line((own or shown)[0], self.lang).replace("  ", " ")
        elif self.greeting and not self.readonly:
            tail = self.tr(tx.READY)
        else:
            line = next((ln for ln in LINES if any(f.name == focus for f in ln.fields)), None)
            tail = f"{line.number} {line.label(self.lang)}" if line else ""
            name = self.names.get(self.form.chunk_of.get(focus, ""), "")
            if name and FIELDS[focus].codebook:  # the code's name in full (cut beside it)
                tail = f"{line.number if line else ''} {name}"
        error = bool(own and own[0].is_error)
        self.query_one("#status", TextLine).set_text(f" {counts}  {tail}",
                                                     "error" if error else "")

    # -- commands -----------------------------------------------------------------------
    def action_command(self, cid: str) -> None:
        if self.escape_armed:
            self._disarm()
        handler = getattr(self, f"cmd_{cid}", None)
        if handler is not None:
            handler()

    def _after_escape(self, event: events.Key) -> None:
        """Esc, then a digit: the same as Alt+digit, for keyboards or terminals where
        neither function keys nor Alt reach the program. Any other key after Esc just
        does what it does (Esc pressed by habit costs nothing)."""
        cid = self.session.keymap.after_escape(event.key)
        self._disarm()
        if cid is None and event.key == "escape" and self.correcting:
            event.stop()
            self.cancel_correction()
            return
        if cid:
            event.stop()
            event.prevent_default()
            self._run(cid)
        else:
            self.on_key(event)

    def _run(self, cid: str) -> None:
        """A command by id: the screen's own, or one the app handles."""
        if cid in CARD_COMMANDS:
            self.action_command(cid)
        else:
            self.post_message(tx.ScreenRequest(cid, self.card.id if self.card else None))

    def _disarm(self) -> None:
        self.escape_armed = False
        self._show_status()

    def _focused_name(self) -> str:
        return self.focus_name

    def cmd_help(self) -> None:
        self.app.push_screen(HelpScreen(self.lang, self.session.keymap))

    def cmd_menu(self) -> None:
        def chosen(cid: str | None) -> None:
            if cid:
                self._run(cid)

        commands = [c for c in MENU if not (self.readonly and c in ("save", "new_card",
                                                                    "persist"))]
        self.app.push_screen(MenuScreen(self.lang, self.session.keymap, commands), chosen)

    def cmd_persist(self) -> None:
        if self.readonly or self.correcting:
            return
        name = self._focused_name()
        pinned = name not in self.state.pinned
        (self.state.pinned.add if pinned else self.state.pinned.discard)(name)
        self.form.boxes[name].set_pinned(pinned)
        self._show_status(message=self.tr(tx.PINNED if pinned else tx.UNPINNED))
        self._changed()

    def cmd_errors(self) -> None:
        self.state.check()
        self.app.push_screen(IssuesScreen(self.lang, self.state.issues if self.state.show_all
                                          else self.state.shown()), self._goto)

    def _goto(self, name: str | None) -> None:
        if name and name in FIELDS:
            self._focus_field(name)

    def cmd_directory(self, full: bool = False) -> None:
        name = self._focused_name()
        if self.readonly or not choices.has_directory(name):
            self._show_status(message=self.tr(tx.NO_DIRECTORY))
            return
        values = self.state.typed_values()
        text = "" if full else self.state.raw[name]
        title = tx.directory_title(choices.book_title(name) or "", FIELDS[name], full)

        def load(typed: str) -> list[Entry]:
            return choices.directory(name, values, typed, full)

        def picked(entry: Entry | None) -> None:
            if entry is None:
                self._focus_field(name)
                return
            for field, code in choices.picked(name, entry).items():
                self.state.set(field, code)
                self.form.boxes[field].set_raw(code)
            self._show_names()
            self._changed()
            self._leave(name, 1)

        if self._directory is None:
            self._directory = DirectoryScreen(self.lang, title, load, text)
            self.app.install_screen(self._directory, f"directory-{id(self)}")
        else:
            self._directory.configure(self.lang, title, load, text)
        self.app.push_screen(self._directory, picked)

    def cmd_directory_full(self) -> None:
        self.cmd_directory(full=True)

    def cmd_find(self) -> None:
        from tui.screens.card_list import CardListScreen

        self.app.push_screen(CardListScreen(self.session))

    def cmd_new_card(self) -> None:
        if self.readonly or self.correcting:
            return
        if not self.state.has_typed(self.defaults):
            self.new_card()
            return
        self.app.push_screen(ConfirmScreen(self.lang, tx.DISCARD_CARD),
                             lambda yes: self.new_card() if yes else None)

    def cmd_duplicates(self) -> None:
        self.check_duplicates(always=True)

    def cmd_journal(self) -> None:
        self.post_message(tx.ScreenRequest("journal", None))

    def cmd_correct(self) -> None:
        """F8 on a registered card: an administrator corrects it (card_correct.py); on a
        new card there is nothing registered yet: say where to find one."""
        if self.card is None:
            self._show_status(message=self.tr(tx.CORRECT_WHERE))
            return
        self.start_correction()

    def cmd_history(self) -> None:
        self.post_message(tx.ScreenRequest("history", self.card.id if self.card else None))

    def _rebuild_form(self, readonly: bool) -> None:
        """A new form over the same state, editable or not (correction starts / ends)."""
        self.readonly = readonly
        old = self.form
        new = CardForm(self.lang, self.state.raw, readonly)
        self._form = new
        self.mount(new, before=old)
        old.remove()
        self.call_after_refresh(self._after_relabel, False)

    def _reload_card(self) -> None:
        """Show the registered card as it is in the database now, read-only."""
        card = Card.get_by_id(self.card.id)
        self.card = card
        self.state = CardState({n: raw_of(f, getattr(card, n)) for n, f in FIELDS.items()})
        self.state.pinned = set()
        self._rebuild_form(readonly=True)

    # -- saving -------------------------------------------------------------------------
    def cmd_save(self) -> None:
        if self.correcting:
            self.state.show_all = True
            self._recheck()
            self.save_correction()
            return
        if self.readonly:
            return
        focused = self._focused_name()
        self.state.touched.add(focused)
        self.state.show_all = True
        self._recheck()
        issues = self.state.issues
        if errors(issues):
            self.app.push_screen(IssuesScreen(self.lang, self.state.shown(), "errors"),
                                 self._goto)
        elif warnings(issues):
            keys = self.session.keymap.binding_keys("save")

            def confirmed(result: str | None) -> None:
                if result == SAVE:
                    self.check_duplicates(then_save=True)
                else:
                    self._goto(result or focused)

            self.app.push_screen(IssuesScreen(self.lang, self.state.shown(), "confirm",
                                              keys), confirmed)
        else:
            self.check_duplicates(then_save=True)

    def _register(self, choice: Any = None) -> None:
        """Write the card; `choice` is the duplicates window's decision, if one was
        taken (the person or legal entity the card belongs to)."""
        person = getattr(choice, "person", None) if getattr(choice, "same", False) else None
        legal = getattr(choice, "legal_entity", None) if getattr(choice, "same", False) \
            else None
        try:
            card = register_card(self.state.typed_values(), self.session.user,
                                 person=person, legal=legal)
        except CardRefused as refused:
            self.state.issues = refused.issues
            self._show_marks()
            self.app.push_screen(IssuesScreen(self.lang, refused.issues, "errors"), self._goto)
            return
        except Exception as exc:
            if not is_database_error(exc):
                raise
            # Nothing was written (one transaction); the card stays on screen.
            self.app.push_screen(NoticeScreen(self.lang, tx.DB_ERROR, one_line(exc)))
            return
        after = getattr(choice, "after_register", None)
        if after is not None:
            after(card)
        self.new_card()
        self._show_status(message=self.tr(tx.SAVED.format(n=card.id)))
