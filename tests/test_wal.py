"""SQLite's log is copied back by a background thread, not by the save that fills it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from models import wal
from models.db import close_database, open_database


def test_the_log_is_emptied_off_the_writers_path(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wal, "LOG_TRUNCATE", 0)  # the thread starts the log over: visible
    monkeypatch.setattr(wal, "IDLE_S", 0.5)
    path = tmp_path / "register.db"
    db = open_database(f"sqlite:///{path}")
    try:
        # Writers copy the log back only if the thread ever falls far behind.
        assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == \
            wal.PAGES_BEFORE_WRITERS_CHECKPOINT
        db.execute_sql("CREATE TABLE t (x TEXT)")
        for _ in range(30):  # a few megabytes of log, each in a commit of its own
            db.execute_sql("INSERT INTO t VALUES (?)", ("x" * 100_000,))
        log = Path(f"{path}-wal")
        assert log.stat().st_size > wal.LOG_LIMIT  # the writers did not copy it back
        deadline = time.monotonic() + 15
        while log.stat().st_size > 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert log.stat().st_size == 0  # emptied by the thread, between two writes
        assert db.execute_sql("SELECT COUNT(*) FROM t").fetchone()[0] == 30
    finally:
        close_database()


def test_a_missing_database_is_never_created(tmp_path: Path) -> None:
    gone = tmp_path / "gone.db"
    wal.checkpoint(str(gone))
    assert not gone.exists()


def test_the_log_is_not_started_over_while_writers_write(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wal, "LOG_TRUNCATE", 0)
    monkeypatch.setattr(wal, "IDLE_S", 3600.0)  # never idle: a TRUNCATE would make writers wait
    path = tmp_path / "register.db"
    db = open_database(f"sqlite:///{path}")
    try:
        db.execute_sql("CREATE TABLE t (x TEXT)")
        for _ in range(30):
            db.execute_sql("INSERT INTO t VALUES (?)", ("x" * 100_000,))
        time.sleep(wal.INTERVAL * 4)  # the thread looked (PASSIVE) but did not truncate
        assert Path(f"{path}-wal").stat().st_size > wal.LOG_LIMIT
        assert db.execute_sql("SELECT COUNT(*) FROM t").fetchone()[0] == 30
    finally:
        close_database()
