"""The log chained at commit (migration v0011): on PostgreSQL a writer no longer waits for
another writer's whole transaction, only for its commit; the chain stays whole, an
aborted transaction chains nothing, and a login role can neither see nor skip the rows
waiting for their commit. On SQLite (chained row by row under its write lock) the same
outcomes hold."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from models import audit
from models.audit import Correction, verify
from models.corrections import correct_card
from models.db import database_proxy, is_postgres
from tests.conftest import _server_from_url
from tests.test_corrections import ADMIN_DAY, make_card, people  # noqa: F401
from tests.test_pg_trust import (  # noqa: F401
    ACCOUNTS,
    _drop_login_roles,
    in_transaction,
    psql,
    refused,
    roles,
)


def pending_rows() -> int:
    """Rows waiting for a commit, as the database's superuser sees them (0 on SQLite)."""
    db = database_proxy.obj
    if not is_postgres(db):
        return 0
    return db.execute_sql("SELECT count(*) FROM correction_pending").fetchone()[0]


@contextlib.contextmanager
def session(db_url: str, **settings: str) -> Iterator[object]:
    """A second psql-like session (the superuser's), its own transaction left open
    until the block ends (committed then, rolled back on an exception)."""
    conn = _server_from_url(db_url).connect()
    conn.autocommit = False
    with in_transaction(conn, settings) as cur:
        yield cur


WHY = {"reason_code": "04", "reason": "опечатка"}


def rename(cur, card_id: int, name: str) -> None:
    cur.execute("UPDATE card SET official_name = %s, version = version + 1 WHERE id = %s",
                (name, card_id))


def test_an_aborted_transaction_chains_nothing(people) -> None:  # noqa: F811
    card = make_card(people["operator"])
    before, count = audit.head(), Correction.select().count()
    with pytest.raises(RuntimeError), audit.writing(people["administrator"], "correct",
                                                    reason_code="04", reason="x"):
        make_card(people["operator"], journal_no="00555")  # a card, a person: logged
        rename_in_app(card.id, "Серіков Т.")
        raise RuntimeError("the operator's terminal is gone")
    assert audit.head() == before and Correction.select().count() == count
    assert pending_rows() == 0
    assert verify().ok


def rename_in_app(card_id: int, name: str) -> None:
    from models.tables import Card

    Card.update(official_name=name, version=Card.version + 1).where(Card.id == card_id) \
        .execute()


def test_rows_read_in_the_writing_transaction(people) -> None:  # noqa: F811
    """What the application reads of its own change before the commit is there: the
    rows of a correction, the notes it appends, the head a seal names."""
    admin = people["administrator"]
    card = make_card(people["operator"])
    saved = correct_card(card.id, {"official_name": "Серіков Т."}, admin, "04", "ФИО",
                         expected_version=1, today=ADMIN_DAY)
    assert [(r.field_name, r.new_value) for r in saved.rows] == [("official_name",
                                                                  "Серіков Т.")]
    with audit.writing(admin, "correct", reason_code="04", reason="ФИО"):
        rename_in_app(card.id, "Серіков Т. Б.")  # pending on PostgreSQL until flushed
        notes = audit.append([audit.Entry("journal", "printed", None, "1"),
                              audit.Entry("journal", "printed", None, "2")], admin)
        assert [n.new_value for n in notes] == ["1", "2"]
        assert notes[0].id == notes[1].id - 1 == audit.head().row - 1
        mark = audit.seal("test")
        assert mark.row == audit.head().row
    assert Correction.get_by_id(notes[0].id - 1).new_value == "Серіков Т. Б."
    assert pending_rows() == 0 and verify([mark]).ok


# --- PostgreSQL: two sessions at once ---------------------------------------------------

