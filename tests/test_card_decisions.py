"""The duplicates window's decisions take effect only when the card is saved, in its
transaction (models.cards.register_card with a models.matching.decisions.Decision): a card never
saved leaves the register as it was; correcting a registered person's identification
(§38: former data kept) needs the role that may correct. And what "exact" means."""

from __future__ import annotations

import datetime as dt

import pytest

from models import matching
from models.cards import register_card
from models.matching.decisions import CONFLICT, EXACT, Decision, agreement, are_distinct
from models.matching.tables import PersonDistinct
from models.permissions import PermissionDenied
from models.persons import create_person
from models.tables import Card, Person, PersonHistory, User
from tests.test_validation import individual_card

TODAY = dt.date(2025, 3, 1)


@pytest.fixture
def known(db) -> Person:  # on the test's database
    card = individual_card()
    registrar = User.create(login="registrar", role="operator")  # who registered them
    return create_person(card, registrar)


def typed(**over: object) -> dict:
    """A new card: "Тестов Тест 12.03.1985" with the IIN of the person already known."""
    return individual_card(surname="Тестов", given_name="Тест", patronymic=None, **over)


def operator() -> User:
    return User.create(login="op", role="operator")


def administrator() -> User:
    return User.create(login="adm", role="administrator")


def test_a_decision_alone_writes_nothing(books, known) -> None:
    Decision(person_id=known.id, correct=("surname", "given_name"))  # taken, card discarded
    assert Person.get_by_id(known.id).surname == "Қасымов"
    assert PersonHistory.select().count() == 0 and Card.select().count() == 0


def test_same_person_corrected_in_the_cards_transaction(books, known) -> None:
    card = register_card(typed(), administrator(), today=TODAY,
                         decision=Decision(person_id=known.id, correct=("surname",)))
    person = Person.get_by_id(known.id)
    assert card.person_id == known.id and person.surname == "Тестов"
    assert person.given_name == "Ерлан"  # not ticked: kept
    (row,) = PersonHistory.select().where(PersonHistory.person == known.id)
    assert (row.field_name, row.old_value, row.new_value) == ("surname", "Қасымов", "Тестов")
    assert row.changed_by.login == "adm" and row.reason
    assert Person.select().count() == 1


def test_an_operator_links_but_may_not_correct(books, known) -> None:
    user = operator()
    with pytest.raises(PermissionDenied):
        register_card(typed(), user, today=TODAY,
                      decision=Decision(person_id=known.id, correct=("surname",)))
    assert Card.select().count() == 0 and PersonHistory.select().count() == 0
    assert Person.get_by_id(known.id).surname == "Қасымов"
    card = register_card(typed(), user, today=TODAY, decision=Decision(person_id=known.id))
    assert card.person_id == known.id and Person.get_by_id(known.id).surname == "Қасымов"


def test_different_person_recorded_with_the_cards_new_person(books, known) -> None:
    card = register_card(typed(iin=None), operator(), today=TODAY,
                         decision=Decision(different_from=(known.id,)))
    assert card.person_id != known.id
    assert are_distinct(card.person_id, known.id)
    assert PersonDistinct.select().count() == 1


def test_a_failed_save_rolls_the_decision_back(books, known, monkeypatch) -> None:
    import peewee

    from tests.test_cards import card_insert_fails

    card_insert_fails(monkeypatch, peewee.OperationalError("database or disk is full"))
    with pytest.raises(peewee.OperationalError):
        register_card(typed(), administrator(), today=TODAY,
                      decision=Decision(person_id=known.id, correct=("surname",)))
    assert Person.get_by_id(known.id).surname == "Қасымов"
    assert PersonHistory.select().count() == 0


def test_exact_means_the_number_and_the_identification_agree(books, known) -> None:
    same = individual_card()
    (c,) = matching.find_candidates(same)
    assert agreement(c, same) == EXACT
    other = typed()  # the same IIN, another name and birth date
    (c,) = matching.find_candidates(other)
    assert c.band == matching.PROBABLE  # the number is another person's: never "exact"
    assert agreement(c, other) == CONFLICT  # ... the window says "conflict"
    folded = individual_card(surname="Касымов", patronymic="Нурланулы")  # Kazakh letters typed
    (c,) = matching.find_candidates(folded)  # as Russian ones: still the same person
    assert agreement(c, folded) == EXACT
