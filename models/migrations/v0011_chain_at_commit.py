"""v11: PostgreSQL chains the log at COMMIT, not at each row.

Until v10 every log row was chained where it was written: apcard_chain took the chain's
advisory lock and kept it to the end of the transaction, so every writer of registered
data waited for every other writer's whole transaction (a save waited for the save
before it to finish its person, its card and its commit). Now apcard_chain only
writes the row (all but id, prev_hash and row_hash) into `correction_pending`, and a
DEFERRABLE INITIALLY DEFERRED constraint trigger on that table chains the
transaction's pending rows at commit: it takes the lock, gives them the next ids in
the order they were written, hashes them exactly as v10 does (fmt 2: verify, replay
and the seals are unchanged) and empties the pending rows. The lock is held from
that flush to the end of the commit. `created_at` is still the database's time of the
change (the transaction's, as before), `db_user` the session's role. apcard_seal
flushes first. The application flushes before it reads, in the transaction that
wrote them, rows of its own (models.auditlog.flush: `SET CONSTRAINTS apcard_flush
IMMEDIATE`). SQLite is unchanged: its write lock already serializes the writers.

Trust. The attacker is an operator (or administrator) with a shell and psql, signed in
as their personal login role:
- `correction_pending` belongs to the schema's owner: no login role reads, inserts,
  changes or deletes a pending row (models/pgroles.py keeps every right off it);
  apcard_flush_pending(), the flush, is not theirs to call either;
- a pending row is written only by the owner's trigger functions, and each one queues
  its own deferred flush: PostgreSQL fires every deferred trigger before the commit
  ends, so a transaction cannot commit with rows left pending. `SET CONSTRAINTS ALL
  IMMEDIATE` (or `apcard_flush IMMEDIATE`) only flushes earlier; rows written after it
  are flushed at the end of their statement. A flush undone by ROLLBACK TO SAVEPOINT
  is undone with its pending rows' deletion, and PostgreSQL fires those rows' triggers
  again at commit;
- a transaction rolled back leaves nothing: its pending rows and its flush go with it;
- not firing the triggers (`session_replication_role`, `ALTER TABLE ... DISABLE
  TRIGGER`) needs a superuser or the tables' owner;
- a REPEATABLE READ or SERIALIZABLE transaction reads the chain's head as of its
  snapshot: when another committed meanwhile, its flush takes an id already there and
  the commit fails (the primary key), the chain intact.
"""

from __future__ import annotations

import peewee as pw

from models.db import is_postgres
from models.migrations.pg_log_sql import CHAIN_LOCK

VERSION = 11
DESCRIPTION = "log chained at commit (PostgreSQL)"

# Tables only the database's own functions use: no model describes them.
INTERNAL_TABLES = ("correction_pending",)

# The log's columns as apcard_chain hands them over, in `correction`'s types: a value
# the log cannot hold fails where it is written, not at the commit.
PENDING_TABLE = """CREATE UNLOGGED TABLE correction_pending (
    tx BIGINT NOT NULL DEFAULT txid_current(),
    seq BIGINT GENERATED ALWAYS AS IDENTITY,
    entity VARCHAR(16) NOT NULL,
    entity_id INTEGER,
    card_id INTEGER,
    card_version INTEGER,
    event VARCHAR(16) NOT NULL,
    line VARCHAR(8) NOT NULL,
    field_name VARCHAR(32) NOT NULL,
    old_value TEXT,
    new_value TEXT,
    reason_code VARCHAR(8),
    reason_text TEXT NOT NULL,
    user_id INTEGER,
    target_user_id INTEGER,
    db_user VARCHAR(64) NOT NULL,
    created_at TIMESTAMP NOT NULL,
    state VARCHAR(71),
    PRIMARY KEY (tx, seq))"""

