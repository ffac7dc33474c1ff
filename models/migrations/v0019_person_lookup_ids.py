"""v19: PostgreSQL answers the person look-ups that filter from their indexes alone.

Some look-ups of a duplicate search (models.matching.candidates) keep only the rows
whose other name keys begin as the probe's do. PostgreSQL's plain index scans read
every row the index gives from the table to test that (a 01.01 birth date: ~1,000
table pages a search, most rows thrown away). On PostgreSQL those look-ups now ask
for ids only, from the index (an index-only scan), and the search reads the table
once per person they found. Their indexes are made again, the same key columns under
the same name, with what the look-up tests, orders by and returns as INCLUDE columns:

    (surname_key, birth_year)     INCLUDE (birth_md, name_key, patronymic_key, id)
    the three date indexes (v18)  INCLUDE (id)

An index-only scan reads the table for the pages not yet marked all-visible (rows
written since the last vacuum); autovacuum is asked to vacuum the person table after
1 % of its rows were inserted, not PostgreSQL's default 20 %, so that a register's new
persons are soon read from the index too.

SQLite: nothing changes. Its index entries end with the row id already, and its
search reads the rows as before.
"""

from __future__ import annotations

import peewee as pw

from models.db import is_postgres

VERSION = 19
DESCRIPTION = "PostgreSQL person look-ups' indexes carry what the look-ups read"

INCLUDED = {
    "person_surname_key_birth_year": (("surname_key", "birth_year"),
                                      ("birth_md", "name_key", "patronymic_key", "id")),
    "person_birth_date_surname_key_name_key_patronymic_key": (
        ("birth_date", "surname_key", "name_key", "patronymic_key"), ("id",)),
    "person_name_key_birth_date_surname_key_patronymic_key": (
        ("name_key", "birth_date", "surname_key", "patronymic_key"), ("id",)),
    "person_patronymic_key_birth_date_surname_key_name_key": (
        ("patronymic_key", "birth_date", "surname_key", "name_key"), ("id",)),
}
VACUUM_INSERT_SCALE = 0.01  # of the table's rows inserted since the last vacuum


def _quoted(columns: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def upgrade(db: pw.Database, migrator) -> None:
    if not is_postgres(db):
        return
    for name, (key, included) in INCLUDED.items():
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
        db.execute_sql(f'CREATE INDEX "{name}" ON "person" ({_quoted(key)}) '
                       f"INCLUDE ({_quoted(included)})")
    db.execute_sql('ALTER TABLE "person" SET '
                   f"(autovacuum_vacuum_insert_scale_factor = {VACUUM_INSERT_SCALE})")
