"""v10: the database writes the log.

Triggers on the registered data (cards, persons, legal entities, users) write one log
row per changed column (one row with the whole row for an insert or a delete) into the
hash-chained `correction` table, with the database user, the database's time and the
user, event and reason the application hands over in the transaction (PostgreSQL:
`SET LOCAL apcard.event / apcard.reason_code / apcard.reason / apcard.reasons /
apcard.user_id`; SQLite: the connection's functions apcard_ctx/apcard_reason, see
models/logpath.py). A card changes only with its version raised by one and, once
registered, only with a reason (dispatch and execution excepted); a card is never
deleted; the §38 history is append-only. Every row that exists when this runs gets a
`baseline` log row with its whole content, so the log adds up to the data from here on.

Rows written before (by the application, fmt 1) keep their hashes; rows written here
(fmt 2) hash a length-prefixed text of their columns (models.audit.canonical_v2).

The SQL is generated here from the table's columns as they are when this runs, so a
later migration that adds a column to a logged table calls `attach(db, table)` again
(SQLite triggers name their columns; PostgreSQL's read the row as JSON): since v13,
v0013_shared_log_writer's `attach`, which makes SQLite's triggers in their shorter form.
"""

from __future__ import annotations

from typing import NamedTuple

import peewee as pw

from models.db import is_postgres
from models.migrations.pg_log_sql import CHAIN_LOCK, POSTGRES_FUNCTIONS, SEAL_FUNCTION

VERSION = 10
DESCRIPTION = "log written by the database: triggers, reasons, baseline"

GENESIS = "0" * 64


class Logged(NamedTuple):
    """How a table is logged. `quiet`: covered by the row's state digest only (no row of
    its own in the log); `volatile`: not logged at all; `secret`: its rows show digests;
    `snapshot`: an inserted row is kept whole in the log (users: no personal data of
    offenders, which retention must be able to destroy)."""

    entity: str
    quiet: tuple[str, ...] = ()
    volatile: tuple[str, ...] = ()
    secret: tuple[str, ...] = ()
    snapshot: bool = False


LOGGED: dict[str, Logged] = {
    "user": Logged("user", volatile=("failed_logins", "locked_until"),
                   secret=("password_hash",), snapshot=True),
    "person": Logged("person", quiet=("surname_key", "name_key", "patronymic_key",
                                      "birth_year", "birth_md", "updated_at")),
    "legal_entity": Logged("legal_entity", quiet=("name_key", "name_rkey", "name_skey",
                                                  "updated_at")),
    "person_history": Logged("person_history"),
    "card": Logged("card", quiet=("version",)),
}
# Card columns whose change needs no reason when the status goes to these statuses.
NO_REASON = {"status", "dispatched_at", "executed_at"}
NO_REASON_STATUS = ("dispatched", "accepted", "executed")
# SQLite: a batch dispatch (models/batchlog.py) logs these columns itself (one row a card,
# the status's, its state holding the time), one statement for a slice of cards, while
# the connection's context says `batch`; their triggers stand aside then, and the guard
# lets such a connection do nothing but dispatch.
BATCHED = {"card": ("status", "dispatched_at")}
DISPATCHED_FROM = ("registered", "corrected")

# The card's line of each column, as of this version (for the log's `line`).
CARD_LINES = {
    "authority": "1", "place": "2", "considering_body": "3", "protocol_no": "4",
    "protocol_date": "4", "without_protocol": "4", "refusal_no": "4-1",
    "refusal_date": "4-1", "official_name": "5", "journal_no": "6", "journal_date": "6",
    "received_date": "7", "subject": "8", "article": "9", "part": "9", "paragraph": "9",
    "guilt": "9.1", "offence_date": "9.2", "decision_date": "10", "penalty_end_date": "11",
    "main_penalty": "11.1", "extra_penalty": "11.2", "measure": "11.3",
    "fine_imposed": "12", "fine_collected": "13", "surname": "14", "given_name": "14",
    "patronymic": "14", "birth_date": "14.1", "address": "14.1", "id_document": "14.2",
    "iin": "14.3", "sex": "14.4", "citizenship": "14.5", "workplace": "14.6",
    "intoxication": "14.7", "legal_form": "15", "commercial_status": "15.1",
    "legal_name": "16", "rnn": "16", "bin": "16", "legal_address": "16",
    "protest_date": "19", "protest_result": "19.1", "filled_by": "21", "filled_date": "21",
    "status": "",
}

