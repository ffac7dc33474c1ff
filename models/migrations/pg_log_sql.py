"""The PostgreSQL functions of migration v0010 (the log written by the database), as
that migration creates them: frozen text, kept apart so that the migration reads as
its steps. A later migration that changes one of them creates its own text (v0011
replaces apcard_chain and apcard_seal; v0016 apcard_is, apcard_personal, apcard_state and
apcard_log_row); these stay as v0010 wrote them.

Not a migration itself: models/migrations/__init__.py takes only `vNNNN_*` modules."""

from __future__ import annotations

# Advisory lock held while a log row is chained (one writer at a time).
CHAIN_LOCK = 0x6170636C6F67

SEAL_FUNCTION = """CREATE OR REPLACE FUNCTION apcard_seal(p_source text, p_note text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE v_row integer; v_hash text; v_id integer;
BEGIN
  PERFORM pg_advisory_xact_lock(CHAIN_LOCK);
  SELECT id, row_hash INTO v_row, v_hash FROM correction ORDER BY id DESC LIMIT 1;
  INSERT INTO seal (row, hash, at, source, db_user, note)
  VALUES (coalesce(v_row, 0), coalesce(v_hash, repeat('0', 64)), localtimestamp(0),
          left(p_source, 16), session_user, coalesce(p_note, ''))
  RETURNING id INTO v_id;
  RETURN v_id;
END $$""".replace("CHAIN_LOCK", str(CHAIN_LOCK))


