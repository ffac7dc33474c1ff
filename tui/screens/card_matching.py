"""The card screen's check for persons (or legal entities) already in the register
(§34-1: after the identification fields the program shows the existing records).

models.matching finds the candidates in the session's search thread (one database
connection for the session, not one per check), so typing never waits, with
the thresholds and the number of candidates of config.toml [matching];
tui.screens.duplicates.DuplicatesScreen shows them. The check runs on leaving the
identification block and on save. The window's answer is a models.matching.decisions.Decision
kept in the card state: applied only when the card is saved, in its transaction
(models.cards.register_card), and not asked again while the identification stands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from models.card_schema import FIELDS, Subject
from models.db import is_database_error
from tui.screens import texts as tx
from tui.screens.card_host import CardHost
from tui.screens.card_state import raw_of

if TYPE_CHECKING:  # the search, its scoring and its window load with the first check
    from models.matching.decisions import Decision

OFFER_PAUSE = 0.6  # seconds without a key before possible duplicates are shown
THRESHOLDS = ("exact", "probable", "possible")  # models.matching's, keys of [matching]
NOT_CHECKED = object()  # the search failed (database): checked again on save


class DuplicateFinder:
    def __init__(self, host: CardHost) -> None:
        self.host = host
        self._pending: tuple[dict[str, Any], tuple[str, ...], list[Any]] | None = None

    def check(self, then: Callable[[Decision | None], None] | None = None,
              always: bool = False) -> None:
        """Look for the card's person or entity. `then` (saving): called with the
        decision once there is one (asked if needed); `always` (F6): say when none is
        found. Otherwise (leaving the identification block) a window is offered at the
        first pause in typing, when there are candidates."""
        state = self.host.state
        if then is not None and state.decision is not None:
            then(state.decision)
            return
        values, kind, key = state.typed_values(), state.kind, state.ident_key()
        cfg = self.host.session.cfg.matching

        def found(result: Any, error: BaseException | None) -> None:
            if error is not None:
                if not is_database_error(error):
                    raise error
                result = NOT_CHECKED
            self._found(values, key, result, then, always)

        # A check not started yet gives way to a newer one of its kind; the save's own
        # check (it carries the save on) never gives way to a check on leaving a field.
        group = "matching-save" if then is not None else "matching-f6" if always \
            else "matching"
        self.host.run_in_thread(group, lambda: candidates(values, kind, cfg), found)

    def _found(self, values: dict[str, Any], key: tuple[str, ...], found: Any,
               then: Callable[[Decision | None], None] | None, always: bool) -> None:
        if found is NOT_CHECKED:
            if always or then is not None:
                self.host.say(self.host.tr(tx.MATCH_FAILED), error=True)
            if then is not None:
                then(None)
            return
        if not found:
            if always:
                self.host.say(self.host.tr(tx.NO_DUPLICATES))
            if then is not None:
                then(None)
            return
        if then is not None or always:
            self._offer(values, found, then)
        else:
            # Found while the operator types on: shown at the first pause in typing, so
            # keys typed ahead go to the card, never to the window's 1 / 2 / 3.
            self._pending = (values, key, found)
            self._offer_when_idle()

    def _offer_when_idle(self) -> None:
        if self._pending is None:
            return
        values, key, found = self._pending
        if not self.host.is_current() or key != self.host.state.ident_key():
            self._pending = None  # left the card, or the person was retyped
            return
        wait = OFFER_PAUSE - self.host.idle_for()
        if wait > 0:
            self.host.set_timer(wait, self._offer_when_idle)
            return
        self._pending = None
        self._offer(values, found, None)

    def _offer(self, values: dict[str, Any], found: list[Any],
               then: Callable[[Decision | None], None] | None) -> None:
        def decided(decision: Decision | None) -> None:
            if decision is None:  # Esc: back to the card, nothing decided
                return
            filled = self._fill_known(decision)
            self.host.state.decide(decision)  # for the identification as filled
            self.host.recheck()  # a conflict left undecided is a warning on the card
            if filled and then is None and not decision.undecided:
                self.host.say(self.host.tr(tx.FILLED_FROM_REGISTER).format(lines=filled))
            if decision.undecided:
                # Saving waits: the operator sees the warning, F2 again saves with it.
                self.host.say(self.host.tr(decision.warnings()[0].message))
            elif then is not None:
                then(decision)

        from tui.screens.duplicates import DuplicatesScreen

        self.host.open(DuplicatesScreen(self.host.session, values, found), decided)

    def _fill_known(self, decision: Decision) -> str:
        """The card's blank lines that the register knows for the person or entity it
        was declared to be, filled from it (the lines the card's subject shows, in the
        form's order): the card lines filled, or ""."""
        from models.matching.decisions import known_values

        state = self.host.state
        try:
            known = known_values(decision)
        except Exception as exc:
            if not is_database_error(exc):
                raise
            return ""  # nothing filled: the operator keys them, as without the register
        lines = []
        for name in self.host.order():  # the subject's own fields only
            if name in known and not state.text(name):
                state.set(name, raw_of(FIELDS[name], known[name]))
                lines.append(FIELDS[name].line)
        return ", ".join(dict.fromkeys(lines))


def candidates(values: dict[str, Any], kind: Subject | None,
               config: dict[str, float]) -> list[Any]:
    """Candidates for the card's identification: legal entities for a legal entity's
    card, persons otherwise; none before there is anything to look for."""
    from models import matching

    limit = int(config.get("max_candidates", 10))
    thresholds = {k: v for k, v in config.items() if k in THRESHOLDS}
    if kind == Subject.LEGAL:
        if not (values.get("legal_name") or values.get("bin") or values.get("rnn")):
            return []
        return list(matching.find_legal_candidates(values, limit, thresholds))
    if not values.get("surname") and not values.get("iin"):
        return []
    return list(matching.find_candidates(values, limit, thresholds))
