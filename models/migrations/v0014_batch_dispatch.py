"""v14: SQLite logs a batch dispatch in one statement.

A dispatch of many cards (models/batchlog.py) writes its cards' log rows itself, the
same rows the triggers write, while its connection's context says `batch`. The card's
status and dispatch-time triggers stand aside in that context, and the guard refuses
any change under it other than a dispatch (status registered or corrected to dispatched,
the dispatch time, the version raised by one). The card's triggers are made again by
v13's `attach` and the guard by v10's `guard`, which know `batch` now. PostgreSQL is
unchanged.
"""

from __future__ import annotations

import peewee as pw

from models.db import is_postgres
from models.migrations.v0010_logged_path import guard
from models.migrations.v0013_shared_log_writer import attach

VERSION = 14
DESCRIPTION = "batch dispatch logged in one statement (SQLite)"


def upgrade(db: pw.Database, migrator) -> None:
    if is_postgres(db):
        return
    attach(db, "card")
    guard(db)
