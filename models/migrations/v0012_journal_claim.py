"""v12: PostgreSQL claims a registration-journal number in one statement.

A save claims its card's line-6 number right before the card is written
(models.journal_no.claim_journal_no): the organisation's counter row for the year is
locked, the number checked against the journal (cards and entries without a card) and
the counter moved on. The row stays locked until the commit, so every save of the same
journal waits for it: done from Python that was four round trips (lock, two look-ups,
update) under the lock before the card's own insert and the commit. This function does
the same in one call. It runs as its caller (no right beyond the journal's own), each
statement with its own snapshot, so a number another save committed while this one
waited for the row is seen. SQLite keeps the Python path: its write lock is taken at
BEGIN and held by one writer at a time anyway.
"""

from __future__ import annotations

import peewee as pw

from models.db import is_postgres

VERSION = 12
DESCRIPTION = "journal number claimed in one statement (PostgreSQL)"

CLAIM = """CREATE OR REPLACE FUNCTION apcard_journal_claim(p_authority text, p_year integer,
  p_n bigint, p_kept boolean, p_largest bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_last bigint; v_n bigint := p_n; v_forms text[]; v_first boolean := true;
  v_from date := make_date(p_year, 1, 1); v_to date := make_date(p_year, 12, 31);
BEGIN
  SELECT last_no INTO v_last FROM journal_counter
    WHERE authority = p_authority AND year = p_year FOR UPDATE;
  IF NOT FOUND THEN  -- the journal's first number this year: a concurrent creator waited for
    INSERT INTO journal_counter (authority, year, last_no) VALUES (p_authority, p_year, 0)
      ON CONFLICT DO NOTHING;
    SELECT last_no INTO v_last FROM journal_counter
      WHERE authority = p_authority AND year = p_year FOR UPDATE;
  END IF;
  -- The number offered and kept, taken meanwhile: the next free one (every zero-padding
  -- of a number is the same number: 42, 00042, ...).
  IF p_kept THEN
    LOOP
      v_forms := ARRAY(SELECT lpad(v_n::text, w, '0')
                       FROM generate_series(length(v_n::text), 12) AS w);
      EXIT WHEN NOT (
        EXISTS (SELECT 1 FROM card WHERE authority = p_authority AND journal_no = ANY(v_forms)
                AND journal_date BETWEEN v_from AND v_to
                AND status NOT IN ('removed', 'purged', 'draft'))
        OR EXISTS (SELECT 1 FROM proceeding WHERE number = ANY(v_forms) AND card_id IS NULL
                   AND registered_on BETWEEN v_from AND v_to));
      IF v_first THEN v_n := greatest(v_n, v_last) + 1; v_first := false;
      ELSE v_n := v_n + 1; END IF;
    END LOOP;
  END IF;
  IF v_last < v_n AND v_n < p_largest THEN
    UPDATE journal_counter SET last_no = v_n WHERE authority = p_authority AND year = p_year;
  END IF;
  RETURN v_n;
END $$"""


def upgrade(db: pw.Database, migrator) -> None:
    if is_postgres(db):
        db.execute_sql(CLAIM)
