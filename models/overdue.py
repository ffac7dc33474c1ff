"""What is overdue now, for the place the operator works (the card list, F5).

- `check`: a dispatched card the Directorate has neither accepted nor returned within its
  3 working days of receiving it (§12; line 7, else the dispatch day): the Directorate's
  overdue;
- `resend`: a returned card not sent back corrected by the first dispatch day after its
  return (§11, §12): the body's overdue;
- `notice`: a card whose fine was executed (status executed, line 12 above zero) while
  line 13 does not show it collected, with no notice of execution one working day after
  the execution was recorded (§35: a fine shown collected on the card itself needs none);
- requests: liability requests still open past their 5 (or 1) working days (§39).

Deadlines count working days of config [calendar]. Only the columns needed are read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models import lifecycle
from models.calendar import WorkCalendar
from models.config import Config
from models.i18n import T
from models.notices import EXECUTION, execution_due
from models.permissions import Action, allowed
from models.register_tables import LiabilityRequest, Notice
from models.requests import OPEN
from models.tables import Card, Status, User

CHECK, RESEND, NOTICE = "check", "resend", "notice"
KIND_LABELS = {CHECK: T("тексеру", "проверка"), RESEND: T("қайтару", "возврат"),
               NOTICE: T("хабарл.", "извещ.")}


@dataclass(frozen=True)
class OverdueCard:
    card_id: int
    kind: str  # CHECK, RESEND, NOTICE
    due: dt.date  # the last day it was due


@dataclass
class Overdue:
    cards: list[OverdueCard] = field(default_factory=list)
    requests: int = 0

    def count(self, kind: str) -> int:
        return sum(c.kind == kind for c in self.cards)

    @property
    def empty(self) -> bool:
        return not self.cards and not self.requests


class _Row:
    """The columns the deadlines read (lifecycle.received_on, deadlines)."""

    __slots__ = ("id", "status", "received_date", "dispatched_at", "returned_at")

    def __init__(self, *values: object) -> None:
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)


def overdue(cfg: Config, user: User | None, today: dt.date | None = None) -> Overdue:
    """Everything overdue on `today` that `user` may read (nothing for a user who may
    not read the register)."""
    today = today or dt.date.today()
    out = Overdue()
    if not allowed(user, Action.READ_REGISTER):
        return out
    cal = cfg.calendar
    out.cards = (_checks(cfg.return_working_days, cal, today)
                 + _resends(cfg.dispatch_days, cal, today) + _notices(cal, today))
    out.cards.sort(key=lambda c: (c.due, c.card_id))
    if allowed(user, Action.READ_REQUESTS):
        out.requests = LiabilityRequest.select().where(
            LiabilityRequest.status == OPEN, LiabilityRequest.due_on < today).count()
    return out


def _rows(status: Status) -> list[_Row]:
    return [_Row(*r) for r in Card.select(Card.id, Card.status, Card.received_date,
                                          Card.dispatched_at, Card.returned_at)
            .where(Card.status == status.value).order_by(Card.id).tuples()]


def _checks(working_days: int, cal: WorkCalendar, today: dt.date) -> list[OverdueCard]:
    out = []
    for row in _rows(Status.DISPATCHED):
        received = lifecycle.received_on(row)
        if received is None:
            continue
        due = lifecycle.return_deadline(received, working_days, cal)
        if today > due:
            out.append(OverdueCard(row.id, CHECK, due))
    return out


def _resends(dispatch_days: list[int], cal: WorkCalendar, today: dt.date
             ) -> list[OverdueCard]:
    out = []
    for row in _rows(Status.RETURNED):
        returned = row.returned_at.date() if row.returned_at else None
        if returned is None:
            continue
        due = lifecycle.resend_due(returned, dispatch_days, cal)
        if today > due:
            out.append(OverdueCard(row.id, RESEND, due))
    return out


def _notices(cal: WorkCalendar, today: dt.date) -> list[OverdueCard]:
    noticed = Notice.select(Notice.card).where(Notice.kind == EXECUTION)
    out = []
    for cid, executed in (Card.select(Card.id, Card.executed_at)
                          .where(Card.status == Status.EXECUTED.value,
                                 Card.fine_imposed > 0, Card.executed_at.is_null(False),
                                 Card.fine_collected.is_null()
                                 | (Card.fine_collected < Card.fine_imposed),
                                 Card.id.not_in(noticed)).order_by(Card.id).tuples()):
        due = execution_due(executed.date(), cal)
        if today > due:
            out.append(OverdueCard(cid, NOTICE, due))
    return out
