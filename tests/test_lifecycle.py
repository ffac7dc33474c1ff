"""Life of a card (§11, §12): allowed steps by status and role, dispatch days,
the 3-working-day return deadline counted without weekends, every step logged."""

from __future__ import annotations

import datetime as dt

import pytest

from models import lifecycle
from models.audit import Correction
from models.calendar import WorkCalendar
from models.corrections import CorrectionRefused, change_status, correct_card, dispatch_due
from models.lifecycle import Event
from models.permissions import PermissionDenied
from models.tables import Card, Status
from tests.test_corrections import ADMIN_DAY, DISPATCH_DAYS, make_card, people  # noqa: F401

D = dt.date
S = Status


# --- working days --------------------------------------------------------------------

def test_return_deadline_skips_the_weekend() -> None:
    friday = D(2025, 2, 7)
    assert friday.weekday() == 4
    # Mon 10, Tue 11, Wed 12: three working days after Friday.
    assert lifecycle.return_deadline(friday, 3) == D(2025, 2, 12)
    assert lifecycle.return_deadline(D(2025, 2, 5), 3) == D(2025, 2, 10)  # Wed -> Mon
    assert lifecycle.return_deadline(D(2025, 2, 3), 3) == D(2025, 2, 6)  # Mon -> Thu
    saturday = D(2025, 2, 8)
    assert lifecycle.return_deadline(saturday, 3) == D(2025, 2, 12)


def test_deadline_across_holidays_of_the_calendar() -> None:
    cal = WorkCalendar.from_config({"holidays": ["02-10"]})
    assert lifecycle.return_deadline(D(2025, 2, 7), 3, cal) == D(2025, 2, 13)


class _Card:
    def __init__(self, status: str, received: dt.date | None, returned: dt.datetime | None,
                 dispatched: dt.datetime | None = None) -> None:
        self.status, self.received_date, self.returned_at = status, received, returned
        self.dispatched_at = dispatched


def test_section_12_deadline_is_the_directorates_counted_from_receipt() -> None:
    # Received (line 7) Friday 7 Feb 2025: the Directorate returns it by Wed 12 Feb.
    on_time = _Card("returned", D(2025, 2, 7), dt.datetime(2025, 2, 12, 17, 0))
    due = lifecycle.deadlines(on_time, D(2025, 2, 13))
    assert due.return_by == D(2025, 2, 12) and not due.returned_late
    late = _Card("returned", D(2025, 2, 7), dt.datetime(2025, 2, 13, 9, 0))
    assert lifecycle.deadlines(late, D(2025, 2, 13)).returned_late
    # Not overdue three working days after the return: the body sends the corrected card
    # with the next dispatch (§11), 20 Feb; overdue only after that day.
    due = lifecycle.deadlines(on_time, D(2025, 2, 18))
    assert due.resend_by == D(2025, 2, 20) and not due.overdue and due.mark == " "
    assert lifecycle.deadlines(on_time, D(2025, 2, 21)).overdue
    assert lifecycle.deadlines(late, D(2025, 2, 21)).mark == "!"
    assert lifecycle.deadlines(late, D(2025, 2, 14)).mark == "L"
    corrected = _Card("corrected", D(2025, 2, 7), dt.datetime(2025, 2, 12))
    assert not lifecycle.deadlines(corrected, D(2025, 3, 30)).overdue
    # No line 7: the day it was dispatched counts as received.
    sent = _Card("dispatched", None, None, dt.datetime(2025, 2, 10, 11, 0))
    assert lifecycle.deadlines(sent, D(2025, 2, 10)).return_by == D(2025, 2, 13)


# --- dispatch days -------------------------------------------------------------------

