"""Saving a new card (F2): errors refuse with their list, warnings ask, then the
duplicate check (its window's decision, or a kept one), then models.cards.register_card
in one transaction with that decision. A database failure keeps the card on screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from models.db import is_database_error, one_line
from models.permissions import PermissionDenied
from models.validation import errors, warnings
from tui.screens import texts as tx
from tui.screens.card_host import CardHost
from tui.screens.card_matching import DuplicateFinder
from tui.screens.messages import SAVE, IssuesScreen, NoticeScreen

if TYPE_CHECKING:  # decisions load with the duplicates window (scoring, rapidfuzz)
    from models.matching.decisions import Decision


def checked_in_full(host: CardHost) -> bool:
    """Every issue of the card shown, as on saving; True when errors refuse it (their
    list is then open, Enter going to the chosen field)."""
    state = host.state
    state.touched.add(state.focus)
    state.show_all = True
    host.recheck()
    if not errors(state.check()):
        return False
    host.open(IssuesScreen(host.lang, state.shown(), "errors"),
              lambda name: host.focus_field(name) if name else None)
    return True


class Saver:
    def __init__(self, host: CardHost, finder: DuplicateFinder,
                 proposed: Callable[[], str | None] = lambda: None) -> None:
        self.host = host
        self.finder = finder
        self.proposed = proposed  # the journal number line 6 was offered (card_new.py)

    def save(self) -> None:
        host, state = self.host, self.host.state
        if checked_in_full(host):
            return
        if warnings(state.check()):
            keys = host.session.keymap.textual_keymap()["save"]
            focus = state.focus

            def confirmed(result: str | None) -> None:
                if result == SAVE:
                    self.finder.check(then=self.register)
                else:
                    self._go_to(result or focus)

            host.open(IssuesScreen(host.lang, state.shown(), "confirm", keys), confirmed)
        else:
            self.finder.check(then=self.register)

    def _go_to(self, name: str | None) -> None:
        if name:
            self.host.focus_field(name)

    def register(self, decision: Decision | None) -> None:
        """Write the card with the duplicates window's decision, if one was taken."""
        # The register's writing path (persons, matching keys, the log) loads with the
        # first save, not with the empty form (start-up time).
        from models.cards import CardRefused, register_card

        host = self.host
        values = host.state.typed_values()
        try:  # a proposed journal number another card took meanwhile moves on
            card = register_card(values, host.session.user, decision=decision,
                                 journal_proposed=self.proposed(), drop_draft=True)
        except CardRefused as refused:
            host.state.issues = refused.issues
            host.open(IssuesScreen(host.lang, refused.issues, "errors"), self._go_to)
            return
        except PermissionDenied as exc:
            host.open(NoticeScreen(host.lang, exc.message))
            return
        except Exception as exc:
            if not is_database_error(exc):
                raise
            # Nothing was written (one transaction); the card stays on screen.
            host.open(NoticeScreen(host.lang, tx.DB_ERROR, one_line(exc)))
            return
        host.new_card()
        saved = tx.SAVED.format(n=card.id) if card.journal_no == values.get("journal_no") \
            else tx.SAVED_NUMBER_MOVED.format(n=card.id, j=card.journal_no)
        host.say(host.tr(saved))
