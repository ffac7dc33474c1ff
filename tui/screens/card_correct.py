"""Correcting a registered card on the card screen (§34-2), for administrators.

F8 on a card opened from the card list unlocks its lines; F2 asks the reason (a code
and a text, one for all changed lines or one per line) and hands the changes to
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
from tui.screens.messages import ConfirmScreen, IssuesScreen, NoticeScreen

# models.corrections and the reason dialog are imported when a correction starts:
# they are not on the path of the operator's first keystroke (start-up budget).

CORRECTING = T("Түзету: өзгертіп, F2 (Esc Esc: болдырмау)",
               "Исправление: измените, F2 (Esc Esc: отмена)")
NOT_ALLOWED = T("Түзетуді тек әкімші жасайды (34-2-т.)",
                "Исправляет только администратор (п. 34-2)")
NOTHING_CHANGED = T("Ештеңе өзгертілмеді", "Ничего не изменено")
CORRECTED = T("Карточка №{n} түзетілді, журналда {k} жол",
              "Карточка №{n} исправлена, в журнале строк: {k}")
DROP_EDITS = T("Түзетулер сақталмайды. Шығу керек пе?", "Исправления не будут сохранены. Выйти?")
CONFLICT_DETAIL = T("Сіз ашқаннан кейін өзгертілді: {lines}",
                    "Изменено после того, как вы открыли: {lines}")


class CorrectionMode:
    """Mixin for CardScreen. Needs: session, card, state, readonly, lang, tr(),
    app, _show_status(), _rebuild_form(readonly)."""

    correcting: bool = False
    _opened_version: int = 0

    def start_correction(self) -> None:
        card: Card | None = self.card  # type: ignore[attr-defined]
        if card is None or self.correcting:
            return
        if not allowed(self.session.user, Action.CORRECT_CARD):  # type: ignore[attr-defined]
            self._show_status(message=self.tr(NOT_ALLOWED))  # type: ignore[attr-defined]
            return
        self.correcting = True
        self._opened_version = card.version
        self._rebuild_form(readonly=False)  # type: ignore[attr-defined]
        self._show_status(message=self.tr(CORRECTING))  # type: ignore[attr-defined]

    def changed_lines(self) -> dict[str, Any]:
        """Fields whose typed value differs from the registered card."""
        card: Card = self.card  # type: ignore[attr-defined]
        values = self.state.typed_values()  # type: ignore[attr-defined]
        out = {}
        for name, f in FIELDS.items():
            if format_value(f, values.get(name)) != format_value(f, getattr(card, name)):
                out[name] = values.get(name)
        return out

    def cancel_correction(self) -> None:
        """Esc while correcting: ask before dropping edits, then show the card again."""
        if not self.changed_lines():
            self._end_correction()
            return
        self.app.push_screen(ConfirmScreen(self.lang, DROP_EDITS),  # type: ignore[attr-defined]
                             lambda yes: self._end_correction() if yes else None)

    def _end_correction(self, card: Card | None = None) -> None:
        self.correcting = False
        if card is not None:
            self.card = card  # type: ignore[attr-defined]
        self._reload_card()  # type: ignore[attr-defined]

    def save_correction(self) -> None:
        from tui.screens.correction_reason import ReasonChoice, ReasonDialog

        changes = self.changed_lines()
        if not changes:
            self._show_status(message=self.tr(NOTHING_CHANGED))  # type: ignore[attr-defined]
            return

        def reasoned(choice: ReasonChoice | None) -> None:  # noqa: F821
            if choice is not None:
                self._write_correction(changes, choice)

        self.app.push_screen(ReasonDialog(self.lang, "correct", list(changes)),  # type: ignore
                             reasoned)

    def _write_correction(self, changes: dict[str, Any], choice: Any) -> None:
        from models.corrections import ConflictError, CorrectionRefused, correct_card
        from models.permissions import PermissionDenied

        card: Card = self.card  # type: ignore[attr-defined]
        lang = self.lang  # type: ignore[attr-defined]
        try:
            saved = correct_card(card.id, changes, self.session.user,  # type: ignore
                                 choice.code, choice.text, choice.per_field or None,
                                 expected_version=self._opened_version)
        except ConflictError as exc:
            lines = ", ".join(dict.fromkeys(FIELDS[c.field_name].line for c in exc.changes
                                            if c.field_name in FIELDS))
            self.app.push_screen(NoticeScreen(lang, exc.message,  # type: ignore
                                              self.tr(CONFLICT_DETAIL.format(lines=lines))))
            return
        except CorrectionRefused as exc:
            if exc.issues:
                self.app.push_screen(IssuesScreen(lang, exc.issues, "errors"))  # type: ignore
            else:
                self.app.push_screen(NoticeScreen(lang, exc.message))  # type: ignore
            return
        except PermissionDenied as exc:
            self.app.push_screen(NoticeScreen(lang, exc.message))  # type: ignore
            return
        self._end_correction(Card.get_by_id(card.id))
        done = self.tr(CORRECTED.format(n=card.id, k=len(saved.rows)))  # type: ignore
        # after the rebuilt form has shown its own status line
        self.call_after_refresh(lambda: self._show_status(message=done))  # type: ignore
