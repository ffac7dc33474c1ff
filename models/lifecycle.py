"""Life of a card (§6, §11, §12): which status changes are allowed from which status,
who may make them, and the calendar rules (dispatch days, working-day deadlines).

Pure rules, no database: models/corrections.py applies them and logs every change.

    registered -> dispatched (on the dispatch days) -> accepted (the receiver's
    acknowledgement) or returned (reason; within 3 working days of receipt) -> corrected
    -> dispatched again (next dispatch day);  any registered status -> removed;  -> executed
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from models.calendar import WEEKENDS_ONLY, WorkCalendar
from models.i18n import T
from models.permissions import Action
from models.tables import Status

if TYPE_CHECKING:
    from models.config import Config


class Event(StrEnum):
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    RETURN = "return"
    CORRECT = "correct"
    REMOVE = "remove"
    EXECUTE = "execute"


S = Status
# Statuses a card of the register (not a draft, not destroyed) can be in.
LIVE = frozenset({S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.CORRECTED,
                  S.EXECUTED})

# event -> (statuses it may start from, permission it needs, reason required)
RULES: dict[Event, tuple[frozenset[Status], Action, bool]] = {
    Event.DISPATCH: (frozenset({S.REGISTERED, S.CORRECTED}), Action.DISPATCH_CARD, False),
    # Recorded from the receiver's acknowledgement by whoever imports it.
    Event.ACCEPT: (frozenset({S.DISPATCHED}), Action.DISPATCH_CARD, False),
    Event.RETURN: (frozenset({S.DISPATCHED}), Action.RETURN_CARD, True),
    Event.CORRECT: (LIVE, Action.CORRECT_CARD, True),
    Event.REMOVE: (LIVE, Action.REMOVE_CARD, True),
    Event.EXECUTE: (frozenset({S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.CORRECTED}),
                    Action.EXECUTE_CARD, False),
}

# Where a correction leaves the card: a card the Directorate already has (dispatched,
# returned) must be sent again, so it becomes `corrected`; one not sent yet stays as it is.
_AFTER_CORRECTION = {S.REGISTERED: S.REGISTERED, S.DISPATCHED: S.CORRECTED,
                     S.ACCEPTED: S.CORRECTED, S.RETURNED: S.CORRECTED, S.CORRECTED: S.CORRECTED,
                     S.EXECUTED: S.EXECUTED}
_AFTER = {Event.DISPATCH: S.DISPATCHED, Event.ACCEPT: S.ACCEPTED, Event.RETURN: S.RETURNED,
          Event.REMOVE: S.REMOVED, Event.EXECUTE: S.EXECUTED}

# The timestamp column each resulting status sets on the card (acceptance has none:
# the acknowledgement that brought it is kept with the package).
STAMP = {S.DISPATCHED: "dispatched_at", S.RETURNED: "returned_at", S.CORRECTED: "corrected_at",
         S.REMOVED: "removed_at", S.EXECUTED: "executed_at"}

STATUS_LABELS: dict[Status, T] = {
    S.DRAFT: T("жоба", "черновик"),
    S.REGISTERED: T("тіркелді", "зарегистрирована"),
    S.DISPATCHED: T("жіберілді", "отправлена"),
    S.ACCEPTED: T("қабылданды", "принята"),
    S.RETURNED: T("қайтарылды", "возвращена"),
    S.CORRECTED: T("түзетілді", "исправлена"),
    S.REMOVED: T("алынып тасталды", "исключена"),
    S.EXECUTED: T("орындалды", "исполнена"),
    S.PURGED: T("жойылды", "уничтожена"),
}

EVENT_LABELS: dict[Event, T] = {
    Event.DISPATCH: T("жіберу", "отправка"),
    Event.ACCEPT: T("қабылдау", "приём"),
    Event.RETURN: T("қайтару", "возврат"),
    Event.CORRECT: T("түзету", "исправление"),
    Event.REMOVE: T("алып тастау", "удаление"),
    Event.EXECUTE: T("орындалды", "исполнение"),
}


class DocumentEvent(StrEnum):
    """Log events of the register's other documents: a change they bring to a card (line
    13 from a payment notice, lines 19/19.1 from a protest, a purge), or a journal entry."""

    NOTICE = "notice"
    PROTEST = "protest"
    PURGE = "purge"
    JOURNAL = "journal"


DOCUMENT_EVENT_LABELS: dict[DocumentEvent, T] = {
    DocumentEvent.NOTICE: T("хабарлама", "извещение"),
    DocumentEvent.PROTEST: T("наразылық", "протест"),
    DocumentEvent.PURGE: T("жою", "уничтожение"),
    DocumentEvent.JOURNAL: T("тіркеу журналы", "журнал регистрации"),
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


# --- deadlines (§11, §12) in working days --------------------------------------------
#
# §12: a card entered in breach of the Instruction is returned by the Directorate to the
# body that filed it within 3 working days of receiving it: that is the Directorate's
# deadline, counted from line 7 (the date the Directorate received the card). The body
# sends the corrected card with its next dispatch (§11): a returned card is due on the
# first dispatch day after its return.

def is_working_day(day: dt.date, cal: WorkCalendar = WEEKENDS_ONLY) -> bool:
    return cal.is_working_day(day)


def add_working_days(start: dt.date, n: int, cal: WorkCalendar = WEEKENDS_ONLY) -> dt.date:
    """The day `n` working days after `start` (start itself not counted)."""
    return cal.add_working_days(start, n)


def received_on(card: Any) -> dt.date | None:
    """When the Directorate received the card: line 7, else the day it was dispatched."""
    if isinstance(card.received_date, dt.date):
        return card.received_date
    return _day(card.dispatched_at)


def return_deadline(received: dt.date, working_days: int = 3,
                    cal: WorkCalendar = WEEKENDS_ONLY) -> dt.date:
    """The Directorate's last day to return a faulty card received on `received` (§12)."""
    return cal.add_working_days(received, working_days)


