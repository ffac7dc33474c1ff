"""Registration-journal numbers (line 6): proposed in constant time from a counter,
claimed in the save's transaction, never shared by two cards, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from models import audit, migrations
from models.cards import register_card
from models.db import make_database
from models.journal_no import JournalCounter, next_journal_no
from models.tables import Card, Status, User
from tests.test_validation import individual_card

TODAY = dt.date(2025, 3, 1)


@pytest.fixture
def user(db):
    return User.create(login="ivanova", full_name="Иванова С.К.", role="operator")


def _card(no: str, **over: object) -> dict:
    return individual_card(journal_no=no, **over)


def test_proposal_follows_the_counter_not_the_cards(books, user) -> None:
    assert next_journal_no("685", 2025) == "00001"
    register_card(_card("00451"), user, today=TODAY)
    assert next_journal_no("685", 2025) == "00452"
    assert next_journal_no("685", 2024) == "00001"  # another year, another journal
    assert next_journal_no("686", 2025) == "00001"  # another organisation
    register_card(_card("00017"), user, today=TODAY)  # a lower number typed: no step back
    assert next_journal_no("685", 2025) == "00452"
    assert JournalCounter.get(authority="685", year=2025).last_no == 451


def test_a_proposal_taken_meanwhile_moves_on(books, user) -> None:
    """Two operators opened a new card and were offered the same number: the second
    save gets the next free number."""
    offered = next_journal_no("685", 2025)
    first = register_card(_card(offered), user, today=TODAY, journal_proposed=offered)
    second = register_card(_card(offered, protocol_no="000123457"), user, today=TODAY,
                           journal_proposed=offered)
    assert (first.journal_no, second.journal_no) == ("00001", "00002")
    assert Card.get_by_id(second.id).journal_no == "00002"
    assert next_journal_no("685", 2025) == "00003"


def test_a_kept_proposal_moves_past_any_writing_of_a_taken_number(books, user) -> None:
    """42, 042 and 00042 are one number; a removed card's number, another year's or a
    number typed by hand (paper journal) is stored as typed."""
    register_card(_card("42"), user, today=TODAY)
    JournalCounter.update(last_no=0).execute()  # a number the counter has not seen
    card = register_card(_card("00042", protocol_no="000123457"), user, today=TODAY,
                         journal_proposed="00042")
    assert card.journal_no == "00043"
    typed = register_card(_card("00042", protocol_no="000123458"), user, today=TODAY)
    assert typed.journal_no == "00042"  # typed from paper: as typed
    with audit.writing(user, "remove", reason_code="06", reason="двойной ввод"):
        Card.update(status=Status.REMOVED.value, version=Card.version + 1).where(
            Card.journal_no.in_(["42", "00042"])).execute()
    again = register_card(_card("00042", protocol_no="000123459"), user, today=TODAY,
                          journal_proposed="00042")
    assert again.journal_no == "00042"  # removed cards' numbers are free again


def test_text_numbers_are_stored_as_typed(books, user) -> None:
    card = register_card(_card("42/к"), user, today=TODAY)
    assert card.journal_no == "42/к" and next_journal_no("685", 2025) == "00001"


def test_concurrent_saves_of_one_proposal_get_distinct_numbers(books, user, db_url: str
                                                               ) -> None:
    """Writers on their own connections save the same proposal at once: every card
    gets its own number and the counter ends at the highest."""
    from models.db import database_proxy

    writers, per_writer = 4, 4  # the pool holds 4 connections
    offered = next_journal_no("685", 2025)
    db = database_proxy.obj
    failures: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(k: int) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                register_card(_card(offered, protocol_no=f"{k:03d}{i:06d}"), user,
                              today=TODAY, journal_proposed=offered)
        except BaseException as exc:
            failures.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=write, args=(k,)) for k in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not failures, failures
    numbers = [c.journal_no for c in Card.select(Card.journal_no)]
    assert len(numbers) == len(set(numbers)) == writers * per_writer
    assert sorted(numbers) == [f"{n:05d}" for n in range(1, writers * per_writer + 1)]
    assert next_journal_no("685", 2025) == f"{writers * per_writer + 1:05d}"


def test_upgrade_fills_the_counters_from_registered_cards(empty_db_url: str) -> None:
    db = make_database(empty_db_url)
    db.connect()
    try:
        migrations.upgrade(db, target=8)
        p = db.param
        for no, day, status in (("00007", "2024-05-01", "registered"),
                                ("00120", "2024-06-01", "executed"),
                                ("900", "2024-07-01", "removed"),
                                ("12/a", "2024-08-01", "registered"),
                                ("00003", "2025-01-10", "registered")):
            db.execute_sql("INSERT INTO card (status, version, koap_edition, created_at, "
                           f"without_protocol, authority, journal_no, journal_date) VALUES "
                           f"({', '.join([p] * 8)})",
                           (status, 1, "2014", dt.datetime(2025, 1, 1), False, "685", no, day))
        assert 9 in migrations.upgrade(db)
        rows = db.execute_sql("SELECT authority, year, last_no FROM journal_counter "
                              "ORDER BY year").fetchall()
        assert [tuple(r) for r in rows] == [("685", 2024, 120), ("685", 2025, 3)]
    finally:
        db.close_all() if hasattr(db, "close_all") else db.close()


def test_an_entry_without_a_card_holds_its_number(books, user) -> None:
    """The journal also numbers proceedings without a card (models.registration_journal):
    a kept proposal moves past such a number."""
    from models.register_tables import Proceeding

    Proceeding.create(number="00001", registered_on=dt.date(2025, 2, 1))
    offered = next_journal_no("685", 2025)
    card = register_card(_card(offered), user, today=TODAY, journal_proposed=offered)
    assert card.journal_no == "00002"


def test_a_card_the_database_refuses_leaves_its_claim_and_person_unwritten(books, user) -> None:
    """The claim, the card and the commit go in one message on PostgreSQL: a card the
    database refuses there (here a trigger of the test's own) leaves the counter, the
    person and the draft as they were, and the next save takes the same number."""
    from models import drafts
    from models.db import database_proxy, is_postgres
    from models.tables import Person

    db = database_proxy.obj
    if not is_postgres(db):
        pytest.skip("the one-message save is PostgreSQL's")
    drafts.save_draft(user, {"values": {"surname": "Қасымов"}, "focus": "surname"})
    db.execute_sql("CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$ BEGIN RAISE EXCEPTION 'refused'; END $$")
    db.execute_sql("CREATE TRIGGER test_refuse BEFORE INSERT ON card "
                   "FOR EACH ROW EXECUTE FUNCTION test_refuse()")
    offered = next_journal_no("685", 2025)
    try:
        with pytest.raises(Exception, match="refused"):
            register_card(_card(offered), user, today=TODAY, journal_proposed=offered,
                          drop_draft=True)
    finally:
        db.execute_sql("DROP TRIGGER test_refuse ON card; DROP FUNCTION test_refuse()")
    assert not db.in_transaction()
    assert next_journal_no("685", 2025) == offered == "00001"
    assert Person.select().count() == 0 and Card.select().count() == 0
    assert drafts.load_draft(user) is not None
    card = register_card(_card(offered), user, today=TODAY, journal_proposed=offered,
                         drop_draft=True)
    assert (card.journal_no, Card.get_by_id(card.id).journal_no) == ("00001", "00001")
    assert card.status == Status.REGISTERED.value and drafts.load_draft(user) is None
    assert next_journal_no("685", 2025) == "00002"


def test_a_claim_reads_only_the_cards_holding_its_number(books, user) -> None:
    """PostgreSQL claims in the database (migration v0017): a kept proposal taken
    meanwhile is checked against the cards holding that number, not against every card
    of the journal's year, however many there are (the counter's row is locked
    meanwhile, so every save of the journal would wait for that reading)."""
    from models.db import database_proxy, is_postgres
    from models.journal_no import LARGEST

    db = database_proxy.obj
    if not is_postgres(db):
        pytest.skip("SQLite claims in Python, each look-up planned with its values")
    register_card(_card("00001"), user, today=TODAY)
    cols = [c.name for c in db.get_columns("card") if c.name not in ("id", "journal_no")]
    listed = ", ".join(f'"{c}"' for c in cols)
    with audit.writing(user, "register"):  # a journal of 3,000 cards in the year
        db.execute_sql(f'INSERT INTO card ({listed}, "journal_no") SELECT {listed}, '
                       "lpad(g::text, 5, '0') FROM card, generate_series(2, 3000) AS g")
    JournalCounter.update(last_no=3000).execute()

    def read() -> int:
        return db.execute_sql("SELECT coalesce(idx_tup_fetch, 0) + seq_tup_read FROM "
                              "pg_stat_xact_user_tables WHERE relname = 'card'").fetchone()[0]

    with db.atomic() as tx:
        for i in range(8):  # past the custom plans, the plan PL/pgSQL keeps too
            before = read()
            claimed = db.execute_sql("SELECT apcard_journal_claim('685', 2025, 1, true, %s)",
                                     (LARGEST,)).fetchone()[0]
            assert claimed == 3001 + i  # 00001 taken: the next free number
            assert read() - before <= 4  # the card holding 00001; none holds the next
        tx.rollback()
