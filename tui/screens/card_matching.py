"""The card screen's check for persons (or legal entities) already in the register
(§34-1: after the identification fields the program shows the existing records).

models.matching finds the candidates in a worker thread, so typing never waits;
tui.screens.duplicates.DuplicatesScreen (the matching part of the program) shows
them. The check runs on leaving the identification block and on save; a decision
taken for the same identification data is not asked again.
"""

from __future__ import annotations

import time
from typing import Any

from textual import work
from textual.worker import get_current_worker

from models.card_schema import IDENT_FIELDS, Subject
from models.db import close_database
from tui.screens import texts as tx
from tui.screens.base import is_database_error

IDENT = {f.name for f in IDENT_FIELDS}
OFFER_PAUSE = 0.6  # seconds without a key before possible duplicates are shown


class DuplicateCheck:
    """Mixed into CardScreen (it provides state, kind, session, _register ...)."""

    match_choice: tuple[tuple[str, ...], Any] | None = None
    _pending_offer: tuple[Any, ...] | None = None
    _last_key = 0.0

    def _ident_key(self) -> tuple[str, ...]:
        return tuple(self.state.raw[n] for n in sorted(IDENT))

    def check_duplicates(self, then_save: bool = False, always: bool = False) -> None:
        """Look for persons (or legal entities) the card may be about, in a thread so
        typing never waits; show them in tui.screens.duplicates.DuplicatesScreen when
        there are any. Runs on leaving the identification block and on save; a decision
        taken for the same identification data is not asked again, and on save the
        chosen person or entity is passed to register_card."""
        if self.readonly and not always:
            return
        decided = self.match_choice
        if then_save and decided is not None and decided[0] == self._ident_key():
            self._register(decided[1])
            return
        self._match(self.state.typed_values(), self.kind, self._ident_key(), then_save, always)

    @work(thread=True, exclusive=True, group="matching")
    def _match(self, values: dict[str, Any], kind: Subject | None, key: tuple[str, ...],
               then_save: bool, always: bool) -> None:
        worker = get_current_worker()
        try:
            found = find_candidates_for(values, kind)
        except Exception as exc:
            if not is_database_error(exc):
                raise
            found = None  # not checked now; the check on save runs again
        finally:
            close_database()  # this thread's connection
        if not worker.is_cancelled:
            self.app.call_from_thread(self._matched, values, key, found, then_save, always)

    def _matched(self, values: dict[str, Any], key: tuple[str, ...], found: list[Any] | None,
                 then_save: bool, always: bool) -> None:
        screen_cls = duplicates_screen()
        if not found or screen_cls is None:
            if always:
                self._show_status(message=self.tr(tx.NO_DUPLICATES if screen_cls
                                                  else tx.NOT_AVAILABLE))
            if then_save:
                self._register(None)
            return

        if then_save or always:
            self._offer(screen_cls, values, key, found, then_save)
        else:
            # Found while the operator types on: shown at the first pause in typing, so
            # keys typed ahead go to the card, never to the window's 1 / 2 / 3.
            self._pending_offer = (screen_cls, values, key, found)
            self._offer_when_idle()

    def _offer_when_idle(self) -> None:
        pending = self._pending_offer
        if pending is None:
            return
        if self.app.screen is not self or pending[2] != self._ident_key():
            self._pending_offer = None  # left the card, or the person was retyped
            return
        wait = OFFER_PAUSE - (time.monotonic() - self._last_key)
        if wait > 0:
            self.set_timer(wait, self._offer_when_idle)
            return
        self._pending_offer = None
        self._offer(*pending, then_save=False)

    def _offer(self, screen_cls: Any, values: dict[str, Any], key: tuple[str, ...],
               found: list[Any], then_save: bool) -> None:
        def decided(choice: Any) -> None:
            if choice is False or choice is None:  # Esc: back to the card, nothing decided
                return
            self.match_choice = (key, choice)
            if then_save:
                self._register(choice)

        self.app.push_screen(screen_cls(self.session, values, found), decided)



def find_candidates_for(values: dict[str, Any], kind: Subject | None) -> list[Any] | None:
    """Candidates from models.matching, or None when that module is not installed."""
    try:
        from models import matching
    except ImportError:
        return None
    if kind == Subject.LEGAL:
        if not (values.get("legal_name") or values.get("bin") or values.get("rnn")):
            return []
        return list(matching.find_legal_candidates(values))
    if not values.get("surname") and not values.get("iin"):
        return []
    return list(matching.find_candidates(values))


def duplicates_screen() -> Any:
    try:
        from tui.screens.duplicates import DuplicatesScreen
    except ImportError:
        return None
    return DuplicatesScreen

