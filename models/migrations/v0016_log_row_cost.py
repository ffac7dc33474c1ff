"""v16: PostgreSQL writes each log row with fewer function calls and with plans it keeps.

A card's save logs two rows (its person's insert, its card's), and PostgreSQL spent
~1.7 ms of processor time in the log's trigger for them, most of it on work done again
for each row or each transaction:

- `apcard_is`, `apcard_personal` and `apcard_state` were SQL functions that the planner
  cannot inline (a FROM list, an aggregate): PostgreSQL parsed and planned their query
  again in every transaction (a SQL function keeps its plan only for the query that
  called it). `apcard_actor` called `apcard_is` three times for each row, each one
  planning a join of pg_auth_members and pg_roles twice. They are PL/pgSQL now, with
  the same query: its plan is kept by the session;
- `apcard_personal` asks once whether the session's role is a direct member of any of
  the three groups (the same answer as three `apcard_is`);
- `apcard_state` computes each value's text once (the nested SQL functions it called
  were too costly for the planner to inline, so each column of each row went through
  the SQL function executor) and looks for a time only in a text long enough to hold
  one; the digest is the same, value for value;
- `apcard_log_row` reads the transaction's context (event, reasons, acting user) once
  per row instead of once per column, and writes the pending log row itself: the row
  `apcard_append` and `apcard_chain` wrote, value for value (`apcard_append` stays for
  the baseline, `apcard_chain` for the documents' notes).

Nothing in the log changes: the same rows, the same columns, in the same order, chained
and hashed at the commit as v11 does (tests/test_pg_log_cost.py writes the same changes
through v11's functions and these and compares the rows). Trust is as before: every
function keeps its owner, its SECURITY DEFINER and search_path where it had them, and
the rights on it (a login role still may call none of them); `apcard_is` and
`apcard_personal` still name the session's own role (session_user, which a login role
cannot change), never a setting. SQLite is unchanged.
"""

from __future__ import annotations

import peewee as pw

from models.db import is_postgres

VERSION = 16
DESCRIPTION = "log rows cheaper to write (PostgreSQL)"

# The groups whose direct members are people's own login roles (models/pgroles.py).
PERSONAL = ("apcard_operator", "apcard_administrator", "apcard_auditor")

