"""What is overdue where the operator works: the Directorate's 3 working days to check a
dispatched card (§12), a returned card not sent back by the next dispatch day (§11), a
notice of execution not made a working day after execution (§35), open liability
requests past their deadline (§39); counted in working days of [calendar]; shown on the
card list (F5) and listed by Enter on its empty form."""

from __future__ import annotations

import datetime as dt

import pytest

from models import lifecycle
from models import overdue as late
from models import requests as rq
from models.auth import add_user, os_account
from models.cards import register_card
from models.corrections import change_status
from models.ids import make_iin
from models.lifecycle import Event
from models.notices import add_execution, execution_due
from models.tables import Card, Role
from tests.test_validation import individual_card
from tests.trust_helpers import set_card

D = dt.date


@pytest.fixture
def admin(db, books):
    return add_user("boss", Role.ADMINISTRATOR, by=None, os_account_name=os_account(),
                    full_name="Жанова Д.С.")


def _card(admin, n: int, **over) -> Card:
    born = D(1980, 1, n)
    return register_card(individual_card(journal_no=f"{600 + n:05d}", iin=make_iin(born, "3", n),
                                         birth_date=born, **over), admin, today=D(2025, 3, 1))


def _register(admin, cfg):
    """A dispatched card, a returned one, an executed fine without a notice, an executed
    fine with its notice, and a request."""
    sent = _card(admin, 1)
    set_card(sent.id, status="dispatched", dispatched_at=dt.datetime(2025, 3, 10, 9))
    back = _card(admin, 2)
    set_card(back.id, status="returned", returned_at=dt.datetime(2025, 3, 12, 9))
    paid = _card(admin, 3)
    change_status(paid.id, Event.EXECUTE, admin, executed_on=D(2025, 3, 14), today=D(2025, 3, 14))
    noticed = _card(admin, 4)
    add_execution(noticed.id, 10 * 3932, D(2025, 3, 13), admin, proof_on=D(2025, 3, 13),
                  today=D(2025, 3, 13))
    on_card = _card(admin, 5, fine_collected=10 * 3932)  # collected on the card: no notice
    change_status(on_card.id, Event.EXECUTE, admin, executed_on=D(2025, 3, 14),
                  today=D(2025, 3, 14))
    change_status(noticed.id, Event.EXECUTE, admin, executed_on=D(2025, 3, 14),
                  today=D(2025, 3, 14))
    rq.add_request({"surname": "Петров", "given_name": "Пётр", "birth_date": D(1990, 1, 1),
                    "grounds": "проверка"}, admin, cal=cfg.calendar, today=D(2025, 3, 3))
    return sent, back, paid


def test_each_deadline_in_working_days(admin, cfg) -> None:
    sent, back, paid = _register(admin, cfg)
    cal = cfg.calendar
    check_due = lifecycle.return_deadline(D(2025, 2, 5), cfg.return_working_days, cal)
    resend_due = lifecycle.resend_due(D(2025, 3, 12), cfg.dispatch_days, cal)
    notice_due = execution_due(D(2025, 3, 14), cal)
    # the day each falls due: nothing of it yet
    assert late.overdue(cfg, admin, notice_due).count(late.NOTICE) == 0
    assert late.overdue(cfg, admin, resend_due).count(late.RESEND) == 0
    found = late.overdue(cfg, admin, D(2025, 4, 1))
    assert {(c.card_id, c.kind, c.due) for c in found.cards} == {
        (sent.id, late.CHECK, check_due), (back.id, late.RESEND, resend_due),
        (paid.id, late.NOTICE, notice_due)}
    assert found.requests == 1
    assert resend_due == D(2025, 3, 20) and check_due > D(2025, 2, 5)


def test_a_reader_without_the_register_sees_nothing(admin, cfg) -> None:
    _register(admin, cfg)
    assert late.overdue(cfg, None, D(2025, 4, 1)).empty