def resend_due(returned: dt.date, dispatch_days: Iterable[int],
               cal: WorkCalendar = WEEKENDS_ONLY) -> dt.date:
    """The dispatch day a returned card goes back with, corrected (§11, §12): the first
    dispatch day after the day it was returned."""
    return next_dispatch_day(returned + dt.timedelta(days=1), dispatch_days, cal)


@dataclass(frozen=True)
class Deadlines:
    """A card's deadlines and marks, for lists, titles and the CLI."""

    received: dt.date | None  # line 7 (or the dispatch day)
    return_by: dt.date | None  # the Directorate's last day to return it (§12)
    returned: dt.date | None
    returned_late: bool  # returned after return_by: the Directorate's overdue
    resend_by: dt.date | None  # returned cards: the dispatch day they go back with
    overdue: bool  # returned and not corrected by resend_by: the body's overdue

    @property
    def mark(self) -> str:
        """One character for a list: "!" overdue now, "L" returned late, " " neither."""
        return "!" if self.overdue else ("L" if self.returned_late else " ")


def deadlines(card: Any, today: dt.date, working_days: int = 3,
              dispatch_days: Iterable[int] = (10, 20, 30),
              cal: WorkCalendar = WEEKENDS_ONLY) -> Deadlines:
    """Deadlines of a card (any object with the card's columns)."""
    received = received_on(card)
    return_by = return_deadline(received, working_days, cal) if received else None
    returned = _day(card.returned_at)
    late = bool(returned and return_by and returned > return_by)
    resend = None
    overdue = False
    if card.status == Status.RETURNED.value and returned is not None:
        resend = resend_due(returned, dispatch_days, cal)
        overdue = today > resend
    return Deadlines(received, return_by, returned, late, resend, overdue)


def card_deadlines(card: Any, cfg: Config, today: dt.date | None = None) -> Deadlines:
    """`deadlines` with the configured working days, dispatch days and calendar."""
    return deadlines(card, today or dt.date.today(), cfg.return_working_days,
                     cfg.dispatch_days, cfg.calendar)


def _day(value: dt.datetime | dt.date | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


# --- dispatch days (§11) ------------------------------------------------------------

def _scheduled_in_month(year: int, month: int, days: Iterable[int]) -> set[dt.date]:
    # The 30th in February is its last day: a schedule day never silently disappears.
    last = calendar.monthrange(year, month)[1]
    return {dt.date(year, month, min(d, last)) for d in days}


def is_scheduled(day: dt.date, days: Iterable[int]) -> bool:
    return day in _scheduled_in_month(day.year, day.month, days)


def is_dispatch_day(day: dt.date, days: Iterable[int],
                    cal: WorkCalendar = WEEKENDS_ONLY) -> bool:
    """A scheduled day, or the first working day after a scheduled day that fell on a
    day off (the cards of Saturday the 10th go on Monday the 12th)."""
    days = list(days)
    if is_scheduled(day, days):
        return True
    if not cal.is_working_day(day):
        return False
    back = day - dt.timedelta(days=1)
    while not cal.is_working_day(back):
        if is_scheduled(back, days):
            return True
        back -= dt.timedelta(days=1)
    return False


def next_dispatch_day(day: dt.date, days: Iterable[int],
                      cal: WorkCalendar = WEEKENDS_ONLY) -> dt.date:
    """The first dispatch day on or after `day`."""
    days = list(days)
    for offset in range(0, 62):
        candidate = day + dt.timedelta(days=offset)
        if is_dispatch_day(candidate, days, cal):
            return candidate
    raise ValueError(f"no dispatch day within two months of {day} for days {days}")
