"""v9: registration-journal numbers in constant time: one counter row per organisation
and year (models.journal_no), filled here from the cards already registered, and an
index on (authority, journal_no) for the check that a number is free."""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import migrate

from models.db import is_postgres

VERSION = 9
DESCRIPTION = "registration journal counters"

# The highest all-digit number of each organisation's journal and year.
_SQLITE_MAX = (
    "SELECT authority, CAST(strftime('%Y', journal_date) AS INTEGER), "
    "MAX(CAST(journal_no AS INTEGER)) FROM card "
    "WHERE authority IS NOT NULL AND journal_date IS NOT NULL AND journal_no <> '' "
    "AND journal_no NOT GLOB '*[^0-9]*' AND length(journal_no) <= 11 "
    "AND status NOT IN ('removed', 'purged', 'draft') GROUP BY 1, 2")
_POSTGRES_MAX = (
    "SELECT authority, CAST(EXTRACT(YEAR FROM journal_date) AS INTEGER), "
    "MAX(CAST(journal_no AS BIGINT)) FROM card "
    "WHERE authority IS NOT NULL AND journal_date IS NOT NULL "
    "AND journal_no ~ '^[0-9]{1,11}$' "
    "AND status NOT IN ('removed', 'purged', 'draft') GROUP BY 1, 2")


def upgrade(db: pw.Database, migrator) -> None:
    class JournalCounter(pw.Model):
        authority = pw.CharField(max_length=16)
        year = pw.SmallIntegerField()
        last_no = pw.BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = "journal_counter"
            indexes = ((("authority", "year"), True),)

    db.create_tables([JournalCounter])
    migrate(migrator.add_index("card", ("authority", "journal_no"), False))
    rows = db.execute_sql(_POSTGRES_MAX if is_postgres(db) else _SQLITE_MAX).fetchall()
    if rows:
        JournalCounter.insert_many(
            [{"authority": a, "year": y, "last_no": n} for a, y, n in rows]).execute()
