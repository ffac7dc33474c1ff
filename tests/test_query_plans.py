"""Every query of a save and of typing a card reads through an index: none reads a
whole table of the register (EXPLAIN of each statement actually run, on SQLite and
PostgreSQL). The statements are taken from peewee's query log while the work is done
the way the card screen does it, so a new query on these paths is checked too."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from models.cards import register_card
from models.db import is_postgres
from models.drafts import discard_draft, load_draft, save_draft
from models.journal_no import next_journal_no
from models.matching import earlier_cards, find_candidates, find_legal_candidates
from models.tables import User
from models.validation import expected_fines
from tests.test_validation import individual_card, legal_card

TODAY = dt.date(2025, 3, 1)
# Tables that grow with the register (codebooks are read once per process and cached).
BIG = {"card", "person", "legal_entity", "legal_name_variant", "person_distinct",
       "legal_distinct", "journal_counter", "draft", "person_history", "correction"}


@contextmanager
def statements() -> Iterator[list[tuple[str, tuple]]]:
    """Every statement peewee runs inside the block, with its parameters."""
    seen: list[tuple[str, tuple]] = []

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if isinstance(record.msg, tuple) and len(record.msg) == 2:
                sql, params = record.msg
                seen.append((sql, tuple(params or ())))

    log = logging.getLogger("peewee")
    handler, level = Grab(), log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        yield seen
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


def split(sql: str, params: tuple, mark: str) -> list[tuple[str, tuple]]:
    """A message of several statements (PostgreSQL: a save's INSERT; COMMIT; SELECT)
    as its statements, each with its own parameters (semicolons and marks inside
    quoted text are text)."""
    parts: list[tuple[str, tuple]] = []
    start = used = n = 0
    quoted = False
    i = 0
    while i < len(sql):
        c = sql[i]
        if c == "'":
            quoted = not quoted
        elif not quoted and sql.startswith(mark, i):
            n += 1
            i += len(mark)
            continue
        elif not quoted and c == ";":
            parts.append((sql[start:i], params[used:used + n]))
            start, used, n = i + 1, used + n, 0
        i += 1
    parts.append((sql[start:], params[used:used + n]))
    return [(s.strip(), p) for s, p in parts if s.strip()]


def full_scans(db, sql: str, params: tuple) -> list[str]:
    """The big tables this statement (or message of statements) reads whole, by its plan."""
    parts = split(sql, params, db.param)
    if len(parts) > 1:
        return [t for part in parts for t in full_scans(db, *part)]
    if not re.match(r"\s*(SELECT|UPDATE|DELETE|WITH)", sql, re.I):
        return []  # INSERT ... VALUES reads nothing
    if is_postgres(db):
        db.execute_sql("SET enable_seqscan = off")  # tiny tables: what could it use?
        plan = [r[0] for r in db.execute_sql("EXPLAIN " + sql, params).fetchall()]
        found = [m.group(1) for line in plan for m in [re.search(r"Seq Scan on (\w+)", line)]
                 if m]
    else:
        plan = [str(r[-1]) for r in db.execute_sql("EXPLAIN QUERY PLAN " + sql,
                                                   params).fetchall()]
        found = [m.group(1) for line in plan
                 for m in [re.match(r"SCAN (\w+)(?! USING (COVERING )?INDEX \w+ \()", line)] if m]
    return [t for t in found if t in BIG]


def assert_indexed(db, work: Callable[[], object]) -> list[str]:
    """The statements `work` ran, each checked for full scans (how many depends on how
    the database's driver groups them into messages)."""
    with statements() as seen:
        work()
    assert seen, "nothing was run"
    for sql, params in seen:
        assert not full_scans(db, sql, params), (sql, params)
    return [sql for sql, _ in seen]


@pytest.fixture
def user(db):
    return User.create(login="op", full_name="Оператор", role="operator")


def test_saving_cards_reads_through_indexes(books, user, db) -> None:
    register_card(individual_card(journal_no="00041"), user, today=TODAY)
    offered = next_journal_no("685", 2025)

    def save_two() -> None:
        register_card(individual_card(journal_no=offered, protocol_no="000123457"), user,
                      today=TODAY, journal_proposed=offered)  # taken meanwhile: moves on
        register_card(individual_card(journal_no=offered, protocol_no="000123458"), user,
                      today=TODAY, journal_proposed=offered)
        firm = legal_card(journal_no="00100")
        firm["fine_imposed"] = expected_fines(firm, firm["offence_date"])[0]
        register_card(firm, user, today=TODAY)

    ran = assert_indexed(db, save_two)
    assert sum('INSERT INTO "card"' in sql for sql in ran) == 3  # every card's save seen


def test_typing_a_card_reads_through_indexes(books, user, db) -> None:
    register_card(individual_card(), user, today=TODAY)

    def type_a_card() -> None:
        next_journal_no("685", 2025)  # a new card's line 6
        for text in ("Қ", "Қасымов", "Қасымов Е"):  # drafts as the operator types
            save_draft(user, {"values": {"surname": text}, "focus": "surname"})
        load_draft(user)
        probe = {"surname": "Касымов", "given_name": "Ерлан", "patronymic": "Нурланович",
                 "birth_date": dt.date(1985, 3, 12), "iin": "850312301234"}
        for cand in find_candidates(probe):  # leaving the identification block
            earlier_cards(person_id=cand.person_id)
        find_legal_candidates({"name": "ТОО «Алма Транс»", "bin": "940140000385"})
        discard_draft(user)

    assert_indexed(db, type_a_card)


def test_a_full_scan_is_caught(db) -> None:
    """The check itself: a look-up by a column without an index is reported."""
    assert full_scans(db, 'SELECT "id" FROM "card" WHERE "workplace" = %s'.replace(
        "%s", db.param), ("x",)) == ["card"]
    assert full_scans(db, 'SELECT "id" FROM "card" WHERE "iin" = %s'.replace(
        "%s", db.param), ("x",)) == []
    # Each statement of a message: the one after COMMIT too, with its own parameters.
    p = db.param
    assert full_scans(db, f'INSERT INTO "person" ("surname") VALUES ({p}); COMMIT; '
                      f'SELECT "id" FROM "card" WHERE "workplace" = {p}', ("a;b", "x")) \
        == ["card"]
