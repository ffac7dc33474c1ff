"""Keeping the card being typed as a draft of its user (models.drafts): written after
a short pause in typing, so a killed terminal or a dropped connection loses nothing;
the user's pinned fields kept with it for the next start."""

from __future__ import annotations

import time
from typing import Any

from textual.timer import Timer

from models import drafts
from models.db import is_database_error, one_line
from tui.screens import texts as tx
from tui.screens.card_host import CardHost

DRAFT_DELAY = 0.3  # seconds of quiet before the draft is written


class DraftKeeper:
    def __init__(self, host: CardHost) -> None:
        self.host = host
        self.dirty = False  # typed since the card was started or resumed
        self._timer: Timer | None = None
        self._due = 0.0  # when the draft is written, if no key comes before

    @property
    def enabled(self) -> bool:
        """Drafts keep new cards; a correction is saved with its reason or not at all."""
        host = self.host
        return host.card is None and not host.readonly and host.session.cfg.autosave

    def changed(self) -> None:
        """Something was typed: write the draft after a pause in typing."""
        if self.enabled:
            self.dirty = True
            self.soon()

    def soon(self) -> None:
        """The draft is written DRAFT_DELAY after the last key. A key only moves that
        moment on: the one timer pending, when it comes, waits for the rest (a timer
        stopped and made again for every key cost each key a task)."""
        if not self.dirty:
            return
        self._due = time.monotonic() + DRAFT_DELAY
        if self._timer is None:
            self._timer = self.host.set_timer(DRAFT_DELAY, self._when_due)

    def _when_due(self) -> None:
        self._timer = None
        wait = self._due - time.monotonic()
        if wait > 0.001:  # typed since the timer was set
            self._timer = self.host.set_timer(wait, self._when_due)
        else:
            self.write()

    def write(self) -> None:
        self._timer = None
        if not self.dirty or not self.enabled:
            return
        host = self.host
        self._try(drafts.save_draft, host.session.user, host.state.draft(host.lang))

    def flush(self) -> None:
        """Write a pending draft now (the app is closing)."""
        if self._timer is not None:
            self._timer.stop()
            self.write()

    def drop(self) -> None:
        """The card is saved or discarded: no draft; the pins stay for the next card."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.dirty = False
        self._try(drafts.discard_draft, self.host.session.user)

    def save_pins(self) -> None:
        state = self.host.state
        self._try(drafts.save_pins, self.host.session.user, state.pinned, state.keep_pinned())

    def _try(self, write: Any, *args: Any) -> None:
        try:
            write(*args)
        except Exception as exc:
            if not is_database_error(exc):
                raise
            # Typing goes on; the next change tries again. Said in the status line.
            self.host.say(f"{self.host.tr(tx.DRAFT_FAILED)}: {one_line(exc)}", error=True)