LOG_COLUMNS = ("id", "entity", "entity_id", "card_id", "card_version", "event", "line",
               "field_name", "old_value", "new_value", "reason_code", "reason_text", "user_id",
               "target_user_id", "db_user", "created_at", "state", "prev_hash", "row_hash",
               "fmt")


def upgrade(db: pw.Database, migrator) -> None:
    if is_postgres(db):
        _reshape_postgres(db)
        for sql in POSTGRES_FUNCTIONS:
            db.execute_sql(sql.replace("CHAIN_LOCK", str(CHAIN_LOCK)).replace(
                "CARD_LINES", _card_lines_json()).replace("CARD_POS", _card_pos_json()))
    else:
        _reshape_sqlite(db)
    for table in LOGGED:
        attach(db, table)
    guard(db)
    _seal_table(db)
    baseline(db)


def _seal_table(db: pw.Database) -> None:
    """The chain's head recorded where the log's writers cannot change it (models/seal.py)."""
    class Seal(pw.Model):
        row = pw.IntegerField()
        hash = pw.CharField(max_length=64)
        at = pw.DateTimeField()
        source = pw.CharField(max_length=16, default="manual")
        db_user = pw.CharField(max_length=64, default="")
        note = pw.TextField(default="")

        class Meta:
            database = db
            table_name = "seal"

    db.create_tables([Seal])
    if is_postgres(db):
        db.execute_sql(SEAL_FUNCTION)
        db.execute_sql("CREATE TRIGGER apcard_append_only BEFORE UPDATE OR DELETE ON seal "
                       "FOR EACH ROW EXECUTE FUNCTION apcard_append_only()")
    else:
        for op in ("UPDATE", "DELETE"):
            db.execute_sql(f"CREATE TRIGGER apcard_seal_no_{op.lower()} BEFORE {op} ON seal "
                           f"BEGIN SELECT RAISE(ABORT, 'apcard: seal is append-only: {op} "
                           "refused'); END")


# --- the log table's new columns -------------------------------------------------------

def _reshape_postgres(db: pw.Database) -> None:
    for sql in (
        "ALTER TABLE correction ADD COLUMN entity VARCHAR(16) NOT NULL DEFAULT 'card'",
        "ALTER TABLE correction ADD COLUMN entity_id INTEGER",
        "ALTER TABLE correction ADD COLUMN db_user VARCHAR(64) NOT NULL DEFAULT ''",
        "ALTER TABLE correction ADD COLUMN state VARCHAR(71)",
        "ALTER TABLE correction ADD COLUMN fmt SMALLINT NOT NULL DEFAULT 1",
        "ALTER TABLE correction ALTER COLUMN user_id DROP NOT NULL",
        "CREATE INDEX correction_entity_entity_id ON correction (entity, entity_id)",
        # The append-only trigger refuses UPDATE: off for the back-fill of the new
        # columns, on again below in the same transaction.
        "ALTER TABLE correction DISABLE TRIGGER correction_no_change",
        "UPDATE correction SET entity = 'user', entity_id = target_user_id WHERE event = 'user'",
        "UPDATE correction SET entity_id = card_id WHERE event <> 'user'",
        "UPDATE correction SET entity = 'document' WHERE event <> 'user' AND card_id IS NULL",
        "ALTER TABLE correction ENABLE TRIGGER correction_no_change",
    ):
        db.execute_sql(sql)


