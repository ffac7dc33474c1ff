"""Tables of the data bank's flows (migration v0006).

    ExchangeIdentity  this register's organisation code and tier, fixed by its first package
    Package           every package written (out) or read (in): cards, acknowledgement,
                      reconciliation statement; its manifest's figures and its state
    PackageCard       one card record of a package and what became of it
    CardOutbox        per card: the version last sent upwards, and under which uid
    CardOrigin        per card received from below: its uid, sender and sender's version
    ImportQueue       received cards waiting for an operator (probable duplicate person)
"""

from __future__ import annotations

import peewee as pw

from models.tables import BaseModel, Card, User, now


class ExchangeIdentity(BaseModel):
    code = pw.CharField(max_length=32, unique=True)
    tier = pw.CharField(max_length=16)
    name = pw.CharField(max_length=250, default="")
    set_at = pw.DateTimeField(default=now)


class Package(BaseModel):
    ident = pw.CharField(max_length=80)  # "<sender>-<receiver>-<kind>-<sequence>"
    direction = pw.CharField(max_length=3)  # out | in
    kind = pw.CharField(max_length=12)  # cards | ack | statement
    sequence = pw.IntegerField()
    sender = pw.CharField(max_length=32)
    sender_tier = pw.CharField(max_length=16)
    receiver = pw.CharField(max_length=32)
    receiver_tier = pw.CharField(max_length=16)
    period_from = pw.DateTimeField(null=True)
    period_to = pw.DateTimeField()
    data_sha256 = pw.CharField(max_length=64)
    records = pw.IntegerField()
    manifest = pw.TextField(default="{}")  # the manifest as written / read (JSON)
    seal = pw.CharField(max_length=64, default="")  # the sender's audit seal
    acknowledges = pw.TextField(default="")  # ack: the idents it answers, space-separated
    state = pw.CharField(max_length=16)  # out: sent, acknowledged; in: importing, imported
    received_on = pw.DateField(null=True)  # in: the day of receipt (§12 deadline)
    created_at = pw.DateTimeField(default=now)
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        indexes = ((("direction", "ident"), True),
                   (("direction", "kind", "receiver", "sequence"), False),
                   (("direction", "kind", "sender", "sequence"), False))


class PackageCard(BaseModel):
    package = pw.ForeignKeyField(Package, backref="+", on_delete="CASCADE")
    card = pw.ForeignKeyField(Card, null=True, backref="+", on_delete="SET NULL")
    uid = pw.CharField(max_length=48)
    version = pw.IntegerField()
    base_version = pw.IntegerField(null=True)  # out: the version sent before (None: first)
    action = pw.CharField(max_length=8)  # register | correct | remove
    # in: accepted | returned | pending | removed | unchanged | stale
    # out: "" until acknowledged, then accepted | returned | removed | unchanged
    result = pw.CharField(max_length=12, default="")
    reasons = pw.TextField(default="")  # JSON list of {line, field, kk, ru}
    return_due = pw.DateField(null=True)  # in: the Directorate's deadline (§12)
    ack_package = pw.ForeignKeyField(Package, null=True, backref="+", on_delete="SET NULL")
    decided_at = pw.DateTimeField(null=True)
    decided_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    journal_date = pw.DateField(null=True)  # in: line 6 of the record (the quarter it is in)

    class Meta:
        indexes = ((("package", "uid"), False), (("uid", "version"), False),
                   (("result", "ack_package"), False))


class CardOutbox(BaseModel):
    card = pw.ForeignKeyField(Card, unique=True, backref="+", on_delete="CASCADE")
    uid = pw.CharField(max_length=48, unique=True)
    sent_version = pw.IntegerField()
    package = pw.ForeignKeyField(Package, backref="+", on_delete="RESTRICT")


class CardOrigin(BaseModel):
    card = pw.ForeignKeyField(Card, unique=True, backref="+", on_delete="CASCADE")
    uid = pw.CharField(max_length=48, unique=True)
    source = pw.CharField(max_length=32)
    source_version = pw.IntegerField()
    source_status = pw.CharField(max_length=16, default="")
    package = pw.ForeignKeyField(Package, backref="+", on_delete="RESTRICT")


class ImportQueue(BaseModel):
    item = pw.ForeignKeyField(PackageCard, unique=True, backref="+", on_delete="CASCADE")
    record = pw.TextField()  # the card record as received (one JSON line)
    candidates = pw.TextField(default="[]")  # JSON: [{"kind", "id", "score", "band"}]
    deadline = pw.DateField()
    state = pw.CharField(max_length=10, default="pending", index=True)


# The covering index statistics and reconciliation read (migration v0006.STATS_INDEX).
STATS_INDEX = ("journal_date", "status", "article", "authority", "place", "subject",
               "main_penalty", "fine_imposed", "fine_collected", "person")
Card.add_index(*(getattr(Card, name) for name in STATS_INDEX))

EXCHANGE_TABLES: list[type[BaseModel]] = [ExchangeIdentity, Package, PackageCard, CardOutbox,
                                          CardOrigin, ImportQueue]