FUNCTIONS = [
    # v10's query; PL/pgSQL keeps its plan for the session.
    """CREATE OR REPLACE FUNCTION apcard_is(grp text) RETURNS boolean
    LANGUAGE plpgsql STABLE AS $$ BEGIN
      RETURN EXISTS (SELECT 1 FROM pg_auth_members m
        JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
        WHERE r.rolname = session_user AND g.rolname = grp);
    END $$""",
    # apcard_is of any of the three groups, in one look-up.
    """CREATE OR REPLACE FUNCTION apcard_personal() RETURNS boolean
    LANGUAGE plpgsql STABLE AS $$ BEGIN
      RETURN EXISTS (SELECT 1 FROM pg_auth_members m
        JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
        WHERE r.rolname = session_user AND g.rolname IN (PERSONAL));
    END $$""",
    # v10's digest: each key and value as `<length>:<text>;` in the keys' byte order,
    # a value's text computed once (OFFSET 0 keeps the planner from copying it into
    # each place the text is used).
    """CREATE OR REPLACE FUNCTION apcard_state(r jsonb) RETURNS text
    LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN
      RETURN (SELECT 'sha256:' || encode(sha256(convert_to(coalesce(string_agg(
          length(key)::text || ':' || key || ';'
          || CASE WHEN t IS NULL THEN '~;' ELSE length(t)::text || ':' || t || ';' END,
          '' ORDER BY key COLLATE "C"), ''), 'UTF8')), 'hex')
        FROM (SELECT key, CASE WHEN length(v) >= 19 THEN apcard_norm(v) ELSE v END AS t
              FROM (SELECT key, apcard_text(value) AS v FROM jsonb_each(r) OFFSET 0) AS e
              OFFSET 0) AS n);
    END $$""",
    # v10's trigger, the context read once per row and the pending row written here
    # (apcard_append + apcard_chain, value for value).
    """CREATE OR REPLACE FUNCTION apcard_log_row() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
      entity text := TG_ARGV[0];
      quiet text[] := string_to_array(TG_ARGV[1], ',');
      volatile text[] := string_to_array(TG_ARGV[2], ',');
      secret text[] := string_to_array(TG_ARGV[3], ',');
      snapshot boolean := TG_ARGV[4] = 'snapshot';
      v_event text := apcard_setting('event');
      purge boolean := v_event = 'purge';
      v_code text := apcard_setting('reason_code');
      v_why text := apcard_setting('reason');
      v_m text := apcard_setting('reasons');
      v_reasons jsonb;
      v_user integer := apcard_actor();
      o jsonb; n jsonb; k text; rid integer; v_card integer; v_ver integer; v_state text;
      v_target integer; r jsonb; ov text; nv text; shown integer := 0;
    BEGIN
      IF v_m <> '' THEN  -- (apcard_reason_for: a text that is no JSON gives no reasons)
        BEGIN v_reasons := v_m::jsonb; EXCEPTION WHEN others THEN v_reasons := NULL; END;
      END IF;
      IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD) - volatile; END IF;
      IF TG_OP <> 'DELETE' THEN
        n := to_jsonb(NEW) - volatile;
        v_state := apcard_state(n - 'id');
      END IF;
      rid := coalesce((n ->> 'id')::integer, (o ->> 'id')::integer);
      IF entity = 'card' AND TG_OP <> 'DELETE' THEN
        v_card := rid; v_ver := (n ->> 'version')::integer;
      END IF;
      IF entity = 'user' THEN v_target := rid; END IF;
      IF TG_OP = 'UPDATE' THEN
        -- One change's rows in the card's line order (others: by name), as on SQLite.
        FOR k IN SELECT key FROM jsonb_each(n - quiet - 'id')
            WHERE (o -> key) IS DISTINCT FROM (n -> key)
            ORDER BY apcard_card_pos(key), key COLLATE "C" LOOP
          ov := apcard_text(o -> k); nv := apcard_text(n -> k);
          IF k = ANY(secret) THEN ov := apcard_digest(ov); nv := apcard_digest(nv); END IF;
          IF purge AND k <> 'status' THEN ov := NULL; END IF;
          r := v_reasons -> k;
          IF r IS NULL OR jsonb_typeof(r) <> 'array' THEN
            r := jsonb_build_array(v_code, v_why);
          END IF;
          INSERT INTO correction_pending (entity, entity_id, card_id, card_version, event,
            line, field_name, old_value, new_value, reason_code, reason_text, user_id,
            target_user_id, db_user, created_at, state)
          VALUES (entity, rid, v_card, v_ver, left(coalesce(nullif(v_event, ''), 'sql'), 16),
            left(CASE WHEN entity = 'card' THEN apcard_card_line(k) ELSE '' END, 8), k, ov,
            nv, left(nullif(r ->> 0, ''), 8), coalesce(r ->> 1, ''), v_user, v_target,
            session_user, localtimestamp(0), v_state);
          shown := shown + 1;
        END LOOP;
        IF shown > 0 OR o IS NOT DISTINCT FROM n THEN
          RETURN NULL;
        END IF;
        ov := NULL; nv := NULL;  -- only columns the log does not show: one row, '*'
      ELSIF TG_OP = 'INSERT' THEN
        ov := NULL;
        nv := CASE WHEN snapshot THEN (apcard_hide(n, secret) - quiet - 'id')::text END;
      ELSE
        v_card := NULL; v_ver := NULL;
        ov := CASE WHEN snapshot THEN (apcard_hide(o, secret) - quiet - 'id')::text END;
        nv := NULL;
      END IF;
      r := v_reasons -> '*';
      IF r IS NULL OR jsonb_typeof(r) <> 'array' THEN
        r := jsonb_build_array(v_code, v_why);
      END IF;
      INSERT INTO correction_pending (entity, entity_id, card_id, card_version, event, line,
        field_name, old_value, new_value, reason_code, reason_text, user_id, target_user_id,
        db_user, created_at, state)
      VALUES (entity, rid, v_card, v_ver, left(coalesce(nullif(v_event, ''),
          CASE WHEN v_state IS NULL THEN 'delete' ELSE 'insert' END), 16), '', '*', ov, nv,
        left(nullif(r ->> 0, ''), 8), coalesce(r ->> 1, ''), v_user, v_target, session_user,
        localtimestamp(0), v_state);
      RETURN NULL;
    END $$""",
]


def upgrade(db: pw.Database, migrator) -> None:
    if not is_postgres(db):
        return
    groups = ", ".join(f"'{g}'" for g in PERSONAL)
    for sql in FUNCTIONS:
        db.execute_sql(sql.replace("PERSONAL", groups))
