"""v13: SQLite's log triggers share one writer and one state per table.

v10 wrote the log's whole INSERT (the chain's head, the hash, the context read from
the application) and the row's whole state (json_object of every column) into each of
the ~115 log triggers: 325 KB of SQL that SQLite parses into ~3 MiB of every
connection's memory. Now:

- `apcard_log_write` is a view with nothing in it; its INSTEAD OF INSERT trigger is
  the one place that appends a row to the chain (the same INSERT v10 made in each
  trigger, with the values handed to it: entity, ids, default event, line, column,
  old and new value, target user, state);
- `apcard_state_<table>` gives a row's state digest by id (the same json_object of
  the same columns v10 put in each trigger, read from the row: in an AFTER trigger
  the row is NEW);
- each log trigger keeps its own rule (the table, the column it watches, the values it
  hands on) and inserts one row into `apcard_log_write`.

The log rows come out as v10 wrote them, value for value, in the same order (SQLite
fires the newest trigger first: made in the same order as v10). A connection without
apcard's functions (the sqlite3 shell) still cannot write a logged table: the writer
calls them. PostgreSQL is unchanged (its triggers call one function already).

A later migration that adds a column to a logged table calls `attach(db, table)` of
this module (it remakes the table's triggers and its state view).
"""

from __future__ import annotations

import peewee as pw

from models.db import is_postgres
from models.migrations import v0010_logged_path as v10

VERSION = 13
DESCRIPTION = "log triggers share one writer (SQLite)"

WRITER = "apcard_log_write"
# What a log trigger hands the writer, in this order.
HANDED = ("entity", "entity_id", "card_id", "card_version", "event", "line", "field_name",
          "old_value", "new_value", "target_user_id", "state")


def upgrade(db: pw.Database, migrator) -> None:
    if is_postgres(db):
        return
    for table in v10.LOGGED:
        attach(db, table)


def _writer(db: pw.Database) -> None:
    """The view and its INSTEAD OF trigger (made when missing: a test or a bench fixture
    that dropped every apcard trigger gets it back with the tables' triggers)."""
    # NULL has no affinity: the values handed over reach the trigger as they are.
    db.execute_sql(f"CREATE VIEW IF NOT EXISTS {WRITER} AS SELECT "
                   + ", ".join(f"NULL AS {c}" for c in HANDED) + " WHERE 0")
    values = {
        "id": "(SELECT COALESCE(MAX(id), 0) + 1 FROM correction)", "entity": "NEW.entity",
        "entity_id": "NEW.entity_id", "card_id": "NEW.card_id",
        "card_version": "NEW.card_version",
        "event": "COALESCE(NULLIF(apcard_ctx('event'), ''), NEW.event)", "line": "NEW.line",
        "field_name": "NEW.field_name", "old_value": "NEW.old_value",
        "new_value": "NEW.new_value",
        "reason_code": "NULLIF(apcard_reason(NEW.field_name, 0), '')",
        "reason_text": "apcard_reason(NEW.field_name, 1)", "user_id": "apcard_user()",
        "target_user_id": "NEW.target_user_id", "db_user": "apcard_ctx('db_user')",
        "created_at": "strftime('%Y-%m-%d %H:%M:%S', 'now', 'localtime')",
        "state": "NEW.state",
        "prev_hash": "COALESCE((SELECT row_hash FROM correction ORDER BY id DESC LIMIT 1), "
                     f"'{v10.GENESIS}')"}
    inner = ", ".join(f"{v} AS {k}" for k, v in values.items())
    cols = ", ".join(f"n.{k}" for k in v10.HASHED_COLUMNS)
    db.execute_sql(
        f"CREATE TRIGGER IF NOT EXISTS {WRITER} INSTEAD OF INSERT ON {WRITER} BEGIN "
        f"INSERT INTO correction ({', '.join(v10.LOG_COLUMNS)}) "
        f"SELECT {cols}, apcard_hash({cols}), 2 FROM (SELECT {inner}) AS n; END")


def _stated(db: pw.Database, table: str) -> list[str]:
    how = v10.LOGGED[table]
    return [c.name for c in db.get_columns(table) if c.name not in how.volatile and c.name != "id"]