SQLITE_LOG_TABLE = """CREATE TABLE correction (
    id INTEGER NOT NULL PRIMARY KEY,
    card_id INTEGER REFERENCES card (id) ON DELETE RESTRICT,
    card_version INTEGER,
    event VARCHAR(16) NOT NULL,
    line VARCHAR(8) NOT NULL,
    field_name VARCHAR(32) NOT NULL,
    old_value TEXT,
    new_value TEXT,
    reason_code VARCHAR(8),
    reason_text TEXT NOT NULL,
    user_id INTEGER REFERENCES user (id) ON DELETE RESTRICT,
    target_user_id INTEGER REFERENCES user (id) ON DELETE RESTRICT,
    created_at DATETIME NOT NULL,
    prev_hash VARCHAR(64) NOT NULL,
    row_hash VARCHAR(64) NOT NULL,
    entity VARCHAR(16) NOT NULL DEFAULT 'card',
    entity_id INTEGER,
    db_user VARCHAR(64) NOT NULL DEFAULT '',
    state VARCHAR(71),
    fmt INTEGER NOT NULL DEFAULT 1)"""


def _reshape_sqlite(db: pw.Database) -> None:
    """SQLite cannot drop a NOT NULL: the table is rebuilt with its rows, indexes and
    triggers."""
    old = ("id, card_id, card_version, event, line, field_name, old_value, new_value, "
           "reason_code, reason_text, user_id, target_user_id, created_at, prev_hash, row_hash")
    keep = [r[0] for r in db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'correction' AND type IN "
        "('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name")]
    for sql in (
        "ALTER TABLE correction RENAME TO correction_v7",
        SQLITE_LOG_TABLE,
        f"INSERT INTO correction ({old}, entity, entity_id) SELECT {old}, "
        "CASE WHEN event = 'user' THEN 'user' WHEN card_id IS NULL THEN 'document' "
        "ELSE 'card' END, CASE WHEN event = 'user' THEN target_user_id ELSE card_id END "
        "FROM correction_v7 ORDER BY id",
        "DROP TABLE correction_v7",
        *keep,
        'CREATE INDEX "correction_entity_entity_id" ON "correction" ("entity", "entity_id")',
    ):
        db.execute_sql(sql)


def _card_pos_json() -> str:
    import json

    return json.dumps({name: i for i, name in enumerate(CARD_LINES)}, separators=(",", ":"))


def _card_lines_json() -> str:
    import json

    return json.dumps(CARD_LINES, separators=(",", ":")).replace("'", "''")


# --- PostgreSQL: the functions are in models/migrations/pg_log_sql.py --------------------

def _list(names: tuple[str, ...]) -> str:
    return ",".join(names)


