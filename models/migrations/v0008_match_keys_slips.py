"""v8: match keys that survive two slips in one record.

Persons: the surname key becomes the surname's root (Иванов / Иванова, Қасымов /
Қасымұлы share it; a double surname is keyed by its first part), and two more
indexes serve the lookups by birth date alone and by patronymic + birth date.
Legal entities: the name's key reversed (a slip at the start of a name) and its words
sorted (word order), each indexed, and a lookup table of short names' one-slip
variants. Existing rows get their keys here.
"""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import migrate

from models.db import is_postgres

VERSION = 8
DESCRIPTION = "match keys for slips: surname roots, date and patronymic lookups, legal names"

BATCH = 5000
BACKFILLED = {"person": {"surname_key", "name_key", "patronymic_key", "birth_year", "birth_md"},
              "legal_entity": {"name_key", "name_rkey", "name_skey"}}


def upgrade(db: pw.Database, migrator) -> None:
    for column in ("name_rkey", "name_skey"):
        # Plain ALTER TABLE (see v3): no table rebuild on SQLite.
        db.execute_sql(f'ALTER TABLE "legal_entity" ADD COLUMN "{column}" VARCHAR(120) '
                       "NOT NULL DEFAULT ''")
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class LegalEntity(Base):
        pass

    class LegalNameVariant(Base):
        variant = pw.CharField(max_length=16)
        legal_entity = pw.ForeignKeyField(LegalEntity, backref="+", on_delete="CASCADE")

        class Meta:
            indexes = ((("variant", "legal_entity"), True), (("legal_entity",), False))

    db.create_tables([LegalNameVariant])
    _backfill(db)
    migrate(
        migrator.add_index("person", ("birth_date",), False),
        migrator.add_index("person", ("patronymic_key", "birth_date"), False),
        migrator.add_index("legal_entity", ("name_rkey",), False),
        migrator.add_index("legal_entity", ("name_skey",), False),
    )


def _many(db: pw.Database, sql: str, rows: list[tuple]) -> None:
    """One statement over many rows: psycopg2's executemany sends them one by one."""
    if not rows:
        return
    if is_postgres(db):
        from psycopg2.extras import execute_batch

        execute_batch(db.cursor(), sql, rows, page_size=1000)
    else:
        db.cursor().executemany(sql, rows)


def _backfill(db: pw.Database) -> None:
    """Keys of the rows already there, by the live key functions on purpose: keys are
    derived data and must equal what new writes produce. Batches by id, one
    executemany each (a register of a million persons takes a minute or two)."""
    import datetime as dt

    from models.matching.keys import legal_keys, legal_variants, person_keys

    p = db.param
    last = 0
    while True:
        rows = db.execute_sql(
            'SELECT "id", "surname", "given_name", "patronymic", "birth_date" FROM "person" '
            f'WHERE "id" > {p} ORDER BY "id" LIMIT {BATCH}', (last,)).fetchall()
        if not rows:
            break
        updates = []
        for pid, surname, given, patronymic, born in rows:
            if isinstance(born, str):
                born = dt.date.fromisoformat(born[:10])
            k = person_keys(surname or "", given or "", patronymic or "", born)
            updates.append((k["surname_key"], k["name_key"], k["patronymic_key"],
                            k["birth_year"], k["birth_md"], pid))
        _many(db, f'UPDATE "person" SET "surname_key" = {p}, "name_key" = {p}, '
                  f'"patronymic_key" = {p}, "birth_year" = {p}, "birth_md" = {p} '
                  f'WHERE "id" = {p}', updates)
        last = rows[-1][0]
    last = 0
    while True:
        rows = db.execute_sql(
            f'SELECT "id", "name" FROM "legal_entity" WHERE "id" > {p} ORDER BY "id" '
            f"LIMIT {BATCH}", (last,)).fetchall()
        if not rows:
            break
        updates, variants = [], []
        for eid, name in rows:
            k = legal_keys(name or "")
            updates.append((k["name_key"], k["name_rkey"], k["name_skey"], eid))
            variants += [(v, eid) for v in legal_variants(k["name_key"])]
        _many(db, f'UPDATE "legal_entity" SET "name_key" = {p}, "name_rkey" = {p}, '
                  f'"name_skey" = {p} WHERE "id" = {p}', updates)
        _many(db, f'INSERT INTO "legal_name_variant" ("variant", "legal_entity_id") '
                  f"VALUES ({p}, {p})", variants)
        last = rows[-1][0]
