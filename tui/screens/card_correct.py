"""Correcting a registered card on the card screen (§34-2), for administrators.

F8 on a card opened from the card list unlocks its lines; F2 refuses with the list of
errors while the edited card has any (before a reason is typed for nothing), else asks
the reason (a code and a text, one for all changed lines or one per line), the date the
error was found and, past the §6 month, the override reason; it hands the changes to
models.corrections.correct_card, the one function that changes registered data.
Esc before saving drops the edits: nothing is written, nothing is logged.
"""

from __future__ import annotations

from typing import Any

from models.card_schema import FIELDS
from models.i18n import T
from models.permissions import Action, allowed
from models.tables import Card
from models.validation import format_value
from tui.screens.card_host import CardHost
from tui.screens.card_save import checked_in_full
from tui.screens.messages import ConfirmScreen, IssuesScreen, NoticeScreen

# models.corrections and the reason dialog are imported when a correction starts:
# they are not on the path of the operator's first keystroke (start-up budget).

CORRECTING = T("Түзету: өзгертіп, F2 (Esc: болдырмау)", "Исправление: измените, F2 (Esc: отмена)")
NOT_ALLOWED = T("Түзетуді тек әкімші жасайды (34-2-т.)",
                "Исправляет только администратор (п. 34-2)")
NOTHING_CHANGED = T("Ештеңе өзгертілмеді", "Ничего не изменено")
CORRECTED = T("Карточка № {n} түзетілді, журналда {k} жол",
              "Карточка № {n} исправлена, в журнале строк: {k}")
DROP_EDITS = T("Түзетулер сақталмайды. Шығу керек пе?", "Исправления не будут сохранены. Выйти?")
CONFLICT_DETAIL = T("Сіз ашқаннан кейін өзгертілді: {lines}",
                    "Изменено после того, как вы открыли: {lines}")


class Corrector:
    def __init__(self, host: CardHost) -> None:
        self.host = host
        self.active = False
        self._opened_version = 0

    def start(self) -> None:
        host = self.host
        card = host.card
        if card is None or self.active:
            return
        if not allowed(host.session.user, Action.CORRECT_CARD):
            host.say(host.tr(NOT_ALLOWED), error=True)
            return
        self.active = True
        self._opened_version = card.version
        host.rebuild_form(readonly=False)
        host.say(host.tr(CORRECTING))

    def changed_lines(self) -> dict[str, Any]:
        """Fields whose typed value differs from the registered card."""
        card = self.host.card
        if card is None:
            return {}
        values = self.host.state.typed_values()
        return {name: values.get(name) for name, f in FIELDS.items()
                if format_value(f, values.get(name)) != format_value(f, getattr(card, name))}

    def cancel(self) -> None:
        """Esc while correcting: ask before dropping edits, then show the card again."""
        if not self.changed_lines():
            self._end()
            return
        self.host.open(ConfirmScreen(self.host.lang, DROP_EDITS),
                       lambda yes: self._end() if yes else None)

    def _end(self, card: Card | None = None) -> None:
        self.active = False
        shown = card or self.host.card
        if shown is not None:
            self.host.show_card(Card.get_by_id(shown.id))

    def save(self) -> None:
        from tui.screens.correction_reason import ReasonChoice, ReasonDialog, Window

        changes = self.changed_lines()
        card = self.host.card
        if card is None:
            return
        if not changes:
            self.host.say(self.host.tr(NOTHING_CHANGED))
            return
        if checked_in_full(self.host):
            return

        def reasoned(choice: ReasonChoice | None) -> None:
            if choice is not None:
                self._write(changes, choice)

        window = Window(card.status, self.host.session.cfg.correction_window_days)
        self.host.open(ReasonDialog(self.host.lang, "correct", list(changes), window=window),
                       reasoned)

    def _write(self, changes: dict[str, Any], choice: Any) -> None:
        from models.corrections import ConflictError, CorrectionRefused, correct_card
        from models.permissions import PermissionDenied

        host = self.host
        card = host.card
        if card is None:
            return
        try:
            saved = correct_card(card.id, changes, host.session.user, choice.code, choice.text,
                                 choice.per_field or None, expected_version=self._opened_version,
                                 error_found_on=choice.found_on,
                                 override_reason=choice.override or None,
                                 window_days=host.session.cfg.correction_window_days)
        except ConflictError as exc:
            lines = ", ".join(dict.fromkeys(FIELDS[c.field_name].line for c in exc.changes
                                            if c.field_name in FIELDS))
            host.open(NoticeScreen(host.lang, exc.message,
                                   host.tr(CONFLICT_DETAIL.format(lines=lines))))
            return
        except CorrectionRefused as exc:
            host.open(IssuesScreen(host.lang, exc.issues, "errors") if exc.issues
                      else NoticeScreen(host.lang, exc.message))
            return
        except PermissionDenied as exc:
            host.open(NoticeScreen(host.lang, exc.message))
            return
        self._end(card)
        done = host.tr(CORRECTED.format(n=card.id, k=len(saved.rows)))
        # after the rebuilt form has shown its own status line
        host.app.call_after_refresh(host.say, done)