def attach(db: pw.Database, table: str) -> None:
    """(Re)create the log triggers of a logged table (idempotent)."""
    how = LOGGED[table]
    if is_postgres(db):
        db.execute_sql(f'DROP TRIGGER IF EXISTS apcard_log ON "{table}"')
        db.execute_sql(
            f'CREATE TRIGGER apcard_log AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION apcard_log_row('{how.entity}', "
            f"'{_list(how.quiet)}', '{_list(how.volatile)}', '{_list(how.secret)}', "
            f"'{'snapshot' if how.snapshot else ''}')")
        return
    stated = [c.name for c in db.get_columns(table)
              if c.name not in how.volatile and c.name != "id"]
    shown = [c for c in stated if c not in how.quiet]
    for (name,) in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
            (f"apcard_log_{table}_%",)).fetchall():
        db.execute_sql(f'DROP TRIGGER "{name}"')
    insert = _sqlite_append(how, stated, "NEW", "*", "insert")
    db.execute_sql(f'CREATE TRIGGER "apcard_log_{table}_insert" AFTER INSERT ON "{table}" '
                   f"BEGIN {insert}; END")
    # One trigger per column, `UPDATE OF` it: SQLite runs only those whose column the
    # UPDATE sets (a dispatch sets three of a card's sixty).
    # SQLite fires the newest trigger first: made last first, one change's rows come out
    # in the card's line order (others: by name), as PostgreSQL's apcard_log_row writes.
    pos = {name: i for i, name in enumerate(CARD_LINES)} if how.entity == "card" else {}
    ordered = sorted(shown, key=lambda c: (pos.get(c, 999), c))
    for i, column in reversed(list(enumerate(ordered))):
        body = _sqlite_append(how, stated, "NEW", column, "column")
        batch = " AND apcard_ctx('batch') = ''" if column in BATCHED.get(table, ()) else ""
        db.execute_sql(f'CREATE TRIGGER "apcard_log_{table}_u{i}" AFTER UPDATE OF "{column}" '
                       f'ON "{table}" WHEN OLD."{column}" IS NOT NEW."{column}"{batch} '
                       f"BEGIN {body}; END")
    quiet = [c for c in how.quiet if c in stated]
    if quiet:
        same = " AND ".join(f'OLD."{c}" IS NEW."{c}"' for c in shown) or "1"
        differ = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in quiet)
        body = _sqlite_append(how, stated, "NEW", "*", "quiet")
        db.execute_sql(f'CREATE TRIGGER "apcard_log_{table}_quiet" AFTER UPDATE OF '
                       f'{", ".join(chr(34) + c + chr(34) for c in quiet)} ON "{table}" '
                       f"WHEN ({same}) AND ({differ}) BEGIN {body}; END")
    delete = _sqlite_append(how, stated, "OLD", "*", "delete")
    db.execute_sql(f'CREATE TRIGGER "apcard_log_{table}_delete" AFTER DELETE ON "{table}" '
                   f"BEGIN {delete}; END")


def _json(row: str, columns: list[str], secret: tuple[str, ...] = ()) -> str:
    """The row as a JSON object. A function takes at most 127 arguments (SQLite's
    default limit): the first 60 columns by json_object, the rest added 60 at a time by
    json_insert (which keeps null members, unlike json_patch)."""
    def value(c: str) -> str:
        return f'apcard_digest({row}."{c}")' if c in secret else f'{row}."{c}"'

    out = "json_object(" + ", ".join(f"'{c}', {value(c)}" for c in columns[:60]) + ")"
    for start in range(60, len(columns), 60):
        chunk = columns[start:start + 60]
        out = f"json_insert({out}, " + ", ".join(f"'$.{c}', {value(c)}" for c in chunk) + ")"
    return out


HASHED_COLUMNS = ("id", "entity", "entity_id", "card_id", "card_version", "event", "line",
                  "field_name", "old_value", "new_value", "reason_code", "reason_text",
                  "user_id", "target_user_id", "db_user", "created_at", "state", "prev_hash")


