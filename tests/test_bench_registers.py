"""The benches' registers: a cached register copied for a run holds everything written
to it, also what is still in its write-ahead log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.cardbank import copy_of


def test_a_copy_holds_what_the_write_ahead_log_holds(tmp_path: Path) -> None:
    src = tmp_path / "register.db"
    writer = sqlite3.connect(src)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # nothing moved into the main file
    writer.execute("CREATE TABLE user (login TEXT)")
    writer.execute("INSERT INTO user VALUES ('bench')")
    writer.commit()
    try:  # the writer is still open: its pages are in register.db-wal only
        copy = copy_of(src, tmp_path / "copy.db")
        reader = sqlite3.connect(copy)
        assert reader.execute("SELECT login FROM user").fetchall() == [("bench",)]
        reader.close()
    finally:
        writer.close()
