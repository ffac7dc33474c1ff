"""§6: corrections on the body's own initiative within one month of finding the error;
a returned card freely; past the month only with an administrator's override reason. The
date the error was found is recorded with the correction."""

from __future__ import annotations

import datetime as dt

import pytest

from models import correction_window as cw
from models.auth import add_user
from models.cards import register_card
from models.corrections import CorrectionRefused, change_status, correct_card
from models.lifecycle import Event
from models.tables import Card, Role
from tests.test_validation import individual_card

D = dt.date


def test_the_rule() -> None:
    today = D(2025, 4, 30)
    assert cw.check("registered", D(2025, 4, 1), today) == (cw.OWN, D(2025, 4, 1), "")
    assert cw.check("registered", D(2025, 3, 31), today)[0] == cw.OWN  # 30 days: still in
    with pytest.raises(cw.WindowClosed, match="месячный срок истёк 29.04.2025"):
        cw.check("registered", D(2025, 3, 30), D(2025, 5, 1))
    assert cw.check("registered", D(2025, 1, 1), today, override_reason="акт проверки")[0] \
        == cw.OVERRIDE
    assert cw.check("returned", D(2024, 1, 1), today)[0] == cw.RETURN
    assert cw.check("registered", None, today) == (cw.OWN, today, "")
    with pytest.raises(cw.WindowClosed):
        cw.check("registered", D(2025, 5, 2), today)
    with pytest.raises(cw.WindowClosed):
        cw.check("registered", D(2025, 1, 1), today, override_reason="x\x1b[2J")


@pytest.fixture
def card(db, books):
    admin = add_user("boss", Role.ADMINISTRATOR, by=None)
    return register_card(individual_card(), admin, today=D(2025, 3, 1))


def test_correct_card_checks_and_records_the_window(card) -> None:
    admin = card.created_by
    with pytest.raises(CorrectionRefused, match="§6"):
        correct_card(card.id, {"workplace": "ТОО «А»"}, admin, "02", "найдено при сверке",
                     expected_version=card.version, today=D(2025, 5, 1),
                     error_found_on=D(2025, 3, 20))
    assert Card.get_by_id(card.id).workplace is None
    saved = correct_card(card.id, {"workplace": "ТОО «А»"}, admin, "02", "найдено при сверке",
                         expected_version=card.version, today=D(2025, 4, 10),
                         error_found_on=D(2025, 3, 20))
    saved = correct_card(card.id, {"workplace": "ТОО «Б»"}, admin, "04", "ошибка ввода",
                         expected_version=saved.version, today=D(2025, 6, 1),
                         error_found_on=D(2025, 3, 20), override_reason="поручение прокурора")
    basis = [(b.basis, b.found_on, b.override_reason) for b in cw.basis_of(card.id)]
    assert basis == [(cw.OWN, D(2025, 3, 20), ""),
                     (cw.OVERRIDE, D(2025, 3, 20), "поручение прокурора")]


def test_a_returned_card_is_corrected_whenever_found(card) -> None:
    admin = card.created_by
    change_status(card.id, Event.DISPATCH, admin, dispatch_days=[10, 20, 30],
                  today=D(2025, 3, 10))
    change_status(card.id, Event.RETURN, admin, reason_code="01", reason_text="нет даты",
                  today=D(2025, 3, 11))
    correct_card(card.id, {"workplace": "ТОО «А»"}, admin, "01", "по возврату",
                 expected_version=Card.get_by_id(card.id).version, today=D(2025, 8, 1),
                 error_found_on=D(2025, 3, 11))
    assert cw.basis_of(card.id)[0].basis == cw.RETURN