def _sqlite_append(how: Logged, stated: list[str], row: str, field: str, kind: str,
                   source: str = "") -> str:
    """One INSERT into the log from a trigger (`row` NEW or OLD), or from the baseline
    (`row` r, `source` the table's row). kind: insert, delete, column (one changed
    column), quiet (only columns the log does not show changed)."""
    rid = f"{row}.id"
    is_card = how.entity == "card"
    card = rid if is_card and kind != "delete" else "NULL"
    version = f"{row}.version" if is_card and kind != "delete" else "NULL"
    target = rid if how.entity == "user" else "NULL"
    state = "NULL" if kind == "delete" else f"apcard_state({_json(row, stated)})"
    if kind == "column":
        line = CARD_LINES.get(field, "") if is_card else ""
        old, new = f'OLD."{field}"', f'{row}."{field}"'
        if field in how.secret:
            old, new = f"apcard_digest({old})", f"apcard_digest({new})"
        else:
            old, new = f"CAST({old} AS TEXT)", f"CAST({new} AS TEXT)"
        if field != "status":  # a destruction (§14) leaves no former value in the log
            old = f"CASE WHEN apcard_ctx('event') = 'purge' THEN NULL ELSE {old} END"
        default_event = "sql"  # the trigger's WHEN: only a column that changed
    else:
        line = ""
        shown = [c for c in stated if c not in how.quiet]
        whole = _json(row, shown, how.secret) if how.snapshot else "NULL"
        old, new = {"insert": ("NULL", whole), "delete": (whole, "NULL")}.get(kind,
                                                                              ("NULL", "NULL"))
        default_event = {"insert": "insert", "delete": "delete"}.get(kind, "sql")
    values = {
        "id": "(SELECT COALESCE(MAX(id), 0) + 1 FROM correction)", "entity": f"'{how.entity}'",
        "entity_id": rid, "card_id": card, "card_version": version,
        "event": f"COALESCE(NULLIF(apcard_ctx('event'), ''), '{default_event}')",
        "line": f"'{line}'", "field_name": f"'{field}'", "old_value": old, "new_value": new,
        "reason_code": f"NULLIF(apcard_reason('{field}', 0), '')",
        "reason_text": f"apcard_reason('{field}', 1)", "user_id": "apcard_user()",
        "target_user_id": target, "db_user": "apcard_ctx('db_user')",
        "created_at": "strftime('%Y-%m-%d %H:%M:%S', 'now', 'localtime')", "state": state,
        "prev_hash": "COALESCE((SELECT row_hash FROM correction ORDER BY id DESC LIMIT 1), "
                     f"'{GENESIS}')"}
    inner = ", ".join(f"{v} AS {k}" for k, v in values.items())
    cols = ", ".join(f"n.{k}" for k in HASHED_COLUMNS)
    return (f"INSERT INTO correction ({', '.join(LOG_COLUMNS)}) "
            f"SELECT {cols}, apcard_hash({cols}), 2 FROM (SELECT {inner}"
            + (f" FROM {source}" if source else "") + ") AS n")


# --- guards -----------------------------------------------------------------------------

def guard(db: pw.Database) -> None:
    """Card version and reason rules, cards never deleted, users changed by their
    administrators (PostgreSQL personal roles), §38 history append-only."""
    if is_postgres(db):
        for sql in (
            "DROP TRIGGER IF EXISTS apcard_guard ON card",
            "CREATE TRIGGER apcard_guard BEFORE UPDATE OR DELETE ON card "
            "FOR EACH ROW EXECUTE FUNCTION apcard_card_guard()",
            'DROP TRIGGER IF EXISTS apcard_guard ON "user"',
            'CREATE TRIGGER apcard_guard BEFORE INSERT OR UPDATE OR DELETE ON "user" '
            "FOR EACH ROW EXECUTE FUNCTION apcard_user_guard()",
            "DROP TRIGGER IF EXISTS apcard_append_only ON person_history",
            "CREATE TRIGGER apcard_append_only BEFORE UPDATE OR DELETE ON person_history "
            "FOR EACH ROW EXECUTE FUNCTION apcard_history_guard()",
        ):
            db.execute_sql(sql)
        return
    columns = [c.name for c in db.get_columns("card") if c.name not in ("id", "version")]
    same = " AND ".join(f'OLD."{c}" IS NEW."{c}"' for c in columns)
    same_but = " AND ".join(f'OLD."{c}" IS NEW."{c}"' for c in columns if c not in NO_REASON)
    statuses = ", ".join(f"'{s}'" for s in NO_REASON_STATUS)
    same_but_batch = " AND ".join(f'OLD."{c}" IS NEW."{c}"' for c in columns
                                  if c not in BATCHED["card"])
    dispatchable = ", ".join(f"'{s}'" for s in DISPATCHED_FROM)
    for sql in (
        "DROP TRIGGER IF EXISTS apcard_card_guard",
        "DROP TRIGGER IF EXISTS apcard_card_no_delete",
        "DROP TRIGGER IF EXISTS apcard_history_no_update",
        "DROP TRIGGER IF EXISTS apcard_history_no_delete",
        "CREATE TRIGGER apcard_card_guard BEFORE UPDATE ON card BEGIN "
        "SELECT RAISE(ABORT, 'apcard: a card version changes only with its lines') "
        f"WHERE ({same}) AND NEW.version IS NOT OLD.version; "
        "SELECT RAISE(ABORT, 'apcard: a card change raises its version by one') "
        f"WHERE NOT ({same}) AND NEW.version IS NOT OLD.version + 1; "
        "SELECT RAISE(ABORT, 'apcard: a change to a registered card needs a reason') "
        # (the conditions on the row first: SQLite calls no function for a dispatch. v15:
        # a batch's change is held to a dispatch by the next rule, which refuses whatever
        # this one would: not compared column by column twice for each card of a batch)
        f"WHERE NOT ({same}) AND OLD.status <> 'draft' AND apcard_ctx('batch') = '' "
        f"AND NOT (({same_but}) AND NEW.status IN ({statuses})) "
        "AND apcard_ctx('reason') = '' AND apcard_ctx('reason_code') = '' "
        "AND apcard_ctx('reasons') = ''; "
        "SELECT RAISE(ABORT, 'apcard: a batch changes nothing but a dispatch') "
        f"WHERE apcard_ctx('batch') <> '' AND NOT (({same_but_batch}) "
        f"AND OLD.status IN ({dispatchable}) AND NEW.status = 'dispatched'); "
        "SELECT RAISE(ABORT, 'apcard: unknown reason code') "
        "WHERE apcard_ctx('reason_code') <> '' AND NOT EXISTS (SELECT 1 FROM codebook_entry "
        "WHERE book = 'correction_reason' AND code = apcard_ctx('reason_code')); END",
        "CREATE TRIGGER apcard_card_no_delete BEFORE DELETE ON card BEGIN "
        "SELECT RAISE(ABORT, 'apcard: a card is never deleted: removal is a status with a "
        "reason'); END",
        "CREATE TRIGGER apcard_history_no_update BEFORE UPDATE ON person_history BEGIN "
        "SELECT RAISE(ABORT, 'apcard: person_history is append-only: UPDATE refused'); END",
        "CREATE TRIGGER apcard_history_no_delete BEFORE DELETE ON person_history BEGIN "
        "SELECT RAISE(ABORT, 'apcard: person_history is append-only: DELETE refused') "
        "WHERE apcard_ctx('event') <> 'purge'; END",
    ):
        db.execute_sql(sql)


