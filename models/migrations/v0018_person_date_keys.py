"""v18: the person look-ups by birth date carry the name keys in their indexes.

A search whose birth date is 01.01 (for many, only the year is known) looks up
everyone born that day, and everyone of that year with the probe's given name or
patronymic, keeping only the rows whose other name keys begin as the probe's do
(models.matching.candidates._first_letters). Those first letters were read from the
table's rows: at 1,000,000 persons a 01.01 date is ~190 rows, most of them thrown
away. The three indexes of those look-ups now end with the other name keys:

    (birth_date)                  -> (birth_date, surname_key, name_key, patronymic_key)
    (name_key, birth_date)        -> (name_key, birth_date, surname_key, patronymic_key)
    (patronymic_key, birth_date)  -> (patronymic_key, birth_date, surname_key, name_key)

SQLite tests the first letters on the index entries and reads the table only for
the rows that pass. PostgreSQL reads them from the rows still (its plain index scans
filter on the table's row); its look-ups use the new indexes as they used the old
ones. Each replaces one of the same leading columns: as many indexes as before.
"""

from __future__ import annotations

import peewee as pw

VERSION = 18
DESCRIPTION = "person date look-ups' indexes carry the name keys"

REPLACED = {
    "person_birth_date": ("birth_date", "surname_key", "name_key", "patronymic_key"),
    "person_name_key_birth_date": ("name_key", "birth_date", "surname_key", "patronymic_key"),
    "person_patronymic_key_birth_date": ("patronymic_key", "birth_date", "surname_key",
                                         "name_key"),
}


def upgrade(db: pw.Database, migrator) -> None:
    for old, columns in REPLACED.items():
        db.execute_sql(f'DROP INDEX IF EXISTS "{old}"')
        name = "person_" + "_".join(columns)  # peewee's name for Person.Meta's index
        quoted = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX "{name}" ON "person" ({quoted})')
