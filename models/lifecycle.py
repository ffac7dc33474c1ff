"""Life of a card (§6, §11, §12): which status changes are allowed from which status,
who may make them, and the calendar rules (dispatch days, working-day deadlines).

Pure rules, no database: models/corrections.py applies them and logs every change.

    registered -> dispatched (on the dispatch days) -> returned (reason; 3 working days)
    -> corrected -> dispatched again;  any registered status -> removed;  -> executed
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection, Iterable
from enum import StrEnum

from models.i18n import T
from models.permissions import Action
from models.tables import Status


class Event(StrEnum):
    DISPATCH = "dispatch"
    RETURN = "return"
    CORRECT = "correct"
    REMOVE = "remove"
    EXECUTE = "execute"


S = Status
# Statuses a card of the register (not a draft, not destroyed) can be in.
LIVE = frozenset({S.REGISTERED, S.DISPATCHED, S.RETURNED, S.CORRECTED, S.EXECUTED})

# event -> (statuses it may start from, permission it needs, reason required)
RULES: dict[Event, tuple[frozenset[Status], Action, bool]] = {
    Event.DISPATCH: (frozenset({S.REGISTERED, S.CORRECTED}), Action.DISPATCH_CARD, False),
    Event.RETURN: (frozenset({S.DISPATCHED}), Action.RETURN_CARD, True),
    Event.CORRECT: (LIVE, Action.CORRECT_CARD, True),
    Event.REMOVE: (LIVE, Action.REMOVE_CARD, True),
    Event.EXECUTE: (frozenset({S.REGISTERED, S.DISPATCHED, S.CORRECTED}), Action.EXECUTE_CARD,
                    False),
}

# Where a correction leaves the card: a card the Directorate already has (dispatched,
# returned) must be sent again, so it becomes `corrected`; one not sent yet stays as it is.
_AFTER_CORRECTION = {S.REGISTERED: S.REGISTERED, S.DISPATCHED: S.CORRECTED,
                     S.RETURNED: S.CORRECTED, S.CORRECTED: S.CORRECTED, S.EXECUTED: S.EXECUTED}
_AFTER = {Event.DISPATCH: S.DISPATCHED, Event.RETURN: S.RETURNED, Event.REMOVE: S.REMOVED,
          Event.EXECUTE: S.EXECUTED}

# The timestamp column each resulting status sets on the card.
STAMP = {S.DISPATCHED: "dispatched_at", S.RETURNED: "returned_at", S.CORRECTED: "corrected_at",
         S.REMOVED: "removed_at", S.EXECUTED: "executed_at"}

STATUS_LABELS: dict[Status, T] = {
    S.DRAFT: T("жоба", "черновик"),
    S.REGISTERED: T("тіркелді", "зарегистрирована"),
    S.DISPATCHED: T("жіберілді", "отправлена"),
    S.RETURNED: T("қайтарылды", "возвращена"),
    S.CORRECTED: T("түзетілді", "исправлена"),
    S.REMOVED: T("алынып тасталды", "исключена"),
    S.EXECUTED: T("орындалды", "исполнена"),
    S.PURGED: T("жойылды", "уничтожена"),
}

EVENT_LABELS: dict[Event, T] = {
    Event.DISPATCH: T("жіберу", "отправка"),
    Event.RETURN: T("қайтару", "возврат"),
    Event.CORRECT: T("түзету", "исправление"),
    Event.REMOVE: T("алып тастау", "удаление"),
    Event.EXECUTE: T("орындалды", "исполнение"),
}


class TransitionRefused(Exception):
    def __init__(self, message: T) -> None:
        super().__init__(message.ru)
        self.message = message


def status_label(status: str) -> T:
    try:
        return STATUS_LABELS[Status(status)]
    except ValueError:
        return T(status, status)


def action_for(event: Event) -> Action:
    return RULES[event][1]


def needs_reason(event: Event) -> bool:
    return RULES[event][2]


def allowed_from(event: Event, status: str) -> bool:
    return status in {s.value for s in RULES[event][0]}


def target(event: Event, status: str) -> Status:
    """The status a card in `status` goes to on `event`; TransitionRefused if not allowed."""
    if not allowed_from(event, status):
        raise TransitionRefused(T(
            f"«{status_label(status).kk}» күйіндегі карточкаға рұқсат жоқ: {EVENT_LABELS[event].kk}",
            f"Для карточки в состоянии «{status_label(status).ru}» недопустимо: "
            f"{EVENT_LABELS[event].ru}"))
    if event == Event.CORRECT:
        return _AFTER_CORRECTION[Status(status)]
    return _AFTER[event]


def events_from(status: str) -> list[Event]:
    """Events a card in `status` allows (before checking the user's role)."""
    return [e for e in Event if allowed_from(e, status)]


# --- working days (§12) -------------------------------------------------------------

def is_working_day(day: dt.date, holidays: Collection[dt.date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, n: int, holidays: Collection[dt.date] = ()) -> dt.date:
    """The day `n` working days after `start` (start itself not counted)."""
    day, left = start, n
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


def return_deadline(returned_on: dt.date, working_days: int = 3,
                    holidays: Collection[dt.date] = ()) -> dt.date:
    """Last day to correct and resend a returned card (§12: 3 working days)."""
    return add_working_days(returned_on, working_days, holidays)


def is_overdue(status: str, returned_at: dt.datetime | dt.date | None, today: dt.date,
               working_days: int = 3, holidays: Collection[dt.date] = ()) -> bool:
    if status != Status.RETURNED.value or returned_at is None:
        return False
    day = returned_at.date() if isinstance(returned_at, dt.datetime) else returned_at
    return today > return_deadline(day, working_days, holidays)


# --- dispatch days (§11) ------------------------------------------------------------

def _scheduled_in_month(year: int, month: int, days: Iterable[int]) -> set[dt.date]:
    # The 30th in February is its last day: a schedule day never silently disappears.
    last = calendar.monthrange(year, month)[1]
    return {dt.date(year, month, min(d, last)) for d in days}


def is_scheduled(day: dt.date, days: Iterable[int]) -> bool:
    return day in _scheduled_in_month(day.year, day.month, days)


def is_dispatch_day(day: dt.date, days: Iterable[int]) -> bool:
    """A scheduled day, or the first working day after a scheduled day that fell on a
    weekend (the cards of Saturday the 10th go on Monday the 12th)."""
    days = list(days)
    if is_scheduled(day, days):
        return True
    if not is_working_day(day):
        return False
    back = day - dt.timedelta(days=1)
    while not is_working_day(back):
        if is_scheduled(back, days):
            return True
        back -= dt.timedelta(days=1)
    return False


def next_dispatch_day(day: dt.date, days: Iterable[int]) -> dt.date:
    """The first dispatch day on or after `day`."""
    days = list(days)
    for offset in range(0, 62):
        candidate = day + dt.timedelta(days=offset)
        if is_dispatch_day(candidate, days):
            return candidate
    raise ValueError(f"no dispatch day within two months of {day} for days {days}")
