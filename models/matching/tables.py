"""Decisions "these are different people" (and "different legal entities"), so the same
pair is not offered again. The operator and the time are kept with each decision.
And the one-slip variants of short legal names' keys (their lookup table)."""

from __future__ import annotations

import peewee as pw

from models.tables import BaseModel, LegalEntity, Person, User, now


class PersonDistinct(BaseModel):
    """`person` is not `other`; or, decided before the card's person existed, `person`
    is not whoever has the identification data `fingerprint` (keys.Probe.fingerprint)."""

    person = pw.ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    other = pw.ForeignKeyField(Person, null=True, backref="+", on_delete="CASCADE")
    fingerprint = pw.CharField(max_length=40, null=True)
    decided_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("person", "other"), True), (("other",), False),
                   (("fingerprint", "person"), True))


class LegalDistinct(BaseModel):
    legal_entity = pw.ForeignKeyField(LegalEntity, backref="+", on_delete="CASCADE")
    other = pw.ForeignKeyField(LegalEntity, null=True, backref="+", on_delete="CASCADE")
    fingerprint = pw.CharField(max_length=40, null=True)
    decided_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("legal_entity", "other"), True), (("other",), False),
                   (("fingerprint", "legal_entity"), True))


class LegalNameVariant(BaseModel):
    """A short legal name's key and its keys with one letter left out (keys.
    legal_variants): a name keyed with any one slip shares one of them, found by an
    exact indexed lookup. Written with the entity by models.persons."""

    variant = pw.CharField(max_length=16)
    legal_entity = pw.ForeignKeyField(LegalEntity, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("variant", "legal_entity"), True), (("legal_entity",), False))


MATCHING_TABLES: list[type[BaseModel]] = [PersonDistinct, LegalDistinct, LegalNameVariant]
