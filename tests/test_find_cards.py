"""Card search (F5, models.cards.find_cards) by name goes through the same keys as
duplicate matching: Kazakh letters typed as Russian ones, Latin and passport spellings,
the beginning of a surname, surname plus initials; legal entities by their name."""

from __future__ import annotations

import datetime as dt

import pytest

from models.cards import find_cards, register_card
from models.tables import User
from tests.test_validation import individual_card, legal_card

TODAY = dt.date(2025, 3, 1)


@pytest.fixture
def cards(books) -> dict[str, int]:
    user = User.create(login="op", role="operator")
    made = {}
    for key, over in (("kasym_e", {}),
                      ("kasym_a", {"given_name": "Асқар", "patronymic": "Болатұлы",
                                   "iin": None, "birth_date": dt.date(1990, 1, 2)}),
                      ("other", {"surname": "Тестов", "iin": None})):
        made[key] = register_card(individual_card(**over), user, today=TODAY).id
    values = legal_card()
    from models.validation import expected_fines
    values["fine_imposed"] = expected_fines(values, values["offence_date"])[0]
    made["legal"] = register_card(values, user, today=TODAY).id
    return made


def ids(**criteria: object) -> set[int]:
    return {c.id for c in find_cards(**criteria)}


def test_kazakh_letters_fold_both_ways(cards: dict[str, int]) -> None:
    both = {cards["kasym_e"], cards["kasym_a"]}  # stored as "Қасымов"
    assert ids(surname="Қасымов") == both
    assert ids(surname="Касымов") == both  # Қ typed as К
    assert ids(surname="касым") == both  # the beginning, any case
    assert ids(surname="Kassymov") == both  # a passport spelling


def test_surname_and_initials(cards: dict[str, int]) -> None:
    assert ids(surname="Касымов Е.Н.") == {cards["kasym_e"]}  # Ерлан Нұрланұлы
    assert ids(surname="Касымов А") == {cards["kasym_a"]}
    assert ids(surname="Касымов Ерлан") == {cards["kasym_e"]}
    assert ids(surname="Касымов Б") == set()


def test_legal_entities_by_name_and_nothing_else(cards: dict[str, int]) -> None:
    assert ids(surname="ТОО «Алма") == {cards["legal"]}
    assert ids(surname="Тестов") == {cards["other"]}
    assert ids(surname="...") == set()
    assert ids(surname="Я" * 50_000) == set()  # a long text is one clear answer
