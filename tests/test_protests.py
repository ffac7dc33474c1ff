"""Protests (§33, lines 19 / 19.1): "decision unchanged" creates nothing; a result whose
codebook row says "new card" files one from the old card, marked, validated, for the same
person, linked both ways; every change logged; a faulty new card changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from models import notices, protests
from models.audit import Correction, readable
from models.auth import add_user, os_account
from models.cards import register_card
from models.permissions import PermissionDenied
from models.register_tables import CardLink
from models.tables import Card, Role
from tests.test_cli import run
from tests.test_validation import individual_card

D = dt.date
TODAY = D(2025, 3, 20)


@pytest.fixture
def admin(db, books):
    return add_user("boss", Role.ADMINISTRATOR, by=None, os_account_name=os_account())


@pytest.fixture
def card(admin):
    return register_card(individual_card(), admin, today=D(2025, 3, 1))


def test_decision_unchanged_creates_no_card(card, admin) -> None:
    op = add_user("op", Role.OPERATOR, by=admin)
    before = Card.select().count()
    filed = protests.file_protest(card.id, D(2025, 2, 10), "01", op, today=TODAY)
    assert filed.new is None and Card.select().count() == before
    old = Card.get_by_id(card.id)
    assert (old.protest_date, old.protest_result) == (D(2025, 2, 10), "01")
    rows = [(r.event, r.line) for r in Correction.select().where(
        (Correction.card == card.id) & readable()).order_by(Correction.id)]
    assert sorted(rows) == [("protest", "19"), ("protest", "19.1")]
    assert not protests.needs_new_card("01") and not protests.needs_new_card("08")


def test_changed_decision_files_a_linked_new_card(card, admin) -> None:
    filed = protests.file_protest(card.id, D(2025, 2, 10), "04", admin, today=TODAY,
                                  changes={"part": "03", "fine_imposed": 20 * 3932},
                                  filled_by="Ахметов А.А.")
    new = filed.new
    assert new is not None and new.id != card.id and new.status == "registered"
    assert (new.protest_date, new.protest_result) == (D(2025, 2, 10), "04")
    assert (filed.old.protest_date, filed.old.protest_result) == (D(2025, 2, 10), "04")
    assert new.part == "03" and new.fine_imposed == 78640 and card.part == "02"
    assert new.person_id == card.person_id and new.surname == card.surname
    assert new.journal_no != card.journal_no and new.journal_date == TODAY
    assert protests.successors(card.id) == [new.id] and protests.predecessors(new.id) == [card.id]
    assert "взамен карточки № 1" in protests.link_notes(new.id, "ru")[0]
    assert protests.refusal(card.id) is not None and protests.refusal(new.id) is None
    with pytest.raises(protests.ProtestRefused, match="уже выставлена"):
        protests.file_protest(card.id, D(2025, 2, 11), "05", admin, today=TODAY)
    # The fine is executed on the new card: the old one offers no notice of execution.
    why = notices.execution_refusal(Card.get_by_id(card.id))
    assert why is not None and f"№ {new.id}" in why.ru
    assert notices.execution_refusal(Card.get_by_id(new.id)) is None


def test_a_faulty_new_card_leaves_everything_as_it_was(card, admin) -> None:
    with pytest.raises(protests.ProtestRefused) as exc:
        protests.file_protest(card.id, D(2025, 2, 10), "04", admin, today=TODAY,
                              changes={"main_penalty": "77"})
    assert exc.value.issues  # the new card's errors, for the screen
    old = Card.get_by_id(card.id)
    assert old.protest_result is None and old.version == card.version
    assert CardLink.select().count() == 0 and Card.select().count() == 1
    assert Correction.select().where(Correction.event == "protest").count() == 0


@pytest.mark.parametrize("backend", ["sqlite"])  # refusals: the engine does not matter
@pytest.mark.parametrize("date, code, words", [
    (D(2025, 1, 5), "04", "не раньше даты рассмотрения"),
    (D(2025, 3, 21), "04", "в будущем"),
    (D(2025, 2, 10), "99", "нет в справочнике"),
])
def test_bad_protests_are_messages(card, admin, date, code, words) -> None:
    with pytest.raises(protests.ProtestRefused) as exc:
        protests.file_protest(card.id, date, code, admin, today=TODAY)
    assert words in exc.value.message.ru


def test_auditor_cannot_file(card, admin) -> None:
    with pytest.raises(PermissionDenied):
        protests.file_protest(card.id, D(2025, 2, 10), "01",
                              add_user("aud", Role.AUDITOR, by=admin), today=TODAY)


def test_cli_protest_and_the_cards_printouts(card, cfg, capsys) -> None:
    code, out, err = run(cfg, ["card", "protest", str(card.id), "--date", "10.02.2025",
                               "--result", "05", "--set", "part=03", "--set", "fine_imposed=78640"],
                         capsys)
    assert code == 0, err
    assert "новая карточка № 2" in out
    code, out, _ = run(cfg, ["print", "card", "2"], capsys)
    assert code == 0 and "взамен карточки № 1" in out
    code, out, _ = run(cfg, ["print", "card", "1"], capsys)
    assert "выставлена карточка № 2" in out
    code, _, err = run(cfg, ["card", "protest", "1", "--date", "10.02.2025", "--result", "05",
                             "--set", "nonsense=1"], capsys)
    assert code == 1 and err.count("\n") == 1
