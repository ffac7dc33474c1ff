"""v4: the correction log (§34-2) and the triggers that make it append-only."""

from __future__ import annotations

import peewee as pw

from models.db import is_postgres

VERSION = 4
DESCRIPTION = "correction log, append-only triggers"

# Frozen here (not read from models.audit) so a later change to the model cannot
# change what this migration creates. Tests recreate the triggers from these lists.
SQLITE_TRIGGERS = [
    "CREATE TRIGGER correction_no_update BEFORE UPDATE ON correction "
    "BEGIN SELECT RAISE(ABORT, 'correction log is append-only: UPDATE refused'); END",
    "CREATE TRIGGER correction_no_delete BEFORE DELETE ON correction "
    "BEGIN SELECT RAISE(ABORT, 'correction log is append-only: DELETE refused'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION correction_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    # No '%' placeholder: the driver would take it for a query parameter.
    "RAISE EXCEPTION USING MESSAGE = 'correction log is append-only: ' || TG_OP || ' refused'; "
    "END $$",
    "CREATE TRIGGER correction_no_change BEFORE UPDATE OR DELETE ON correction "
    "FOR EACH ROW EXECUTE FUNCTION correction_append_only()",
]


def trigger_sql(db: pw.Database) -> list[str]:
    return POSTGRES_TRIGGERS if is_postgres(db) else SQLITE_TRIGGERS


def upgrade(db: pw.Database, migrator) -> None:
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        pass

    class Card(Base):
        pass

    class Correction(Base):
        id = pw.IntegerField(primary_key=True)
        card = pw.ForeignKeyField(Card, null=True, on_delete="RESTRICT")
        card_version = pw.IntegerField(null=True)
        event = pw.CharField(max_length=16)
        line = pw.CharField(max_length=8, default="")
        field_name = pw.CharField(max_length=32)
        old_value = pw.TextField(null=True)
        new_value = pw.TextField(null=True)
        reason_code = pw.CharField(max_length=8, null=True)
        reason_text = pw.TextField(default="")
        user = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        target_user = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
        created_at = pw.DateTimeField()
        prev_hash = pw.CharField(max_length=64)
        row_hash = pw.CharField(max_length=64)

        class Meta:
            table_name = "correction"
            indexes = ((("card", "card_version"), False), (("created_at",), False),
                       (("user",), False), (("reason_code",), False))

    db.create_tables([Correction])
    for sql in trigger_sql(db):
        db.execute_sql(sql)
