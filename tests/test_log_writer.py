"""SQLite's log triggers since v13 (one shared writer, one state view per table) write
the log exactly as v10's self-contained triggers did: the same changes made on two
copies of one register, one with each kind of trigger, leave the same log rows (all
but the time and the hashes made of it), and each log verifies against its data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from models import audit, logpath
from models.db import database_proxy, make_database
from models.migrations import v0010_logged_path as v10
from models.migrations import v0013_shared_log_writer as v13
from tests.test_audit import logged  # noqa: F401
from tests.test_corrections import people  # noqa: F401

COMPARED = [c for c in v10.LOG_COLUMNS if c not in ("created_at", "prev_hash", "row_hash")]


def _columns(db, table: str) -> str:
    return ", ".join(f'"{c.name}"' for c in db.get_columns(table) if c.name != "id")


def _changes(db) -> None:
    """Every kind of log trigger: insert, each column, quiet, delete, a snapshot, a
    secret, a purge, several columns of one card in one UPDATE."""
    top = db.execute_sql("SELECT MAX(id) FROM person").fetchone()[0]
    with db.atomic(), logpath.context(event="correct", reason_code="04", reason="опечатка",
                                      user_id=1):
        db.execute_sql("UPDATE card SET surname = 'Сейтова', guilt = '2', fine_imposed = 12.5, "
                       "protocol_no = '000123', version = version + 1 WHERE id = 1")
        db.execute_sql("UPDATE person SET surname = 'Сейтова', birth_date = '1990-02-03' "
                       "WHERE id = 1")
        db.execute_sql("UPDATE person SET surname_key = 'zz' WHERE id = 1")  # quiet only
        db.execute_sql(f"INSERT INTO person ({_columns(db, 'person')}) SELECT "
                       f"{_columns(db, 'person')} FROM person WHERE id = 1")
        db.execute_sql(f"INSERT INTO person_history ({_columns(db, 'person_history')}) "
                       f"SELECT {_columns(db, 'person_history')} FROM person_history "
                       "WHERE id = (SELECT MIN(id) FROM person_history)")
        db.execute_sql("DELETE FROM person WHERE id = ?", (top + 1,))
        db.execute_sql("UPDATE user SET password_hash = 'x', full_name = 'Жаңа' WHERE id = 2")
        db.execute_sql(f"INSERT INTO user ({_columns(db, 'user')}) SELECT "
                       + ", ".join("login || '3'" if c.name == "login" else f'"{c.name}"'
                                   for c in db.get_columns("user") if c.name != "id")
                       + " FROM user WHERE id = 2")
    with db.atomic(), logpath.context(event="purge", reason_code="04", reason="срок", user_id=1):
        db.execute_sql("UPDATE card SET official_name = NULL, status = 'purged', "
                       "version = version + 1 WHERE id = 2")


def _log(path: Path, triggers) -> list[tuple]:
    db = make_database(f"sqlite:///{path}")
    db.connect()
    try:
        if triggers is v10:
            for table in v10.LOGGED:
                v10.attach(db, table)
        first = db.execute_sql("SELECT MAX(id) FROM correction").fetchone()[0]
        _changes(db)
        database_proxy.initialize(db)
        assert audit.verify().ok, triggers.__name__
        return db.execute_sql(f"SELECT {', '.join(COMPARED)} FROM correction WHERE id > ? "
                              "ORDER BY id", (first,)).fetchall()
    finally:
        db.close()


@pytest.fixture
def backend() -> str:
    """SQLite only: v13 leaves PostgreSQL's triggers (one function call each) as they are."""
    return "sqlite"


def test_the_shared_writer_logs_as_the_triggers_before_it(logged, db,  # noqa: F811
                                                          tmp_path: Path) -> None:
    db.close()
    source = Path(db.database)
    for name in ("v10.db", "v13.db"):
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copy(f"{source}{suffix}", tmp_path / f"{name}{suffix}")
    old, new = _log(tmp_path / "v10.db", v10), _log(tmp_path / "v13.db", v13)
    assert len(new) > 12 and {r[5] for r in new} >= {"correct", "purge"}
    assert {r[1] for r in new} == set(v10.LOGGED) - {"legal_entity"}
    assert new == old
