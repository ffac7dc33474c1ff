"""v6: the data bank's flows: this register's place in the tiers, packages sent and
received with what each card record did, the import queue, and one covering index on
the card for statistics and reconciliation (GROUP BY on an index-only scan)."""

from __future__ import annotations

import peewee as pw

VERSION = 6
DESCRIPTION = "exchange: identity, packages, import queue, statistics index"

# The columns statistics and the quarterly reconciliation read, journal date first.
STATS_INDEX = ("journal_date", "status", "article", "authority", "place", "subject",
               "main_penalty", "fine_imposed", "fine_collected", "person_id")


def upgrade(db: pw.Database, migrator) -> None:
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        pass

    class Card(Base):
        pass

    class ExchangeIdentity(Base):
        code = pw.CharField(max_length=32, unique=True)
        tier = pw.CharField(max_length=16)
        name = pw.CharField(max_length=250, default="")
        set_at = pw.DateTimeField()

    class Package(Base):
        ident = pw.CharField(max_length=80)
        direction = pw.CharField(max_length=3)
        kind = pw.CharField(max_length=12)
        sequence = pw.IntegerField()
        sender = pw.CharField(max_length=32)
        sender_tier = pw.CharField(max_length=16)
        receiver = pw.CharField(max_length=32)
        receiver_tier = pw.CharField(max_length=16)
        period_from = pw.DateTimeField(null=True)
        period_to = pw.DateTimeField()
        data_sha256 = pw.CharField(max_length=64)
        records = pw.IntegerField()
        manifest = pw.TextField(default="{}")
        seal = pw.CharField(max_length=64, default="")
        acknowledges = pw.TextField(default="")
        state = pw.CharField(max_length=16)
        received_on = pw.DateField(null=True)
        created_at = pw.DateTimeField()
        created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

        class Meta:
            indexes = ((("direction", "ident"), True),
                       (("direction", "kind", "receiver", "sequence"), False),
                       (("direction", "kind", "sender", "sequence"), False))

    class PackageCard(Base):
        package = pw.ForeignKeyField(Package, backref="+", on_delete="CASCADE")
        card = pw.ForeignKeyField(Card, null=True, backref="+", on_delete="SET NULL")
        uid = pw.CharField(max_length=48)
        version = pw.IntegerField()
        base_version = pw.IntegerField(null=True)
        action = pw.CharField(max_length=8)
        result = pw.CharField(max_length=12, default="")
        reasons = pw.TextField(default="")
        return_due = pw.DateField(null=True)
        ack_package = pw.ForeignKeyField(Package, null=True, backref="+", on_delete="SET NULL")
        decided_at = pw.DateTimeField(null=True)
        decided_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        journal_date = pw.DateField(null=True)

        class Meta:
            indexes = ((("package", "uid"), False), (("uid", "version"), False),
                       (("result", "ack_package"), False))

    class CardOutbox(Base):
        card = pw.ForeignKeyField(Card, unique=True, backref="+", on_delete="CASCADE")
        uid = pw.CharField(max_length=48, unique=True)
        sent_version = pw.IntegerField()
        package = pw.ForeignKeyField(Package, backref="+", on_delete="RESTRICT")

    class CardOrigin(Base):
        card = pw.ForeignKeyField(Card, unique=True, backref="+", on_delete="CASCADE")
        uid = pw.CharField(max_length=48, unique=True)
        source = pw.CharField(max_length=32)
        source_version = pw.IntegerField()
        source_status = pw.CharField(max_length=16, default="")
        package = pw.ForeignKeyField(Package, backref="+", on_delete="RESTRICT")

    class ImportQueue(Base):
        item = pw.ForeignKeyField(PackageCard, unique=True, backref="+", on_delete="CASCADE")
        record = pw.TextField()
        candidates = pw.TextField(default="[]")
        deadline = pw.DateField()
        state = pw.CharField(max_length=10, default="pending", index=True)

    db.create_tables([ExchangeIdentity, Package, PackageCard, CardOutbox, CardOrigin,
                      ImportQueue])
    cols = ", ".join(f'"{c}"' for c in STATS_INDEX)
    db.execute_sql(f'CREATE INDEX "card_stats" ON "card" ({cols})')
