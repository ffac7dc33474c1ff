"""Starting cards: a new card's defaults (line 7 today, line 6's proposed number, the
user's pinned fields), the next card of a batch (F11, or after a save), a resumed
draft, a registered card shown read-only, and pinning a field (Ins)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from models import drafts
from models.card_schema import FIELDS
from models.cards import card_by_id, next_journal_no
from models.db import is_database_error
from models.tables import Card
from tui.screens import texts as tx
from tui.screens.card_host import FormHost
from tui.screens.card_state import raw_of
from tui.screens.messages import ConfirmScreen


class NewCards:
    def __init__(self, host: FormHost) -> None:
        self.host = host
        self.defaults: dict[str, str] = {}

    def _defaults(self, keep: Mapping[str, str]) -> dict[str, str]:
        """Line 7 defaults to today (§34-1); line 6's number is proposed where the
        organisation keeps its journal in apcard; pinned fields stay."""
        cfg = self.host.session.cfg
        today = dt.date.today()
        out = {"received_date": today.strftime("%d%m%Y")}
        if cfg.keeps_journal:
            out["journal_no"] = next_journal_no(cfg.authority, today.year)
        out.update(keep)
        return out

    def start(self) -> None:
        """The first card of the run: the user's pins from their last session."""
        try:
            pins = drafts.load_pins(self.host.session.user)
        except Exception as exc:
            if not is_database_error(exc):
                raise
            pins = None
        pinned = set(pins["pinned"]) if pins is not None else None
        self.defaults = self._defaults(pins["values"] if pins is not None else {})
        state = self.host.state
        state.load(self.defaults, pinned)

    def next_card(self) -> None:
        """§34-1 "New card": an empty card but for the fields pinned for the batch."""
        host, state = self.host, self.host.state
        self.defaults = self._defaults(state.keep_pinned())
        state.load(self.defaults)
        host.forget_draft()
        host.apply_form(keep_layout=True)
        host.focus_field("subject")

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