POSTGRES_FUNCTIONS = [
    # A value the application handed over in this transaction ('' when none).
    """CREATE OR REPLACE FUNCTION apcard_setting(name text) RETURNS text
    LANGUAGE sql STABLE AS $$ SELECT coalesce(current_setting('apcard.' || name, true), '') $$""",
    # The session's role is a person's own login role, a direct member of `grp`.
    """CREATE OR REPLACE FUNCTION apcard_is(grp text) RETURNS boolean
    LANGUAGE sql STABLE AS $$ SELECT EXISTS (SELECT 1 FROM pg_auth_members m
      JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
      WHERE r.rolname = session_user AND g.rolname = grp) $$""",
    """CREATE OR REPLACE FUNCTION apcard_personal() RETURNS boolean
    LANGUAGE sql STABLE AS $$ SELECT apcard_is('apcard_operator')
      OR apcard_is('apcard_administrator') OR apcard_is('apcard_auditor') $$""",
    # The apcard user acting: a personal role's own user; otherwise (a shared role, the
    # superuser) the one the application names.
    """CREATE OR REPLACE FUNCTION apcard_actor() RETURNS integer
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE v integer; s text := apcard_setting('user_id');
    BEGIN
      IF apcard_personal() THEN
        SELECT id INTO v FROM "user" WHERE os_account = session_user;
        RETURN v;
      END IF;
      IF s ~ '^[0-9]{1,9}$' THEN SELECT id INTO v FROM "user" WHERE id = s::integer; END IF;
      RETURN v;
    END $$""",
    # A JSON value as the log's text: booleans 1/0, numbers and strings as they are.
    """CREATE OR REPLACE FUNCTION apcard_text(j jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT CASE jsonb_typeof(j) WHEN 'null' THEN NULL
      WHEN 'boolean' THEN CASE WHEN j = 'true'::jsonb THEN '1' ELSE '0' END
      ELSE j #>> '{}' END $$""",
    # A time in one form for both databases: a space before the hour, no trailing zeros.
    """CREATE OR REPLACE FUNCTION apcard_norm(t text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT CASE
      WHEN t ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?$'
      THEN regexp_replace(regexp_replace(overlay(t placing ' ' from 11 for 1),
        '([.][0-9]*?)0+$', '\\1'), '[.]$', '')
      ELSE t END $$""",
    """CREATE OR REPLACE FUNCTION apcard_field(t text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN t IS NULL THEN '~;'
      ELSE length(t)::text || ':' || t || ';' END $$""",
    """CREATE OR REPLACE FUNCTION apcard_digest(t text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN t IS NULL THEN NULL
      ELSE 'sha256:' || encode(sha256(convert_to(t, 'UTF8')), 'hex') END $$""",
    # The digest of a whole row (models.logpath.state computes the same in Python).
    """CREATE OR REPLACE FUNCTION apcard_state(r jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT apcard_digest(coalesce(string_agg(apcard_field(key)
      || apcard_field(apcard_norm(apcard_text(value))), '' ORDER BY key COLLATE "C"), ''))
      FROM jsonb_each(r) $$""",
    """CREATE OR REPLACE FUNCTION apcard_card_line(field text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce('CARD_LINES'::jsonb ->> field, '') $$""",
    """CREATE OR REPLACE FUNCTION apcard_card_pos(field text) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(('CARD_POS'::jsonb ->> field)::integer,
      999) $$""",
    # [code, text] of the reason for one column: its own (apcard.reasons, a JSON object
    # column -> [code, text]) or the transaction's.
    """CREATE OR REPLACE FUNCTION apcard_reason_for(field text) RETURNS jsonb
    LANGUAGE plpgsql STABLE AS $$
    DECLARE m text := apcard_setting('reasons'); r jsonb;
    BEGIN
      IF m <> '' THEN
        BEGIN r := m::jsonb -> field; EXCEPTION WHEN others THEN r := NULL; END;
      END IF;
      IF r IS NULL OR jsonb_typeof(r) <> 'array' THEN
        r := jsonb_build_array(apcard_setting('reason_code'), apcard_setting('reason'));
      END IF;
      RETURN r;
    END $$""",
    # The one writer of the log: chains a row to the last one. Owned by the schema's
    # owner; no login role may INSERT into the log itself, nor call this.
    """CREATE OR REPLACE FUNCTION apcard_chain(p_entity text, p_id integer, p_card integer,
      p_version integer, p_event text, p_line text, p_field text, p_old text, p_new text,
      p_code text, p_reason text, p_user integer, p_target integer, p_state text)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
      v_id integer; v_prev text; v_at timestamp := localtimestamp(0); v_hash text;
      v_code text := left(nullif(p_code, ''), 8); v_event text := left(p_event, 16);
      v_line text := left(coalesce(p_line, ''), 8); v_reason text := coalesce(p_reason, '');
    BEGIN
      PERFORM pg_advisory_xact_lock(CHAIN_LOCK);
      SELECT id, row_hash INTO v_id, v_prev FROM correction ORDER BY id DESC LIMIT 1;
      v_id := coalesce(v_id, 0) + 1;
      v_prev := coalesce(v_prev, repeat('0', 64));
      v_hash := encode(sha256(convert_to(apcard_field(v_id::text) || apcard_field(p_entity)
        || apcard_field(p_id::text) || apcard_field(p_card::text)
        || apcard_field(p_version::text) || apcard_field(v_event) || apcard_field(v_line)
        || apcard_field(p_field) || apcard_field(p_old) || apcard_field(p_new)
        || apcard_field(v_code) || apcard_field(v_reason) || apcard_field(p_user::text)
        || apcard_field(p_target::text) || apcard_field(session_user::text)
        || apcard_field(to_char(v_at, 'YYYY-MM-DD HH24:MI:SS')) || apcard_field(p_state)
        || apcard_field(v_prev), 'UTF8')), 'hex');
      INSERT INTO correction (id, entity, entity_id, card_id, card_version, event, line,
        field_name, old_value, new_value, reason_code, reason_text, user_id, target_user_id,
        db_user, created_at, state, prev_hash, row_hash, fmt)
      VALUES (v_id, p_entity, p_id, p_card, p_version, v_event, v_line, p_field, p_old,
        p_new, v_code, v_reason, p_user, p_target, session_user, v_at, p_state, v_prev,
        v_hash, 2);
    END $$""",
    # A logged table's change, with the user, event and reason of the transaction.
    """CREATE OR REPLACE FUNCTION apcard_append(p_entity text, p_id integer, p_card integer,
      p_version integer, p_line text, p_field text, p_old text, p_new text, p_state text)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE r jsonb := apcard_reason_for(p_field);
    BEGIN
      PERFORM apcard_chain(p_entity, p_id, p_card, p_version,
        coalesce(nullif(apcard_setting('event'), ''), CASE WHEN p_field <> '*' THEN 'sql'
          WHEN p_state IS NULL THEN 'delete' ELSE 'insert' END),
        p_line, p_field, p_old, p_new, r ->> 0, r ->> 1, apcard_actor(),
        CASE WHEN p_entity = 'user' THEN p_id END, p_state);
    END $$""",
    # The application's note about a document (not a logged table): entity 'document'.
    """CREATE OR REPLACE FUNCTION apcard_note(p_card integer, p_version integer,
      p_event text, p_line text, p_field text, p_old text, p_new text, p_code text,
      p_reason text, p_target integer)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    BEGIN
      PERFORM apcard_chain('document', NULL, p_card, p_version, p_event, p_line, p_field,
        p_old, p_new, p_code, p_reason, apcard_actor(), p_target, NULL);
    END $$""",
    # The log trigger of a table. Arguments (comma-separated lists): entity, quiet,
    # volatile and secret columns, 'snapshot' or ''. Trigger functions run as their owner
    # (SECURITY DEFINER): a login role needs no right on the log nor on these functions.
    """CREATE OR REPLACE FUNCTION apcard_log_row() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
      entity text := TG_ARGV[0];
      quiet text[] := string_to_array(TG_ARGV[1], ',');
      volatile text[] := string_to_array(TG_ARGV[2], ',');
      secret text[] := string_to_array(TG_ARGV[3], ',');
      snapshot boolean := TG_ARGV[4] = 'snapshot';
      purge boolean := apcard_setting('event') = 'purge';
      o jsonb; n jsonb; k text; rid integer; v_card integer; v_ver integer; v_state text;
      ov text; nv text; shown integer := 0;
    BEGIN
      IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD) - volatile; END IF;
      IF TG_OP <> 'DELETE' THEN
        n := to_jsonb(NEW) - volatile;
        v_state := apcard_state(n - 'id');
      END IF;
      rid := coalesce((n ->> 'id')::integer, (o ->> 'id')::integer);
      IF entity = 'card' AND TG_OP <> 'DELETE' THEN
        v_card := rid; v_ver := (n ->> 'version')::integer;
      END IF;
      IF TG_OP = 'INSERT' THEN
        PERFORM apcard_append(entity, rid, v_card, v_ver, '', '*', NULL,
          CASE WHEN snapshot THEN (apcard_hide(n, secret) - quiet - 'id')::text END, v_state);
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM apcard_append(entity, rid, NULL, NULL, '', '*',
          CASE WHEN snapshot THEN (apcard_hide(o, secret) - quiet - 'id')::text END, NULL, NULL);
      ELSE
        -- One change's rows in the card's line order (others: by name), as on SQLite.
        FOR k IN SELECT key FROM jsonb_each(n - quiet - 'id')
            WHERE (o -> key) IS DISTINCT FROM (n -> key)
            ORDER BY apcard_card_pos(key), key COLLATE "C" LOOP
          IF TRUE THEN
            ov := apcard_text(o -> k); nv := apcard_text(n -> k);
            IF k = ANY(secret) THEN ov := apcard_digest(ov); nv := apcard_digest(nv); END IF;
            IF purge AND k <> 'status' THEN ov := NULL; END IF;
            PERFORM apcard_append(entity, rid, v_card, v_ver,
              CASE WHEN entity = 'card' THEN apcard_card_line(k) ELSE '' END, k, ov, nv,
              v_state);
            shown := shown + 1;
          END IF;
        END LOOP;
        IF shown = 0 AND o IS DISTINCT FROM n THEN  -- only columns the log does not show
          PERFORM apcard_append(entity, rid, v_card, v_ver, '', '*', NULL, NULL, v_state);
        END IF;
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION apcard_hide(r jsonb, secret text[]) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE AS $$
    DECLARE s text; out jsonb := r;
    BEGIN
      FOREACH s IN ARRAY secret LOOP
        IF out ? s THEN out := jsonb_set(out, ARRAY[s], coalesce(
          to_jsonb(apcard_digest(out ->> s)), 'null'::jsonb)); END IF;
      END LOOP;
      RETURN out;
    END $$""",
    # A card: version up by one with every change; once registered, a reason for every
    # change but dispatch, acceptance and execution; a personal role that is not an
    # administrator only dispatches and records acceptance; never deleted.
    """CREATE OR REPLACE FUNCTION apcard_card_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE o jsonb; n jsonb; changed text[]; v_code text;
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION USING MESSAGE = 'apcard: a card is never deleted: removal is a '
          || 'status with a reason';
      END IF;
      o := to_jsonb(OLD) - 'version';
      n := to_jsonb(NEW) - 'version';
      SELECT array_agg(key) INTO changed FROM jsonb_each(n)
        WHERE (n -> key) IS DISTINCT FROM (o -> key);
      IF changed IS NULL THEN
        IF NEW.version IS DISTINCT FROM OLD.version THEN
          RAISE EXCEPTION USING MESSAGE = 'apcard: a card version changes only with its lines';
        END IF;
        RETURN NEW;
      END IF;
      IF NEW.version IS DISTINCT FROM OLD.version + 1 THEN
        RAISE EXCEPTION USING MESSAGE = 'apcard: a card change raises its version by one';
      END IF;
      IF OLD.status <> 'draft' AND NOT (changed <@ ARRAY['status', 'dispatched_at',
          'executed_at'] AND NEW.status IN ('dispatched', 'accepted', 'executed')) THEN
        IF apcard_setting('reason') = '' AND apcard_setting('reason_code') = ''
            AND apcard_setting('reasons') = '' THEN
          RAISE EXCEPTION USING MESSAGE = 'apcard: a change to a registered card needs a '
            || 'reason: SET LOCAL apcard.reason_code and apcard.reason';
        END IF;
        v_code := apcard_setting('reason_code');
        IF v_code <> '' AND NOT EXISTS (SELECT 1 FROM codebook_entry e
            WHERE e.book = 'correction_reason' AND e.code = v_code) THEN
          RAISE EXCEPTION USING MESSAGE = 'apcard: unknown reason code';
        END IF;
      END IF;
      IF apcard_personal() AND NOT apcard_is('apcard_administrator')
          AND NEW.status IS DISTINCT FROM OLD.status
          AND NOT (OLD.status IN ('registered', 'corrected') AND NEW.status = 'dispatched')
          AND NOT (OLD.status = 'dispatched' AND NEW.status = 'accepted') THEN
        RAISE EXCEPTION USING MESSAGE = 'apcard: only an administrator changes this status';
      END IF;
      RETURN NEW;
    END $$""",
    # Users: a personal role that is not an administrator changes only its own password.
    """CREATE OR REPLACE FUNCTION apcard_user_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    BEGIN
      IF apcard_personal() AND NOT apcard_is('apcard_administrator')
          AND (TG_OP <> 'UPDATE' OR OLD.os_account IS DISTINCT FROM session_user) THEN
        RAISE EXCEPTION USING MESSAGE = 'apcard: only an administrator changes users';
      END IF;
      RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$""",
    """CREATE OR REPLACE FUNCTION apcard_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
      RAISE EXCEPTION USING MESSAGE = 'apcard: ' || TG_TABLE_NAME || ' is append-only: '
        || TG_OP || ' refused';
    END $$""",
    # The §38 history: never changed; deleted only with its person by a destruction
    # (§14, event 'purge'), which the log records.
    """CREATE OR REPLACE FUNCTION apcard_history_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$ BEGIN
      IF TG_OP = 'DELETE' AND apcard_setting('event') = 'purge' THEN RETURN OLD; END IF;
      RAISE EXCEPTION USING MESSAGE = 'apcard: person_history is append-only: '
        || TG_OP || ' refused';
    END $$""",
]