FUNCTIONS = [
    # The one writer of the log, as the triggers and apcard_note call it: the row waits
    # in correction_pending for the commit. Same arguments, same values as v10's.
    """CREATE OR REPLACE FUNCTION apcard_chain(p_entity text, p_id integer, p_card integer,
      p_version integer, p_event text, p_line text, p_field text, p_old text, p_new text,
      p_code text, p_reason text, p_user integer, p_target integer, p_state text)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    BEGIN
      INSERT INTO correction_pending (entity, entity_id, card_id, card_version, event, line,
        field_name, old_value, new_value, reason_code, reason_text, user_id, target_user_id,
        db_user, created_at, state)
      VALUES (p_entity, p_id, p_card, p_version, left(p_event, 16),
        left(coalesce(p_line, ''), 8), p_field, p_old, p_new, left(nullif(p_code, ''), 8),
        coalesce(p_reason, ''), p_user, p_target, session_user, localtimestamp(0), p_state);
    END $$""",
    # The flush: this transaction's pending rows chained to the log's head in the order
    # they were written, under the chain's lock (held to the end of the commit).
    # Returns how many. The hash is v10's apcard_chain's, column for column.
    """CREATE OR REPLACE FUNCTION apcard_flush_pending() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
      v_tx bigint := txid_current(); r record; n integer := 0;
      v_id integer; v_prev text; v_hash text;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM correction_pending WHERE tx = v_tx) THEN
        RETURN 0;
      END IF;
      PERFORM pg_advisory_xact_lock(CHAIN_LOCK);
      SELECT id, row_hash INTO v_id, v_prev FROM correction ORDER BY id DESC LIMIT 1;
      v_id := coalesce(v_id, 0);
      v_prev := coalesce(v_prev, repeat('0', 64));
      FOR r IN WITH taken AS (DELETE FROM correction_pending WHERE tx = v_tx RETURNING *)
          SELECT * FROM taken ORDER BY seq LOOP
        v_id := v_id + 1;
        v_hash := encode(sha256(convert_to(apcard_field(v_id::text) || apcard_field(r.entity)
          || apcard_field(r.entity_id::text) || apcard_field(r.card_id::text)
          || apcard_field(r.card_version::text) || apcard_field(r.event)
          || apcard_field(r.line) || apcard_field(r.field_name) || apcard_field(r.old_value)
          || apcard_field(r.new_value) || apcard_field(r.reason_code)
          || apcard_field(r.reason_text) || apcard_field(r.user_id::text)
          || apcard_field(r.target_user_id::text) || apcard_field(r.db_user)
          || apcard_field(to_char(r.created_at, 'YYYY-MM-DD HH24:MI:SS'))
          || apcard_field(r.state) || apcard_field(v_prev), 'UTF8')), 'hex');
        INSERT INTO correction (id, entity, entity_id, card_id, card_version, event, line,
          field_name, old_value, new_value, reason_code, reason_text, user_id,
          target_user_id, db_user, created_at, state, prev_hash, row_hash, fmt)
        VALUES (v_id, r.entity, r.entity_id, r.card_id, r.card_version, r.event, r.line,
          r.field_name, r.old_value, r.new_value, r.reason_code, r.reason_text, r.user_id,
          r.target_user_id, r.db_user, r.created_at, r.state, v_prev, v_hash, 2);
        v_prev := v_hash;
        n := n + 1;
      END LOOP;
      RETURN n;
    END $$""",
    # The deferred trigger of each pending row: the first one still pending at the
    # flush's time chains them all; the others find theirs gone (one index probe).
    """CREATE OR REPLACE FUNCTION apcard_flush() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM correction_pending WHERE tx = NEW.tx AND seq = NEW.seq) THEN
        PERFORM apcard_flush_pending();
      END IF;
      RETURN NULL;
    END $$""",
    # A seal names the head with this transaction's own rows in it.
    """CREATE OR REPLACE FUNCTION apcard_seal(p_source text, p_note text)
    RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE v_row integer; v_hash text; v_id integer;
    BEGIN
      PERFORM apcard_flush_pending();
      PERFORM pg_advisory_xact_lock(CHAIN_LOCK);
      SELECT id, row_hash INTO v_row, v_hash FROM correction ORDER BY id DESC LIMIT 1;
      INSERT INTO seal (row, hash, at, source, db_user, note)
      VALUES (coalesce(v_row, 0), coalesce(v_hash, repeat('0', 64)), localtimestamp(0),
              left(p_source, 16), session_user, coalesce(p_note, ''))
      RETURNING id INTO v_id;
      RETURN v_id;
    END $$""",
]


def upgrade(db: pw.Database, migrator) -> None:
    if not is_postgres(db):
        return  # SQLite chains each row under its write lock (BEGIN IMMEDIATE)
    db.execute_sql(PENDING_TABLE)
    db.execute_sql("REVOKE ALL ON correction_pending FROM PUBLIC")
    for sql in FUNCTIONS:
        db.execute_sql(sql.replace("CHAIN_LOCK", str(CHAIN_LOCK)))
    for fn in ("apcard_flush_pending()", "apcard_flush()"):
        db.execute_sql(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
    db.execute_sql(
        "CREATE CONSTRAINT TRIGGER apcard_flush AFTER INSERT ON correction_pending "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION apcard_flush()")
    # Fired whatever session_replication_role says (a superuser's setting anyway).
    db.execute_sql("ALTER TABLE correction_pending ENABLE ALWAYS TRIGGER apcard_flush")
