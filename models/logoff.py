"""Benchmark fixtures only: a register bulk-loaded without the log (generated persons
and cards by the million), the log's triggers on again before anything is measured."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def unlogged(db: Any) -> Iterator[None]:
    """Benchmark fixtures only (millions of generated rows copied in): the log triggers
    off while the caller bulk-loads, on again after, so what the benchmark then measures
    goes through the logged path. PostgreSQL: the superuser's session_replication_role
    (this connection only); SQLite: the triggers dropped and made again. The rows loaded
    have no log rows: `apcard audit verify` names them. Never used by the application."""
    from models.db import is_postgres
    from models.migrations import v0010_logged_path as guards
    from models.migrations import v0013_shared_log_writer as triggers

    if is_postgres(db):
        db.execute_sql("SET session_replication_role = replica")
        try:
            yield
        finally:
            db.execute_sql("SET session_replication_role = DEFAULT")
        return
    names = [r[0] for r in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'apcard%'")]
    for name in names:
        db.execute_sql(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        for table in guards.LOGGED:
            triggers.attach(db, table)
        guards.guard(db)
