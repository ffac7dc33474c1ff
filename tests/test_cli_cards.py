"""`apcard card ...`: the card's life from the command line, through the same checks."""

from __future__ import annotations

import datetime as dt

import pytest

from models.audit import Correction
from models.auth import add_user, os_account
from models.cards import register_card
from models.tables import Card, Role
from tests.test_cli import run
from tests.test_validation import individual_card


@pytest.fixture
def card(db, books):
    admin = add_user("boss", Role.ADMINISTRATOR, by=None, os_account_name=os_account())
    return register_card(individual_card(), admin, today=dt.date(2025, 3, 1))


def test_remove_needs_a_reason_and_is_logged(card, cfg, capsys) -> None:
    code, _, err = run(cfg, ["card", "remove", str(card.id)], capsys)
    assert code == 1 and err.count("\n") == 1 and Card.get_by_id(card.id).status == "registered"
    code, out, _ = run(cfg, ["card", "remove", str(card.id), "--reason", "06",
                             "--text", "введена с нарушением Инструкции"], capsys)
    assert code == 0 and "исключена" in out
    assert Card.get_by_id(card.id).status == "removed"
    row = Correction.select().where((Correction.card_id == card.id)
                                    & (Correction.field_name == "status")).order_by(
        Correction.id.desc()).get()
    assert (row.new_value, row.reason_code) == ("removed", "06")


def test_return_shows_deadline_and_status(card, cfg, capsys) -> None:
    from models.corrections import change_status
    from models.lifecycle import Event

    # §12: the Directorate returns a card it was sent (dispatched on the 10th)
    change_status(card.id, Event.DISPATCH, card.created_by, dispatch_days=[10, 20, 30],
                  today=dt.date(2025, 3, 10))
    code, _, err = run(cfg, ["card", "return", str(card.id)], capsys)
    assert code == 1  # no reason: refused
    code, _, _ = run(cfg, ["card", "return", str(card.id), "--reason", "01",
                           "--text", "нет даты поступления"], capsys)
    assert code == 0
    code, out, _ = run(cfg, ["card", "status", str(card.id)], capsys)
    assert code == 0 and "Управление возвращает до" in out and "отправить заново" in out
    code, out, _ = run(cfg, ["card", "returned"], capsys)
    assert code == 0 and "возвращено 1" in out


def test_operator_cannot_remove(db, books, cfg, capsys) -> None:
    admin = add_user("boss", Role.ADMINISTRATOR, by=None)
    add_user("op", Role.OPERATOR, by=admin, os_account_name=os_account())
    card = register_card(individual_card(), admin, today=dt.date(2025, 3, 1))
    code, _, err = run(cfg, ["card", "remove", str(card.id), "--reason", "06", "--text", "x"],
                       capsys)
    assert code == 1 and "не разрешено" in err and err.count("\n") == 1
    assert Card.get_by_id(card.id).status == "registered"


def test_unknown_card_and_bad_number(db, cfg, capsys) -> None:
    add_user("op", Role.OPERATOR, by=None, os_account_name=os_account())
    code, _, err = run(cfg, ["card", "status", "999"], capsys)
    assert code == 1 and "нет карточки 999" in err
    code, _, err = run(cfg, ["card", "status", "abc"], capsys)
    assert code == 2 and "не номер карточки" in err