def test_dispatch_days_10_20_30() -> None:
    days = [10, 20, 30]
    assert lifecycle.is_dispatch_day(D(2025, 3, 10), days)
    assert not lifecycle.is_dispatch_day(D(2025, 3, 11), days)
    assert lifecycle.is_dispatch_day(D(2025, 2, 28), days)  # February has no 30th
    assert not lifecycle.is_dispatch_day(D(2025, 2, 27), days)
    # Saturday 10 May 2025: the cards also go on Monday the 12th, not on Tuesday.
    assert D(2025, 5, 10).weekday() == 5
    assert lifecycle.is_dispatch_day(D(2025, 5, 12), days)
    assert not lifecycle.is_dispatch_day(D(2025, 5, 13), days)
    assert lifecycle.next_dispatch_day(D(2025, 3, 11), days) == D(2025, 3, 20)
    assert lifecycle.next_dispatch_day(D(2025, 3, 31), days) == D(2025, 3, 31)  # 30th: Sunday
    assert lifecycle.next_dispatch_day(D(2025, 4, 1), days) == D(2025, 4, 10)


# --- the transition table ------------------------------------------------------------

EXPECTED = {
    Event.DISPATCH: {S.REGISTERED: S.DISPATCHED, S.CORRECTED: S.DISPATCHED},
    Event.ACCEPT: {S.DISPATCHED: S.ACCEPTED},
    Event.RETURN: {S.DISPATCHED: S.RETURNED},
    Event.CORRECT: {S.REGISTERED: S.REGISTERED, S.DISPATCHED: S.CORRECTED, S.ACCEPTED: S.CORRECTED,
                    S.RETURNED: S.CORRECTED, S.CORRECTED: S.CORRECTED, S.EXECUTED: S.EXECUTED},
    Event.REMOVE: {s: S.REMOVED for s in (S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.RETURNED,
                                          S.CORRECTED, S.EXECUTED)},
    Event.EXECUTE: {S.REGISTERED: S.EXECUTED, S.DISPATCHED: S.EXECUTED, S.ACCEPTED: S.EXECUTED,
                    S.CORRECTED: S.EXECUTED},
}


@pytest.mark.parametrize("event", list(Event))
@pytest.mark.parametrize("status", list(Status))
def test_every_event_from_every_status(event: Event, status: Status) -> None:
    want = EXPECTED[event].get(status)
    if want is None:
        with pytest.raises(lifecycle.TransitionRefused) as exc:
            lifecycle.target(event, status.value)
        assert exc.value.message.kk and exc.value.message.ru
    else:
        assert lifecycle.target(event, status.value) == want


# --- on the database -----------------------------------------------------------------

def _status_rows(card_id: int) -> list[tuple[str, str, str, str | None]]:
    return [(r.event, r.old_value, r.new_value, r.reason_code) for r in Correction.select()
            .where((Correction.card == card_id) & (Correction.field_name == "status"))
            .order_by(Correction.id)]


def test_full_life_of_a_card_is_logged(people) -> None:  # noqa: F811
    card = make_card(people["operator"])
    admin = people["administrator"]
    on_day = D(2025, 3, 10)
    change_status(card.id, Event.DISPATCH, people["operator"], dispatch_days=DISPATCH_DAYS,
                  today=on_day)
    change_status(card.id, Event.RETURN, admin, reason_code="01",
                  reason_text="Басқарма: 9-жол қате", today=D(2025, 3, 12))
    c = Card.get_by_id(card.id)
    assert c.status == "returned" and c.returned_at is not None
    saved = correct_card(card.id, {"protocol_no": "000123457"}, admin, "01",
                         "Басқарма қайтарды: хаттама нөмірі", expected_version=c.version,
                         today=D(2025, 3, 13))
    assert saved.status == "corrected"
    change_status(card.id, Event.DISPATCH, admin, dispatch_days=DISPATCH_DAYS,
                  today=D(2025, 3, 20))
    change_status(card.id, Event.EXECUTE, admin, today=D(2025, 3, 25))
    assert _status_rows(card.id) == [
        ("dispatch", "registered", "dispatched", None),
        ("return", "dispatched", "returned", "01"),
        ("correct", "returned", "corrected", "01"),
        ("dispatch", "corrected", "dispatched", None),
        ("execute", "dispatched", "executed", None),
    ]
    c = Card.get_by_id(card.id)
    assert c.status == "executed" and c.version == 6 and c.executed_at and c.dispatched_at


