"""The session's search thread: one connection for every background read, jobs in
order, a job not started replaced by a newer one of its group, a failed database
connected again, closed at the end."""

from __future__ import annotations

import threading
from typing import Any

import peewee as pw
import pytest

from models.db import is_database_error
from models.search_thread import SearchThread
from models.tables import Card, User

WAIT = 10.0


class Answers:
    def __init__(self) -> None:
        self.got: list[tuple[Any, BaseException | None]] = []
        self.cv = threading.Condition()

    def __call__(self, result: Any, error: BaseException | None) -> None:
        with self.cv:
            self.got.append((result, error))
            self.cv.notify_all()

    def wait(self, n: int) -> list[tuple[Any, BaseException | None]]:
        with self.cv:
            assert self.cv.wait_for(lambda: len(self.got) >= n, WAIT), self.got
            return list(self.got)


def test_reads_share_one_connection_until_closed(db) -> None:
    User.create(login="op", role="operator")
    searches, answers = SearchThread(), Answers()
    connections: list[int] = []

    def read() -> int:
        connections.append(id(db.connection()))  # this thread's connection
        return User.select().count() + Card.select().count()

    for _ in range(3):
        assert searches.submit(f"g{_}", read, answers)
        answers.wait(len(connections) + 1)
    assert [r for r, _ in answers.got] == [1, 1, 1]
    assert searches.connections == 1 and len(set(connections)) == 1
    assert connections[0] != id(db.connection())  # not the caller's connection
    searches.close()
    assert not searches.running
    assert not searches.submit("g", read, answers)  # closed: nothing more runs


def test_a_newer_job_of_a_group_replaces_one_not_started(db) -> None:
    searches, answers = SearchThread(), Answers()
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(WAIT)
        return "first"

    searches.submit("matching", slow, answers)
    assert started.wait(WAIT)
    searches.submit("matching", lambda: "stale", answers)
    searches.submit("other", lambda: "other", answers)
    searches.submit("matching", lambda: "latest", answers)
    release.set()
    assert [r for r, _ in answers.wait(3)] == ["first", "other", "latest"]
    searches.close()


def test_a_database_error_goes_to_the_caller_and_the_next_job_connects_again(db) -> None:
    searches, answers = SearchThread(), Answers()

    def broken() -> None:
        db.execute_sql("SELECT * FROM no_such_table")

    searches.submit("a", lambda: Card.select().count(), answers)
    searches.submit("b", broken, answers)
    answers.wait(2)
    searches.submit("c", lambda: Card.select().count(), answers)
    (first, _), (_, error), (third, _) = answers.wait(3)
    assert first == third == 0
    assert is_database_error(error) and "no_such_table" in str(error)
    assert searches.connections == 2  # the failed connection was not kept
    searches.close()


def test_a_program_error_reaches_the_caller_and_the_thread_goes_on(db) -> None:
    searches, answers = SearchThread(), Answers()
    searches.submit("a", lambda: 1 / 0, answers)
    searches.submit("b", lambda: "after", answers)
    (_, error), (result, _) = answers.wait(2)
    assert isinstance(error, ZeroDivisionError) and result == "after"
    assert searches.connections == 0  # no query: no connection
    searches.close()


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL's server keeps its own cache
def test_the_kept_connection_keeps_the_small_page_cache(db) -> None:
    """Kept open all day, the search connection holds no more pages than the card
    screen's own (models.db.small_cache): memory stays flat in the register's size."""
    from models.db import SMALL_CACHE_KIB, small_cache

    assert isinstance(db, pw.SqliteDatabase)
    small_cache(db)
    searches, answers = SearchThread(), Answers()
    searches.submit("a", lambda: db.execute_sql("PRAGMA cache_size").fetchone()[0], answers)
    ((size, error),) = answers.wait(1)
    searches.close()
    assert error is None and size == -SMALL_CACHE_KIB
