"""v17: PostgreSQL's journal claim looks for a taken number through the number's index.

apcard_journal_claim (v12) checks a kept proposal against the journal: is any card of
the organisation's year written with this number (any zero-padding)? PL/pgSQL keeps the
statement's plan for the session, a plan made for any values: with the year's dates as
parameters the planner took the statistics index (journal_date first, migration v6)
and read every card of the year to find the number among them. The journal's counter
row is locked meanwhile, so every save of that journal waited for a read that grew
with the journal: under the load bench, where the register grows a hundred cards a
second, the server's time per card grew with the number of operators. Now the cards
holding the number are found first (authority and number: the index of v9, a few rows
whatever the journal's size) and only they are checked for the year and status.

The same numbers come out: the check is the same, only the order of its reading
changes. SQLite keeps its Python path (models.journal_no.number_holder, whose
statement is planned with its values each time).
"""

from __future__ import annotations

import peewee as pw

from models.db import is_postgres

VERSION = 17
DESCRIPTION = "journal claim finds a taken number by its index (PostgreSQL)"

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
  -- of a number is the same number: 42, 00042, ...). The cards holding each writing of
  -- it first (OFFSET 0: found by authority and number), then their year and status.
  IF p_kept THEN
    LOOP
      v_forms := ARRAY(SELECT lpad(v_n::text, w, '0')
                       FROM generate_series(length(v_n::text), 12) AS w);
      EXIT WHEN NOT (
        EXISTS (SELECT 1 FROM unnest(v_forms) AS f(no),
                  LATERAL (SELECT journal_date, status FROM card
                           WHERE authority = p_authority AND journal_no = f.no OFFSET 0) AS c
                WHERE c.journal_date BETWEEN v_from AND v_to
                AND c.status NOT IN ('removed', 'purged', 'draft'))
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