def test_dispatch_refused_on_other_days_and_return_needs_reason(people) -> None:  # noqa: F811
    card = make_card(people["operator"])
    with pytest.raises(CorrectionRefused) as exc:
        change_status(card.id, Event.DISPATCH, people["operator"], dispatch_days=DISPATCH_DAYS,
                      today=D(2025, 3, 11))
    assert "20.03.2025" in exc.value.message.ru and "20.03.2025" in exc.value.message.kk
    change_status(card.id, Event.DISPATCH, people["operator"], dispatch_days=DISPATCH_DAYS,
                  today=D(2025, 3, 10))
    with pytest.raises(CorrectionRefused):
        change_status(card.id, Event.RETURN, people["administrator"], reason_code="01",
                      reason_text="  ", today=D(2025, 3, 11))
    change_status(card.id, Event.RETURN, people["administrator"], reason_code="01",
                  reason_text="ok", today=D(2025, 3, 11))
    with pytest.raises(CorrectionRefused):  # returning twice: not from `returned`
        change_status(card.id, Event.RETURN, people["administrator"], reason_code="01",
                      reason_text="again", today=D(2025, 3, 11))
    assert Card.get_by_id(card.id).status == "returned"


def test_removed_card_allows_nothing_more(people) -> None:  # noqa: F811
    admin = people["administrator"]
    card = make_card(people["operator"])
    change_status(card.id, Event.REMOVE, admin, reason_code="06",
                  reason_text="§12: внесена с нарушением", today=ADMIN_DAY)
    for event in (Event.DISPATCH, Event.RETURN, Event.EXECUTE, Event.REMOVE):
        with pytest.raises(CorrectionRefused):
            change_status(card.id, event, admin, reason_code="06", reason_text="x",
                          dispatch_days=DISPATCH_DAYS, today=D(2025, 3, 10))
    with pytest.raises(CorrectionRefused):
        correct_card(card.id, {"protocol_no": "1"}, admin, "04", "x", expected_version=2,
                     today=ADMIN_DAY)


def test_dispatch_due_sends_registered_and_corrected_only(people) -> None:  # noqa: F811
    op, admin = people["operator"], people["administrator"]
    a = make_card(op, journal_no="00001")
    b = make_card(op, journal_no="00002")
    make_card(op, journal_no="00003")
    change_status(b.id, Event.REMOVE, admin, reason_code="06", reason_text="дубль",
                  today=ADMIN_DAY)
    with pytest.raises(PermissionDenied):
        dispatch_due(people["auditor"], DISPATCH_DAYS, today=D(2025, 3, 10))
    with pytest.raises(CorrectionRefused):
        dispatch_due(op, DISPATCH_DAYS, today=D(2025, 3, 11))
    assert dispatch_due(op, DISPATCH_DAYS, today=D(2025, 3, 10)) == 2
    assert Card.get_by_id(a.id).status == "dispatched"
    assert Card.get_by_id(b.id).status == "removed"
    assert dispatch_due(op, DISPATCH_DAYS, today=D(2025, 3, 20)) == 0


def test_dispatch_day_moves_past_a_holiday_of_the_calendar() -> None:
    cal = WorkCalendar.from_config({"holidays": ["03-10"]})  # Monday 10 March 2025 a holiday
    assert lifecycle.is_dispatch_day(D(2025, 3, 10), [10, 20, 30], cal)  # the day itself
    assert lifecycle.is_dispatch_day(D(2025, 3, 11), [10, 20, 30], cal)
    assert not lifecycle.is_dispatch_day(D(2025, 3, 11), [10, 20, 30])
