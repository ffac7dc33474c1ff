"""v2: identification history (§38), drafts (nothing typed is lost), card version
column for concurrent corrections, external person reference for imports."""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import migrate

VERSION = 2
DESCRIPTION = "person history, drafts, card version, person ref"


def upgrade(db: pw.Database, migrator) -> None:
    migrate(
        migrator.add_column("card", "version", pw.IntegerField(default=1)),
        migrator.add_column("person", "ref", pw.CharField(max_length=64, null=True)),
        migrator.add_index("person", ("ref",), True),
    )

    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        pass

    class Person(Base):
        pass

    class Card(Base):
        pass

    class PersonHistory(Base):
        person = pw.ForeignKeyField(Person, on_delete="CASCADE")
        field_name = pw.CharField(max_length=32)
        old_value = pw.TextField(null=True)
        new_value = pw.TextField(null=True)
        reason = pw.TextField(default="")
        changed_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
        changed_at = pw.DateTimeField()

    class Draft(Base):
        user = pw.ForeignKeyField(User, on_delete="CASCADE")
        card = pw.ForeignKeyField(Card, null=True, on_delete="CASCADE")
        data = pw.TextField(default="{}")
        updated_at = pw.DateTimeField()

    db.create_tables([PersonHistory, Draft])
