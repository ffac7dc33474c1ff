"""The PostgreSQL connection's fewer messages (models.pgdb): BEGIN sent with a
transaction's first statement, statements sent with the next one (`send_later`), and
the same transactions as statement by statement: what a rollback undoes, what a commit
keeps, text with % kept as it is."""

from __future__ import annotations

import pytest

from models.db import database_proxy, is_postgres
from models.tables import Draft, User


@pytest.fixture
def pg(db):
    if not is_postgres(database_proxy.obj):
        pytest.skip("PostgreSQL's connection")
    return database_proxy.obj


@pytest.fixture
def user(pg):
    return User.create(login="ivanova", full_name="Иванова С.К.", role="operator")


def _login(pg, user_id: int) -> str:
    return pg.execute_sql('SELECT "login" FROM "user" WHERE "id" = %s', (user_id,)).fetchone()[0]


def test_a_rolled_back_transaction_leaves_its_first_statement_undone(pg, user) -> None:
    with pytest.raises(RuntimeError), pg.atomic():
        pg.execute_sql('UPDATE "user" SET "login" = %s WHERE "id" = %s', ("x1", user.id))
        raise RuntimeError("stop")
    assert _login(pg, user.id) == "ivanova"


def test_a_cursor_taken_directly_is_inside_the_transaction(pg, user) -> None:
    with pytest.raises(RuntimeError), pg.atomic():
        pg.cursor().execute('UPDATE "user" SET "login" = %s WHERE "id" = %s', ("x2", user.id))
        raise RuntimeError("stop")
    assert _login(pg, user.id) == "ivanova"
    with pytest.raises(RuntimeError), pg.atomic():
        pg.connection().cursor().execute('UPDATE "user" SET "login" = %s WHERE "id" = %s',
                                         ("x3", user.id))
        raise RuntimeError("stop")
    assert _login(pg, user.id) == "ivanova"


def test_sent_later_goes_with_the_commit_or_with_the_rollback(pg, user) -> None:
    with pg.atomic():
        pg.send_later('UPDATE "user" SET "login" = %s WHERE "id" = %s', ("kept", user.id))
    assert _login(pg, user.id) == "kept"
    with pytest.raises(RuntimeError), pg.atomic():
        pg.send_later('UPDATE "user" SET "login" = %s WHERE "id" = %s', ("lost", user.id))
        pg.execute_sql("SELECT 1")
        raise RuntimeError("stop")
    assert _login(pg, user.id) == "kept"


def test_sent_later_comes_before_the_next_statement(pg, user) -> None:
    with pg.atomic():
        pg.send_later('UPDATE "user" SET "login" = %s WHERE "id" = %s', ("50% off", user.id))
        # The next statement has parameters of its own: the % of the text sent later
        # stays as written.
        assert _login(pg, user.id) == "50% off"
        pg.send_later('UPDATE "user" SET "full_name" = %s WHERE "id" = %s', ("100%", user.id))
        # and the next statement has none
        assert pg.execute_sql('SELECT "full_name" FROM "user" WHERE "id" = '
                              f"{user.id}").fetchone()[0] == "100%"


def test_an_error_sent_later_fails_the_next_statement_and_the_transaction(pg, user) -> None:
    with pytest.raises(Exception, match="no_such_table"), pg.atomic():
        pg.execute_sql('UPDATE "user" SET "login" = %s WHERE "id" = %s', ("x4", user.id))
        pg.send_later("UPDATE no_such_table SET a = 1")
        pg.execute_sql("SELECT 1")
    assert _login(pg, user.id) == "ivanova"
    Draft.create(user=user, data="{}")  # the connection works on
    assert Draft.select().count() == 1


def test_outside_a_transaction_sent_later_runs_now(pg, user) -> None:
    pg.send_later('UPDATE "user" SET "login" = %s WHERE "id" = %s', ("now", user.id))
    assert _login(pg, user.id) == "now"