def attach(db: pw.Database, table: str) -> None:
    """(Re)create the log triggers of a logged table and its state view (idempotent)."""
    if is_postgres(db):
        v10.attach(db, table)
        return
    how = v10.LOGGED[table]
    _writer(db)
    stated = _stated(db, table)
    shown = [c for c in stated if c not in how.quiet]
    for (name,) in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
            "AND name LIKE 'apcard_log_%'", (table,)).fetchall():
        db.execute_sql(f'DROP TRIGGER "{name}"')
    view = f"apcard_state_{table}"
    db.execute_sql(f'DROP VIEW IF EXISTS "{view}"')
    db.execute_sql(f'CREATE VIEW "{view}" AS SELECT id, apcard_state({v10._json("r", stated)}) '
                   f'AS s FROM "{table}" AS r')

    def hand(row: str, field: str, kind: str) -> str:
        return f"INSERT INTO {WRITER} VALUES ({_handed(how, shown, view, row, field, kind)})"

    db.execute_sql(f'CREATE TRIGGER "apcard_log_{table}_insert" AFTER INSERT ON "{table}" '
                   f"BEGIN {hand('NEW', '*', 'insert')}; END")
    # One trigger per column, `UPDATE OF` it (v10): made last first, SQLite firing the
    # newest first, one change's rows come out in the card's line order.
    pos = {name: i for i, name in enumerate(v10.CARD_LINES)} if how.entity == "card" else {}
    ordered = sorted(shown, key=lambda c: (pos.get(c, 999), c))
    for i, column in reversed(list(enumerate(ordered))):
        # (v14: a batch dispatch logs these columns itself, models/batchlog.py)
        batch = " AND apcard_ctx('batch') = ''" if column in v10.BATCHED.get(table, ()) else ""
        db.execute_sql(f'CREATE TRIGGER "apcard_log_{table}_u{i}" AFTER UPDATE OF "{column}" '
                       f'ON "{table}" WHEN OLD."{column}" IS NOT NEW."{column}"{batch} '
                       f"BEGIN {hand('NEW', column, 'column')}; END")
    quiet = [c for c in how.quiet if c in stated]
    if quiet:
        same = " AND ".join(f'OLD."{c}" IS NEW."{c}"' for c in shown) or "1"
        differ = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in quiet)
        db.execute_sql(f'CREATE TRIGGER "apcard_log_{table}_quiet" AFTER UPDATE OF '
                       f'{", ".join(chr(34) + c + chr(34) for c in quiet)} ON "{table}" '
                       f"WHEN ({same}) AND ({differ}) BEGIN {hand('NEW', '*', 'quiet')}; END")
    db.execute_sql(f'CREATE TRIGGER "apcard_log_{table}_delete" AFTER DELETE ON "{table}" '
                   f"BEGIN {hand('OLD', '*', 'delete')}; END")


def _handed(how: v10.Logged, shown: list[str], view: str, row: str, field: str,
            kind: str) -> str:
    """The values a trigger hands the writer: v10's `_sqlite_append` less what the
    writer computes."""
    is_card = how.entity == "card"
    rid = f"{row}.id"
    card = rid if is_card and kind != "delete" else "NULL"
    version = f"{row}.version" if is_card and kind != "delete" else "NULL"
    target = rid if how.entity == "user" else "NULL"
    state = "NULL" if kind == "delete" else f'(SELECT s FROM "{view}" WHERE id = {rid})'
    if kind == "column":
        line = v10.CARD_LINES.get(field, "") if is_card else ""
        old, new = f'OLD."{field}"', f'{row}."{field}"'
        if field in how.secret:
            old, new = f"apcard_digest({old})", f"apcard_digest({new})"
        else:
            old, new = f"CAST({old} AS TEXT)", f"CAST({new} AS TEXT)"
        if field != "status":  # a destruction (§14) leaves no former value in the log
            old = f"CASE WHEN apcard_ctx('event') = 'purge' THEN NULL ELSE {old} END"
        event = "sql"
    else:
        line = ""
        whole = v10._json(row, shown, how.secret) if how.snapshot else "NULL"
        old, new = {"insert": ("NULL", whole), "delete": (whole, "NULL")}.get(kind,
                                                                              ("NULL", "NULL"))
        event = {"insert": "insert", "delete": "delete"}.get(kind, "sql")
    return ", ".join((f"'{how.entity}'", rid, card, version, f"'{event}'", f"'{line}'",
                      f"'{field}'", old, new, target, state))
