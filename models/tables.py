"""The register's tables (peewee models). Card columns come from the card schema."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import peewee as pw

from models.card_schema import FIELDS, Kind
from models.db import database_proxy


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class BaseModel(pw.Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class Role(StrEnum):
    OPERATOR = "operator"
    ADMINISTRATOR = "administrator"
    AUDITOR = "auditor"


class Status(StrEnum):
    DRAFT = "draft"
    REGISTERED = "registered"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"  # the receiving tier acknowledged it
    RETURNED = "returned"
    CORRECTED = "corrected"
    REMOVED = "removed"
    EXECUTED = "executed"
    PURGED = "purged"


class User(BaseModel):
    login = pw.CharField(max_length=64, unique=True)
    full_name = pw.CharField(max_length=150, default="")
    position = pw.CharField(max_length=150, default="")
    role = pw.CharField(max_length=16, default=Role.OPERATOR.value)
    os_account = pw.CharField(max_length=64, null=True, unique=True)
    password_hash = pw.CharField(max_length=255, null=True)
    failed_logins = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=now)


class SignIn(BaseModel):
    """Password sign-in attempts per login typed, known or not (models.auth.login)."""

    login = pw.CharField(max_length=64, primary_key=True)
    failures = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)

    class Meta:
        table_name = "sign_in"


class CodebookEntry(BaseModel):
    """One code of one codebook version. A card resolves codes on its own date."""

    book = pw.CharField(max_length=32)
    version = pw.CharField(max_length=16)
    code = pw.CharField(max_length=32)
    parent = pw.CharField(max_length=32, null=True)
    name_kk = pw.TextField()
    name_ru = pw.TextField()
    valid_from = pw.DateField(null=True)
    valid_to = pw.DateField(null=True)
    data = pw.TextField(default="{}")  # JSON: penalties, fines, kind, ...
    search_key = pw.TextField(default="")  # code + folded names, for type-to-filter

    class Meta:
        indexes = ((("book", "version", "code"), True), (("book", "code"), False))


class Person(BaseModel):
    """An individual known to the register (deduplicated across cards)."""

    surname = pw.CharField(max_length=60)
    given_name = pw.CharField(max_length=60)
    patronymic = pw.CharField(max_length=60, default="")
    birth_date = pw.DateField(null=True)
    sex = pw.CharField(max_length=1, default="")
    iin = pw.CharField(max_length=12, null=True, index=True)
    address = pw.CharField(max_length=200, default="")
    citizenship = pw.CharField(max_length=1, default="")
    id_document = pw.CharField(max_length=1, default="")
    ref = pw.CharField(max_length=64, null=True, unique=True)  # external reference (imports)
    created_at = pw.DateTimeField(default=now)
    created_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    updated_at = pw.DateTimeField(default=now)
    # Match keys (models.matching.person_keys), written with the names by models.persons;
    # each index serves one candidate query of models.matching.candidates.
    surname_key = pw.CharField(max_length=60, default="")  # the surname's root
    name_key = pw.CharField(max_length=60, default="")
    patronymic_key = pw.CharField(max_length=60, default="")
    birth_year = pw.SmallIntegerField(null=True)
    birth_md = pw.SmallIntegerField(null=True)  # month * 100 + day

    class Meta:
        # The look-ups by birth date carry the other name keys (migration v18).
        indexes = ((("surname_key", "birth_year"), False), (("surname_key", "birth_md"), False),
                   (("name_key", "birth_date", "surname_key", "patronymic_key"), False),
                   (("surname_key", "name_key"), False),
                   (("birth_date", "surname_key", "name_key", "patronymic_key"), False),
                   (("patronymic_key", "birth_date", "surname_key", "name_key"), False))


class PersonHistory(BaseModel):
    """Former identification data of a person (§38): kept when it changes."""

    person = pw.ForeignKeyField(Person, backref="history", on_delete="CASCADE")
    field_name = pw.CharField(max_length=32)
    old_value = pw.TextField(null=True)
    new_value = pw.TextField(null=True)
    reason = pw.TextField(default="")
    changed_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    changed_at = pw.DateTimeField(default=now)


class LegalEntity(BaseModel):
    name = pw.CharField(max_length=250)
    address = pw.CharField(max_length=250, default="")
    rnn = pw.CharField(max_length=12, null=True, index=True)
    bin = pw.CharField(max_length=12, null=True, index=True)
    legal_form = pw.CharField(max_length=1, default="")
    commercial_status = pw.CharField(max_length=1, default="")
    created_at = pw.DateTimeField(default=now)
    created_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    updated_at = pw.DateTimeField(default=now)
    # models.matching.legal_keys: the name's words run together, reversed, sorted.
    name_key = pw.CharField(max_length=120, default="", index=True)
    name_rkey = pw.CharField(max_length=120, default="", index=True)
    name_skey = pw.CharField(max_length=120, default="", index=True)


def _column(kind: Kind, length: int) -> pw.Field:
    if kind == Kind.DATE:
        return pw.DateField(null=True)
    if kind == Kind.AMOUNT:
        return pw.BigIntegerField(null=True)
    if kind == Kind.FLAG:
        return pw.BooleanField(default=False)
    return pw.CharField(max_length=max(length, 1), null=True)


class Card(BaseModel):
    """A 1-AP card: every line of the schema is a column, plus status and links."""

    status = pw.CharField(max_length=16, default=Status.DRAFT.value, index=True)
    version = pw.IntegerField(default=1)  # optimistic locking for concurrent corrections
    koap_edition = pw.CharField(max_length=8, default="2014")  # code edition of line 9
    person = pw.ForeignKeyField(Person, null=True, backref="cards", on_delete="RESTRICT")
    legal_entity = pw.ForeignKeyField(LegalEntity, null=True, backref="cards",
                                      on_delete="RESTRICT")
    created_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = pw.DateTimeField(default=now)
    registered_at = pw.DateTimeField(null=True)
    dispatched_at = pw.DateTimeField(null=True)
    returned_at = pw.DateTimeField(null=True)
    corrected_at = pw.DateTimeField(null=True)
    removed_at = pw.DateTimeField(null=True)
    executed_at = pw.DateTimeField(null=True)
    purged_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("iin",), False), (("surname",), False), (("protocol_no",), False),
                   (("journal_no",), False), (("offence_date",), False),
                   (("authority", "journal_no"), False))  # models.journal_no


for _f in FIELDS.values():
    Card._meta.add_field(_f.name, _column(_f.kind, _f.length))


class Draft(BaseModel):
    """The card being typed, saved on every field change so nothing typed is lost."""

    user = pw.ForeignKeyField(User, on_delete="CASCADE")
    card = pw.ForeignKeyField(Card, null=True, on_delete="CASCADE")  # None: a new card
    data = pw.TextField(default="{}")  # JSON: field name -> raw text as typed, plus focus
    updated_at = pw.DateTimeField(default=now)


class SchemaVersion(BaseModel):
    version = pw.IntegerField(primary_key=True)
    applied_at = pw.DateTimeField(default=now)
    description = pw.CharField(max_length=200, default="")


ALL_TABLES: list[type[BaseModel]] = [User, SignIn, CodebookEntry, Person, PersonHistory,
                                     LegalEntity, Card, Draft, SchemaVersion]


def card_values(card: Card) -> dict[str, object]:
    """The card's schema fields as a dict."""
    return {name: getattr(card, name) for name in FIELDS}
