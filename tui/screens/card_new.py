"""Starting cards: a new card's defaults (line 7 today, line 6's proposed number, the
user's pinned fields), the next card of a batch (F11, or after a save), a resumed
draft, a registered card shown read-only, and pinning a field (Ins).

Line 6's number is proposed from the journal the save numbers it in: line 1's authority
(the configured one while line 1 is empty) and line 6's year (the pinned registration
date's), and again when the operator leaves line 1 or line 6's date with the proposal
untouched (a 2025 card keyed in 2026 takes 2025's next number). Pinned dates do not outlive their
day (models.drafts.pins_on): on a new day line 7 is today and line 6's and line 21's
pinned dates are dropped, said in the status line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from models import choices, drafts
from models.card_schema import FIELDS
from models.db import is_database_error
from models.i18n import T
from models.journal_no import next_journal_no
from models.tables import Card
from models.validation import parse_field
from tui.screens import texts as tx
from tui.screens.card_host import FormHost
from tui.screens.card_state import raw_of
from tui.screens.messages import ConfirmScreen

DATES_DROPPED = T("Өткен күннің күндері алынды ({lines}-жол): қайта теріңіз",
                  "Даты прошлого дня сняты (стр. {lines}): наберите заново")
NUMBER_OF_YEAR = T("Тіркеу № {n}: {y} жылғы журнал бойынша",
                   "Рег. № {n} — по журналу {y} года")


class NewCards:
    def __init__(self, host: FormHost) -> None:
        self.host = host
        self.defaults: dict[str, str] = {}
        self.day = dt.date.today()  # the day the defaults were made for

    def _defaults(self, keep: Mapping[str, str]) -> dict[str, str]:
        """Line 7 defaults to today (§34-1); line 6's number is proposed from line 6's
        year where the organisation keeps its journal in apcard; pinned fields stay."""
        cfg = self.host.session.cfg
        today = self.day = dt.date.today()
        out = {"received_date": today.strftime("%d%m%Y")}
        if cfg.keeps_journal:
            out["journal_no"] = next_journal_no(
                journal_authority(keep.get("authority"), cfg.authority),
                journal_year(keep.get("journal_date"), today))
        out.update(keep)
        return out

    def _pins_of_today(self, values: Mapping[str, str], typed_on: dt.date | None
                       ) -> tuple[dict[str, str], str]:
        """Pinned texts fit for today, and what to say about dates dropped."""
        kept, dropped = drafts.pins_on(dict(values), typed_on, dt.date.today())
        if not dropped:
            return kept, ""
        order = list(FIELDS)
        lines = ", ".join(dict.fromkeys(FIELDS[n].line for n in sorted(dropped, key=order.index)))
        return kept, self.host.tr(DATES_DROPPED.format(lines=lines))

    def start(self) -> None:
        """The first card of the run: the user's pins from their last session (their
        dates only if that session was today)."""
        try:
            pins = drafts.load_pins(self.host.session.user)
        except Exception as exc:
            if not is_database_error(exc):
                raise
            pins = None
        pinned = set(pins["pinned"]) if pins is not None else None
        values, said = {}, ""
        if pins is not None:
            day = pins.get("day")
            values, said = self._pins_of_today(
                pins["values"], dt.date.fromisoformat(day) if day else None)
        self.defaults = self._defaults(values)
        state = self.host.state
        state.load(self.defaults, pinned)
        if said:
            self.host.message = (said, False)  # shown when the card comes up

    def next_card(self) -> None:
        """§34-1 "New card": an empty card but for the fields pinned for the batch (past
        midnight, their dates as on a new day's start)."""
        host, state = self.host, self.host.state
        keep, said = self._pins_of_today(state.keep_pinned(), self.day)
        self.defaults = self._defaults(keep)
        state.load(self.defaults)
        if said:
            host.say(said)
        host.forget_draft()
        host.apply_form(keep_layout=True)
        host.focus_field("subject")

    def left(self, name: str) -> None:
        """The operator left field `name`: leaving line 1 or line 6's date with the
        proposed number untouched proposes the next number of that authority's journal
        of that date's year instead."""
        host = self.host
        proposed = self.defaults.get("journal_no")
        if name not in ("authority", "journal_date") or host.readonly or host.correcting or proposed is None \
                or host.state.text("journal_no") != proposed:
            return
        cfg = host.session.cfg
        year = journal_year(host.state.text("journal_date"), dt.date.today())
        authority = journal_authority(host.state.text("authority"), cfg.authority)
        try:
            fresh = next_journal_no(authority, year)
        except Exception as exc:
            if not is_database_error(exc):
                raise
            return  # the proposal stays; the save still checks the number
        if fresh != proposed:
            self.defaults["journal_no"] = fresh
            host.state.set("journal_no", fresh)
            host.say(host.tr(NUMBER_OF_YEAR.format(n=fresh, y=year)))

    def entering(self, name: str) -> None:
        """The operator comes to field `name`: an empty line 11.1 or 12 of a card being
        keyed is offered the one answer the article part leaves (models.choices.proposal);
        Enter keeps it, the first key typed replaces it."""
        host = self.host
        if host.readonly or host.correcting or name not in choices.PROPOSED \
                or host.state.text(name):
            return
        try:
            text = choices.proposal(name, host.state.typed_values())
        except Exception as exc:
            if not is_database_error(exc):
                raise
            return
        if text:
            host.state.set(name, text)

    def ask_next_card(self) -> None:
        """F11: at once when nothing was typed, else after a yes."""
        host = self.host
        if host.correcting:
            return
        if not host.state.has_typed(self.defaults):
            self.next_card()
            return
        host.open(ConfirmScreen(host.lang, tx.DISCARD_CARD),
                  lambda yes: self.next_card() if yes else None)

    def resume(self, draft: Mapping[str, Any]) -> None:
        """Put the draft on the form exactly as it was: texts, pins, focus, cursor."""
        host = self.host
        host.active_box.set_active(False)  # the new card's first field: not typed into now
        host.state.load_draft(draft)
        host.greeting = False
        host.typed()
        host.apply_form()
        host.focus_field(host.state.focus, draft.get("cursor") or 0)

    def reload_if_changed(self) -> None:
        """Back from a window on this card (a notice, a protest, its life): the lines it
        changed show at once."""
        host = self.host
        if host.card is None or not host.readonly or host.correcting:
            return
        from models.cards import card_by_id  # a registered card: not at start

        fresh = card_by_id(host.card.id)
        if fresh is not None and fresh.version != host.card.version:
            host.show_card(fresh)

    def load_registered(self, card: Card) -> None:
        self.host.state.load({n: raw_of(f, getattr(card, n)) for n, f in FIELDS.items()},
                             pinned=set())

    def toggle_pin(self, name: str) -> None:
        host, state = self.host, self.host.state
        pinned = name not in state.pinned
        (state.pinned.add if pinned else state.pinned.discard)(name)
        host.form.boxes[name].set_pinned(pinned)
        host.say(host.tr(tx.PINNED if pinned else tx.UNPINNED))
        host.keep_pins()
        host.typed()


def journal_year(text: str | None, today: dt.date) -> int:
    """The year of line 6's date as typed (DDMMYYYY), else this year."""
    day, issues = parse_field(FIELDS["journal_date"], text or "")
    return day.year if isinstance(day, dt.date) and not issues else today.year


def journal_authority(text: str | None, configured: str) -> str:
    """Line 1's code as typed (the journal the save numbers the card in), else the
    configured authority (a code that is no code: the save refuses it anyway)."""
    code, issues = parse_field(FIELDS["authority"], text or "")
    return code if isinstance(code, str) and code and not issues else configured