@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"])
def test_a_writer_does_not_wait_for_an_open_transaction(people, db_url) -> None:  # noqa: F811
    """The first session writes a logged row and keeps its transaction open; the
    second writes and commits meanwhile (before v0011 it waited on the chain's lock:
    here its lock_timeout would end it). Then the first commits: both are in the
    chain, in the order of their commits, each at its own transaction's time."""
    a = make_card(people["operator"])
    b = make_card(people["operator"], journal_no="00777")
    head = audit.head().row
    with session(db_url, **WHY) as first:
        first.execute("SELECT localtimestamp(0)")
        first_at = first.fetchone()[0]
        rename(first, a.id, "Бірінші")
        with session(db_url, **WHY) as second:
            # Waiting on the first session's lock would end this with an error.
            second.execute("SET LOCAL lock_timeout = '2s'")
            rename(second, b.id, "Екінші")
        assert [r.new_value for r in Correction.select().where(Correction.id > head)] == [
            "Екінші"]
        first.execute("SELECT pg_sleep(1.1)")  # the commit comes later than the change
    rows = list(Correction.select().where(Correction.id > head).order_by(Correction.id))
    assert [(r.id, r.card_id, r.new_value) for r in rows] == [
        (head + 1, b.id, "Екінші"), (head + 2, a.id, "Бірінші")]
    assert rows[1].created_at == first_at  # the time of the change, not of the commit
    assert pending_rows() == 0
    verdict = verify([audit.seal("test")])
    assert verdict.ok, verdict.problem


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"])
def test_early_flush_savepoints_and_rollback(people, db_url) -> None:  # noqa: F811
    """`SET CONSTRAINTS ALL IMMEDIATE` chains what is pending then, and what is written
    after it is chained too; a flush undone with its savepoint is done again at the
    commit; a transaction rolled back leaves neither log rows nor pending rows."""
    a = make_card(people["operator"])
    b = make_card(people["operator"], journal_no="00777")
    head = audit.head().row
    with session(db_url, **WHY) as cur:
        rename(cur, a.id, "1")
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SELECT count(*) FROM correction WHERE id > %s", (head,))
        assert cur.fetchone()[0] == 1  # chained before the commit, seen by its writer
        rename(cur, b.id, "2")  # chained at the end of its statement (immediate now)
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        rename(cur, a.id, "3")
        cur.execute("SAVEPOINT s")
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # chains "3" ...
        cur.execute("ROLLBACK TO SAVEPOINT s")  # ... undone: "3" is pending again
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        rename(cur, b.id, "4")
    assert [r.new_value for r in Correction.select().where(Correction.id > head)
            .order_by(Correction.id)] == ["1", "2", "3", "4"]
    head = audit.head().row
    with pytest.raises(RuntimeError), session(db_url, **WHY) as cur:
        rename(cur, a.id, "5")
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        rename(cur, b.id, "6")
        raise RuntimeError("rolled back")
    assert audit.head().row == head and pending_rows() == 0
    verdict = verify()
    assert verdict.ok, verdict.problem


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"])
def test_a_login_role_neither_sees_nor_skips_the_pending_rows(roles, db_url) -> None:  # noqa: F811
    """The attacker: an operator with psql. No right on the pending rows or the flush;
    what it writes is chained at its commit whatever it sets."""
    for role in ("operator", "administrator", "auditor"):
        for statement in (
            "SELECT * FROM correction_pending",
            "INSERT INTO correction_pending (entity, event, line, field_name, reason_text, "
            "db_user, created_at) VALUES ('card', 'x', '', 'x', '', 'x', now())",
            "DELETE FROM correction_pending",
            "TRUNCATE correction_pending",
            "SELECT apcard_flush_pending()",
            "ALTER TABLE correction_pending DISABLE TRIGGER apcard_flush",
            "DROP TRIGGER apcard_flush ON correction_pending",
            "SELECT nextval(pg_get_serial_sequence('correction_pending', 'seq'))",
        ):
            text = refused(db_url, role, statement)
            assert "permission denied" in text or "must be owner" in text, (statement, text)
    card = make_card(roles["operator"])
    head = audit.head().row
    with psql(db_url, "operator") as cur:
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        cur.execute("UPDATE card SET status = 'dispatched', dispatched_at = now(), "
                    f"version = version + 1 WHERE id = {card.id}")
        cur.execute("SELECT count(*) FROM correction WHERE id > %s", (head,))
        assert cur.fetchone()[0] == 0  # pending, and out of the operator's sight
    rows = list(Correction.select().where(Correction.id > head))
    assert {r.field_name for r in rows} == {"status", "dispatched_at"}
    assert {r.db_user for r in rows} == {ACCOUNTS["operator"]}
    assert pending_rows() == 0
    verdict = verify()
    assert verdict.ok, verdict.problem
