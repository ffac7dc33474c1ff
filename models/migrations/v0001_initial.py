"""First release: users, codebooks, persons, legal entities, cards (frozen shape)."""

from __future__ import annotations

import peewee as pw

VERSION = 1
DESCRIPTION = "initial schema"

# The card's columns as released in v1: (name, kind, length). Frozen on purpose.
CARD_V1 = [
    ("authority", "code", 5), ("place", "code", 9), ("considering_body", "code", 5),
    ("protocol_no", "text", 20), ("protocol_date", "date", 10), ("without_protocol", "flag", 1),
    ("refusal_no", "text", 20), ("refusal_date", "date", 10), ("official_name", "text", 100),
    ("journal_no", "text", 12), ("journal_date", "date", 10), ("received_date", "date", 10),
    ("subject", "code", 2), ("article", "code", 6), ("part", "digits", 5),
    ("paragraph", "digits", 2), ("guilt", "code", 1), ("offence_date", "date", 10),
    ("decision_date", "date", 10), ("penalty_end_date", "date", 10),
    ("main_penalty", "code", 2), ("extra_penalty", "code", 2), ("measure", "code", 2),
    ("fine_imposed", "amount", 12), ("fine_collected", "amount", 12),
    ("surname", "text", 60), ("given_name", "text", 60), ("patronymic", "text", 60),
    ("birth_date", "date", 10), ("address", "text", 200), ("id_document", "code", 1),
    ("iin", "iin", 12), ("sex", "code", 1), ("citizenship", "code", 1),
    ("workplace", "text", 200), ("intoxication", "code", 1), ("legal_form", "code", 1),
    ("commercial_status", "code", 1), ("legal_name", "text", 250), ("rnn", "rnn", 12),
    ("bin", "bin", 12), ("legal_address", "text", 250), ("protest_date", "date", 10),
    ("protest_result", "code", 2), ("filled_by", "text", 100), ("filled_date", "date", 10),
]


def _col(kind: str, length: int) -> pw.Field:
    if kind == "date":
        return pw.DateField(null=True)
    if kind == "amount":
        return pw.BigIntegerField(null=True)
    if kind == "flag":
        return pw.BooleanField(default=False)
    return pw.CharField(max_length=length, null=True)


def models_v1(db: pw.Database) -> list[type[pw.Model]]:
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        login = pw.CharField(max_length=64, unique=True)
        full_name = pw.CharField(max_length=150, default="")
        position = pw.CharField(max_length=150, default="")
        role = pw.CharField(max_length=16, default="operator")
        os_account = pw.CharField(max_length=64, null=True, unique=True)
        password_hash = pw.CharField(max_length=255, null=True)
        failed_logins = pw.IntegerField(default=0)
        locked_until = pw.DateTimeField(null=True)
        active = pw.BooleanField(default=True)
        created_at = pw.DateTimeField()

    class CodebookEntry(Base):
        book = pw.CharField(max_length=32)
        version = pw.CharField(max_length=16)
        code = pw.CharField(max_length=32)
        parent = pw.CharField(max_length=32, null=True)
        name_kk = pw.TextField()
        name_ru = pw.TextField()
        valid_from = pw.DateField(null=True)
        valid_to = pw.DateField(null=True)
        data = pw.TextField(default="{}")
        search_key = pw.TextField(default="")

        class Meta:
            indexes = ((("book", "version", "code"), True), (("book", "code"), False))

    class Person(Base):
        surname = pw.CharField(max_length=60)
        given_name = pw.CharField(max_length=60)
        patronymic = pw.CharField(max_length=60, default="")
        birth_date = pw.DateField(null=True)
        sex = pw.CharField(max_length=1, default="")
        iin = pw.CharField(max_length=12, null=True, index=True)
        address = pw.CharField(max_length=200, default="")
        citizenship = pw.CharField(max_length=1, default="")
        id_document = pw.CharField(max_length=1, default="")
        created_at = pw.DateTimeField()
        created_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
        updated_at = pw.DateTimeField()

    class LegalEntity(Base):
        name = pw.CharField(max_length=250)
        address = pw.CharField(max_length=250, default="")
        rnn = pw.CharField(max_length=12, null=True, index=True)
        bin = pw.CharField(max_length=12, null=True, index=True)
        legal_form = pw.CharField(max_length=1, default="")
        commercial_status = pw.CharField(max_length=1, default="")
        created_at = pw.DateTimeField()
        created_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
        updated_at = pw.DateTimeField()

    card_attrs: dict[str, object] = {
        "status": pw.CharField(max_length=16, default="draft", index=True),
        "koap_edition": pw.CharField(max_length=8, default="2014"),
        "person": pw.ForeignKeyField(Person, null=True, on_delete="RESTRICT"),
        "legal_entity": pw.ForeignKeyField(LegalEntity, null=True, on_delete="RESTRICT"),
        "created_by": pw.ForeignKeyField(User, null=True, on_delete="SET NULL"),
        "created_at": pw.DateTimeField(),
        **{f"{s}_at": pw.DateTimeField(null=True) for s in (
            "registered", "dispatched", "returned", "corrected", "removed", "executed", "purged")},
        **{name: _col(kind, length) for name, kind, length in CARD_V1},
    }

    class CardMeta:
        indexes = ((("iin",), False), (("surname",), False), (("protocol_no",), False),
                   (("journal_no",), False), (("offence_date",), False))

    card_attrs["Meta"] = CardMeta
    Card = type("Card", (Base,), card_attrs)

    class SchemaVersion(Base):
        version = pw.IntegerField(primary_key=True)
        applied_at = pw.DateTimeField()
        description = pw.CharField(max_length=200, default="")

    return [User, CodebookEntry, Person, LegalEntity, Card, SchemaVersion]


def upgrade(db: pw.Database, migrator: object) -> None:
    db.create_tables(models_v1(db))
