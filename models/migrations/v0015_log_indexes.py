"""v15: the log keeps only the indexes its readers use; SQLite's card guard compares the
cards of a batch dispatch column by column once.

Every log row went into seven indexes. Three of them cost a write per row for nothing:
- `correction_card_id` (the card's foreign key) repeats the first column of
  `correction_card_id_card_version`, which answers every look-up by card (the history,
  the reasons of a package, the check on a card's deletion) as well: dropped;
- `correction_reason_code` and `correction_target_user_id` index columns that are
  NULL in most rows (a dispatch, an execution, a row of a person's or a user's data has
  no reason code; only a user's row names a target user), and their readers look for a
  value (the journal's `reason_code = ?`, a user's rows): each is now a partial index of
  the rows that have one.

A dispatch of 100,000 cards writes its log rows into four indexes instead of seven. Both
databases; nothing in the log itself changes (no row, no hash).

SQLite's card guard (v10's `guard`) is made again: its rule of reasons stands aside for a
batch (migration v14), whose every change the next rule holds to a dispatch. That rule
refuses everything the rule of reasons would (a dispatch keeps every other column, and
goes to a status that needs no reason), so the guard refuses the same changes as before,
comparing a batch's cards column by column once instead of twice.
"""

from __future__ import annotations

import peewee as pw

from models.db import is_postgres
from models.migrations.v0010_logged_path import guard

VERSION = 15
DESCRIPTION = "log indexes: one redundant dropped, two partial; card guard (SQLite)"

PARTIAL = ("reason_code", "target_user_id")


def upgrade(db: pw.Database, migrator) -> None:
    db.execute_sql("DROP INDEX IF EXISTS correction_card_id")
    for column in PARTIAL:
        name = f"correction_{column}"
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")
        db.execute_sql(f'CREATE INDEX {name} ON correction ("{column}") '
                       f'WHERE "{column}" IS NOT NULL')
    if not is_postgres(db):
        guard(db)
