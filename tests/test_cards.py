"""Registering cards: one transaction, person or legal entity linked, hidden lines empty."""

from __future__ import annotations

import datetime as dt

import pytest

from models.cards import CardRefused, find_cards, next_journal_no, register_card
from models.tables import Card, LegalEntity, Person, Status, User
from tests.test_validation import individual_card, legal_card


@pytest.fixture
def user(db):
    return User.create(login="ivanova", full_name="Иванова С.К.", role="operator")


def test_individual_card_creates_person_and_registers(books, user):
    card = register_card(individual_card(), user, today=dt.date(2025, 3, 1))
    card = Card.get_by_id(card.id)
    assert card.status == Status.REGISTERED.value and card.registered_at
    assert card.person.surname == "Қасымов" and card.legal_entity is None
    assert card.created_by.login == "ivanova" and card.koap_edition == "2014"


def test_legal_card_stores_hidden_person_lines_empty(books, user):
    values = legal_card(surname="Hidden")
    from models.validation import expected_fines
    values["fine_imposed"] = expected_fines(values, values["offence_date"])[0]
    card = Card.get_by_id(register_card(values, user, today=dt.date(2025, 3, 1)).id)
    assert card.surname is None and card.person is None
    assert card.legal_entity.bin == "940140000385"


def test_the_saved_card_is_returned_as_stored(books, user):
    """A save writes its card, person and legal entity through a statement built once
    (models.bulk.insert_one): what it returns is what the register holds."""
    from models.validation import expected_fines

    firm = legal_card()
    firm["fine_imposed"] = expected_fines(firm, firm["offence_date"])[0]
    for values in (individual_card(), firm):
        card = register_card(values, user, today=dt.date(2025, 3, 1))
        stored = Card.get_by_id(card.id)
        assert card.__data__ == stored.__data__ and not card.is_dirty()
        if stored.person_id:
            assert card.person.__data__ == Person.get_by_id(stored.person_id).__data__
        else:
            assert card.legal_entity.__data__ == \
                LegalEntity.get_by_id(stored.legal_entity_id).__data__
        assert stored.created_by_id == user.id


def test_card_with_errors_refused_and_nothing_written(books, user):
    with pytest.raises(CardRefused) as exc:
        register_card(individual_card(surname=None), user, today=dt.date(2025, 3, 1))
    assert any(i.field == "surname" for i in exc.value.issues)
    assert Card.select().count() == 0 and Person.select().count() == 0


def card_insert_fails(m: pytest.MonkeyPatch, exc: Exception) -> None:
    """The card's insert (models.bulk.insert_one; on PostgreSQL insert_last, the
    statement that commits) raises `exc`; other rows are written."""
    from models import bulk

    insert_one = bulk.insert_one

    def boom(model, row):
        if model is Card:
            raise exc
        return insert_one(model, row)

    def boom_last(model, row, exprs):
        raise exc

    m.setattr(bulk, "insert_one", boom)
    m.setattr(bulk, "insert_last", boom_last)


def test_transaction_rolls_back_person_when_card_fails(books, user, monkeypatch):
    card_insert_fails(monkeypatch, RuntimeError("disk full"))
    with pytest.raises(RuntimeError):
        register_card(individual_card(), user, today=dt.date(2025, 3, 1))
    assert Person.select().count() == 0 and LegalEntity.select().count() == 0


def test_the_draft_goes_with_the_save_and_stays_when_nothing_is_written(books, user,
                                                                         monkeypatch):
    """A saved card leaves no draft to resume and key again (same transaction as the
    card: a draft discard failing after the save cannot leave one); a card not written
    keeps its draft."""
    from models import drafts

    typed = {"values": {"surname": "Қасымов"}, "focus": "surname"}
    drafts.save_draft(user, typed)
    with pytest.raises(CardRefused):
        register_card(individual_card(surname=None), user, today=dt.date(2025, 3, 1),
                      drop_draft=True)
    assert drafts.load_draft(user) is not None

    with monkeypatch.context() as m:
        card_insert_fails(m, RuntimeError("disk full"))
        with pytest.raises(RuntimeError):
            register_card(individual_card(), user, today=dt.date(2025, 3, 1), drop_draft=True)
    assert drafts.load_draft(user) is not None
    register_card(individual_card(), user, today=dt.date(2025, 3, 1), drop_draft=True)
    assert drafts.load_draft(user) is None


def test_existing_person_linked_not_duplicated(books, user):
    first = register_card(individual_card(), user, today=dt.date(2025, 3, 1))
    second = register_card(individual_card(journal_no="00452"), user,
                           person=first.person, today=dt.date(2025, 3, 1))
    assert second.person.id == first.person.id and Person.select().count() == 1


def test_next_journal_number_proposed(books, user):
    assert next_journal_no("685", 2025) == "00001"
    register_card(individual_card(), user, today=dt.date(2025, 3, 1))
    assert next_journal_no("685", 2025) == "00452"
    assert next_journal_no("685", 2024) == "00001"


def test_find_cards_by_iin_surname_protocol_journal_dates(books, user):
    values = individual_card()
    register_card(values, user, today=dt.date(2025, 3, 1))
    assert len(find_cards(iin=values["iin"])) == 1
    assert len(find_cards(surname="қасым")) == 1
    assert len(find_cards(protocol_no="000123456")) == 1
    assert len(find_cards(journal_no="00451")) == 1
    assert len(find_cards(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 2, 28))) == 1
    assert find_cards(date_from=dt.date(2025, 3, 1)) == []


def test_auditor_cannot_register_cards(books):
    from models.permissions import PermissionDenied

    auditor = User.create(login="audit", role="auditor")
    with pytest.raises(PermissionDenied) as exc:
        register_card(individual_card(), auditor, today=dt.date(2025, 3, 1))
    assert exc.value.message.kk and exc.value.message.ru
    assert Card.select().count() == 0