# --- baseline -------------------------------------------------------------------------

def baseline(db: pw.Database) -> None:
    """A `baseline` row with the state (and, for users, the content) of every row
    already there: from here on the log adds up to the data."""
    if is_postgres(db):
        db.execute_sql("SELECT set_config('apcard.event', 'baseline', true)")
        for table, how in LOGGED.items():
            card = "r.id" if how.entity == "card" else "NULL"
            version = "r.version" if how.entity == "card" else "NULL"
            volatile = "'{" + _list(how.volatile) + "}'::text[]"
            quiet = "'{" + _list(how.quiet) + "}'::text[]"
            secret = "'{" + _list(how.secret) + "}'::text[]"
            whole = (f"(apcard_hide(to_jsonb(r) - {volatile}, {secret}) - {quiet} - 'id')::text"
                     if how.snapshot else "NULL")
            db.execute_sql(
                f'DO $$ DECLARE r record; BEGIN FOR r IN SELECT * FROM "{table}" ORDER BY id '
                f"LOOP PERFORM apcard_append('{how.entity}', r.id, {card}, {version}, '', '*', "
                f"NULL, {whole}, apcard_state(to_jsonb(r) - {volatile} - 'id')); "
                "END LOOP; END $$")
        db.execute_sql("SELECT set_config('apcard.event', '', true)")
        return
    from models import logpath

    with logpath.context(event="baseline"):
        for table, how in LOGGED.items():
            stated = [c.name for c in db.get_columns(table)
                      if c.name not in how.volatile and c.name != "id"]
            sql = _sqlite_append(how, stated, "r", "*", "insert",
                                 f'(SELECT * FROM "{table}" WHERE id = ?) AS r')
            for (rid,) in db.execute_sql(f'SELECT id FROM "{table}" ORDER BY id').fetchall():
                db.execute_sql(sql, (rid,))
