"""v3: match keys of persons and legal entities (duplicate-person search) and the
"different person" decisions. Existing rows get their keys computed here."""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import migrate

VERSION = 3
DESCRIPTION = "person and legal entity match keys, distinct-person decisions"

BATCH = 2000
# Computed here from the existing names (tests/test_migrations.py reads this).
BACKFILLED = {"person": {"surname_key", "name_key", "patronymic_key", "birth_year", "birth_md"},
              "legal_entity": {"name_key"}}
# NOT NULL text columns are added by plain ALTER TABLE ... DEFAULT '': peewee's SQLite
# migrator would rebuild the table, and dropping `person` while cards reference it
# fails the foreign key check. Both engines accept this form as it is.
_NOT_NULL_TEXT = (("person", "surname_key", 60), ("person", "name_key", 60),
                  ("person", "patronymic_key", 60), ("legal_entity", "name_key", 120))


def upgrade(db: pw.Database, migrator) -> None:
    for table, column, length in _NOT_NULL_TEXT:
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}" VARCHAR({length}) '
                       "NOT NULL DEFAULT ''")
    migrate(
        migrator.add_column("person", "birth_year", pw.SmallIntegerField(null=True)),
        migrator.add_column("person", "birth_md", pw.SmallIntegerField(null=True)),
        migrator.add_index("person", ("surname_key", "birth_year"), False),
        migrator.add_index("person", ("surname_key", "birth_md"), False),
        migrator.add_index("person", ("name_key", "birth_date"), False),
        migrator.add_index("person", ("surname_key", "name_key"), False),
        migrator.add_index("legal_entity", ("name_key",), False),
    )

    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        pass

    class Person(Base):
        surname = pw.CharField()
        given_name = pw.CharField()
        patronymic = pw.CharField()
        birth_date = pw.DateField(null=True)
        surname_key = pw.CharField()
        name_key = pw.CharField()
        patronymic_key = pw.CharField()
        birth_year = pw.SmallIntegerField(null=True)
        birth_md = pw.SmallIntegerField(null=True)

    class LegalEntity(Base):
        name = pw.CharField()
        name_key = pw.CharField()

    class PersonDistinct(Base):
        person = pw.ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        other = pw.ForeignKeyField(Person, null=True, backref="+", on_delete="CASCADE")
        fingerprint = pw.CharField(max_length=40, null=True)
        decided_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        decided_at = pw.DateTimeField()

        class Meta:
            indexes = ((("person", "other"), True), (("other",), False),
                       (("fingerprint", "person"), True))

    class LegalDistinct(Base):
        legal_entity = pw.ForeignKeyField(LegalEntity, backref="+", on_delete="CASCADE")
        other = pw.ForeignKeyField(LegalEntity, null=True, backref="+", on_delete="CASCADE")
        fingerprint = pw.CharField(max_length=40, null=True)
        decided_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        decided_at = pw.DateTimeField()

        class Meta:
            indexes = ((("legal_entity", "other"), True), (("other",), False),
                       (("fingerprint", "legal_entity"), True))

    db.create_tables([PersonDistinct, LegalDistinct])
    _backfill(Person, LegalEntity)


def _backfill(Person, LegalEntity) -> None:
    """Keys of the rows already there (the key functions are the live ones on purpose:
    keys are derived data and must equal what new writes produce)."""
    from models.matching.keys import legal_keys, person_keys

    last = 0
    while True:
        rows = list(Person.select().where(Person.id > last).order_by(Person.id).limit(BATCH))
        if not rows:
            break
        for p in rows:
            keys = person_keys(p.surname, p.given_name, p.patronymic, p.birth_date)
            Person.update(**keys).where(Person.id == p.id).execute()
        last = rows[-1].id
    for le in LegalEntity.select(LegalEntity.id, LegalEntity.name):
        LegalEntity.update(name_key=legal_keys(le.name)["name_key"]).where(
            LegalEntity.id == le.id).execute()  # the columns this version has
