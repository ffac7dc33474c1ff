"""§6: registered data are corrected when the Directorate returns the card, or on the
body's own initiative within one month of finding the error. The date the error was
found is recorded with every correction (`CorrectionBasis`); past the month, only an
administrator's override with its reason lets the correction through.

`check` is the rule (no database); `record` writes the basis in the correction's
transaction. models.corrections.correct_card calls both.
"""

from __future__ import annotations

import datetime as dt

from models.i18n import T
from models.register_tables import CorrectionBasis
from models.tables import Card, Status, User, now
from models.text import clean, find_control

RETURN, OWN, OVERRIDE = "return", "own", "override"
OVERRIDE_MAX = 500


class WindowClosed(Exception):
    def __init__(self, message: T) -> None:
        super().__init__(message.ru)
        self.message = message


def check(status: str, found_on: dt.date | None, today: dt.date, window_days: int = 30,
          override_reason: str | None = None) -> tuple[str, dt.date, str]:
    """(basis, found_on, override text) for a correction, or WindowClosed. `found_on`
    None: the error is being reported today."""
    found = found_on or today
    if found > today:
        raise WindowClosed(T("Қате табылған күн болашақта болмайды",
                             "Дата обнаружения ошибки не может быть в будущем"))
    if status == Status.RETURNED.value:
        return RETURN, found, ""
    last = closed_on(status, found, today, window_days)
    if last is None:
        return OWN, found, ""
    text = override_reason or ""
    if find_control(text) is not None:
        raise WindowClosed(T("Себепте басқару таңбалары болмауы керек",
                             "Причина не должна содержать управляющих символов"))
    text = clean(text)[:OVERRIDE_MAX]
    if not text:
        raise WindowClosed(T(
            f"Қате {found:%d.%m.%Y} табылған: бір айлық мерзім {last:%d.%m.%Y} өтті (§6). "
            "Басқарманың қайтаруы немесе әкімшінің себеппен рұқсаты қажет",
            f"Ошибка обнаружена {found:%d.%m.%Y}: месячный срок истёк {last:%d.%m.%Y} (§6). "
            "Нужен возврат Управления или разрешение администратора с причиной"))
    return OVERRIDE, found, text


def closed_on(status: str, found_on: dt.date, today: dt.date, window_days: int = 30
              ) -> dt.date | None:
    """The last day of the month window when it has passed (an override is needed);
    None when the correction is within it or the Directorate returned the card."""
    if status == Status.RETURNED.value:
        return None
    last = found_on + dt.timedelta(days=window_days)
    return last if today > last else None


def record(card: Card, version: int, basis: tuple[str, dt.date, str], user: User | None
           ) -> CorrectionBasis:
    kind, found, text = basis
    return CorrectionBasis.create(card=card, card_version=version, basis=kind, found_on=found,
                                  override_reason=text, user=user, created_at=now())


def basis_of(card_id: int) -> list[CorrectionBasis]:
    return list(CorrectionBasis.select().where(CorrectionBasis.card == card_id)
                .order_by(CorrectionBasis.id))
