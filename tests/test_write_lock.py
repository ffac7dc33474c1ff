"""SQLite: a transaction that reads before it writes takes the write lock at BEGIN, so
another operator's write committed meanwhile makes it wait, never fail with "database
is locked" halfway (a deferred transaction would get SQLITE_BUSY at its first write)."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator

import pytest

from models.db import database_proxy, write_transaction
from models.tables import Card

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@contextlib.contextmanager
def other_writer(db_url: str, hold: float = 0.5) -> Iterator[None]:
    """Another connection holds the write lock for `hold` seconds, then commits a row."""
    path = db_url[len("sqlite:///"):]
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("CREATE TABLE IF NOT EXISTS zz_other (n INTEGER)")
    setup.close()
    locked = threading.Event()

    def write() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO zz_other VALUES (1)")
        locked.set()
        threading.Event().wait(hold)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=write)
    thread.start()
    locked.wait()
    try:
        yield
    finally:
        thread.join()


def test_a_read_then_write_waits_for_the_other_writer(db, db_url: str) -> None:
    with other_writer(db_url), write_transaction():
        before = Card.select().count()  # read while the other holds the lock
        database_proxy.obj.execute_sql("INSERT INTO zz_other VALUES (2)")
    assert before == 0
    (n,) = database_proxy.obj.execute_sql("SELECT count(*) FROM zz_other").fetchone()
    assert n == 2


def test_the_demo_loads_beside_another_writer(books, db, db_url: str) -> None:
    from models.auth import add_user
    from models.demo import load_demo

    boss = add_user("boss", "administrator", by=None)
    with other_writer(db_url):
        stats = load_demo(3, 5, boss, today=dt.date(2026, 1, 15))
    assert stats.cards == 3 and Card.select().count() >= 3
