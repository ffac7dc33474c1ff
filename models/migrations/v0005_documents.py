"""v5: the register's other documents: registration journal entries, notices of
execution and release, liability requests and their candidates, protest links, destruction
acts, the basis of own-initiative corrections."""

from __future__ import annotations

import datetime as dt

import peewee as pw

VERSION = 5
DESCRIPTION = "journal entries, notices, liability requests, protest links, destruction acts"


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def upgrade(db: pw.Database, migrator) -> None:
    # Frozen here: a later change to models/register_tables.py cannot change what this
    # migration creates.
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        pass

    class Card(Base):
        pass

    class Person(Base):
        pass

    class LegalEntity(Base):
        pass

    class Proceeding(Base):
        number = pw.CharField(max_length=12)
        registered_on = pw.DateField()
        card = pw.ForeignKeyField(Card, null=True, unique=True, backref="+", on_delete="RESTRICT")
        result = pw.CharField(max_length=2, default="")  # proceeding_result code (column 7)
        result_date = pw.DateField(null=True)
        filing_body = pw.CharField(max_length=250, default="")  # column 2
        sent_on = pw.DateField(null=True)  # column 2: sent to the Directorate
        court_body = pw.CharField(max_length=250, default="")  # column 3
        offender = pw.TextField(default="")  # column 4: name, birth date, position, workplace
        legal = pw.TextField(default="")  # column 5
        article = pw.CharField(max_length=6, default="")  # column 6
        part = pw.CharField(max_length=5, default="")
        paragraph = pw.CharField(max_length=2, default="")
        koap_edition = pw.CharField(max_length=8, default="2014")
        filled_by = pw.CharField(max_length=100, default="")  # column 8
        decision_no = pw.CharField(max_length=30, default="")  # column 9
        in_force_on = pw.DateField(null=True)
        penalty = pw.TextField(default="")  # column 10
        snapshot = pw.BooleanField(default=False)
        destroyed_act = pw.IntegerField(null=True)  # the act that destroyed the entry (§7)
        created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        created_at = pw.DateTimeField(default=_now)
        updated_at = pw.DateTimeField(default=_now)

        class Meta:
            indexes = ((("registered_on",), False), (("number",), False))


    class Notice(Base):
        kind = pw.CharField(max_length=10)
        card = pw.ForeignKeyField(Card, backref="+", on_delete="RESTRICT")
        issued_on = pw.DateField()
        due_on = pw.DateField()  # §35: 1 working day after the proof; §36: 3 days
        sender = pw.CharField(max_length=250, default="")  # the body sending the notice
        responsible = pw.CharField(max_length=150, default="")
        amount_paid = pw.BigIntegerField(null=True)
        paid_on = pw.DateField(null=True)
        proof_on = pw.DateField(null=True)  # the proof of payment reached the body
        release_kind = pw.CharField(max_length=10, default="")  # liability | penalty
        release_date = pw.DateField(null=True)
        ground = pw.CharField(max_length=8, default="")  # release_ground code
        ground_text = pw.CharField(max_length=250, default="")  # the act / decision relied on
        ground_date = pw.DateField(null=True)
        created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        created_at = pw.DateTimeField(default=_now)

        class Meta:
            indexes = ((("card", "kind"), False), (("issued_on",), False))


    class LiabilityRequest(Base):
        number = pw.CharField(max_length=20)
        request_date = pw.DateField(null=True)
        received_on = pw.DateField()
        delivery = pw.CharField(max_length=8, default="post")  # post | hand
        subject_kind = pw.CharField(max_length=12, default="individual")  # individual | legal
        surname = pw.CharField(max_length=60, default="")
        given_name = pw.CharField(max_length=60, default="")
        patronymic = pw.CharField(max_length=60, default="")
        birth_date = pw.DateField(null=True)
        birthplace = pw.CharField(max_length=200, default="")
        address = pw.CharField(max_length=200, default="")
        iin = pw.CharField(max_length=12, default="")
        rnn = pw.CharField(max_length=12, default="")
        bin = pw.CharField(max_length=12, default="")
        legal_name = pw.CharField(max_length=250, default="")
        legal_address = pw.CharField(max_length=250, default="")
        grounds = pw.TextField(default="")
        head = pw.CharField(max_length=150, default="")
        executor = pw.CharField(max_length=150, default="")
        sender_body = pw.CharField(max_length=250, default="")
        sender_address = pw.TextField(default="")
        repetition = pw.BooleanField(default=False)  # repetition to establish: 1 working day
        former = pw.TextField(default="[]")  # JSON: former identification within the year (§38)
        source = pw.CharField(max_length=200, default="paper")  # paper | file name and row
        status = pw.CharField(max_length=10, default="open")  # open | answered | returned
        due_on = pw.DateField()
        answered_on = pw.DateField(null=True)
        answered_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        answer_executor = pw.CharField(max_length=150, default="")
        answer_cards = pw.TextField(default="[]")  # JSON: the card numbers the answer lists
        return_reason = pw.TextField(default="")
        created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        created_at = pw.DateTimeField(default=_now)

        class Meta:
            table_name = "liability_request"
            indexes = ((("status", "due_on"), False), (("received_on",), False),
                       (("number",), False))


    class RequestCandidate(Base):
        request = pw.ForeignKeyField(LiabilityRequest, backref="candidates", on_delete="CASCADE")
        person = pw.ForeignKeyField(Person, null=True, backref="+", on_delete="CASCADE")
        legal_entity = pw.ForeignKeyField(LegalEntity, null=True, backref="+", on_delete="CASCADE")
        band = pw.CharField(max_length=10)
        score = pw.FloatField(default=0.0)
        probe = pw.CharField(max_length=10, default="current")  # current | former
        decision = pw.CharField(max_length=10, default="")
        decided_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        decided_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "request_candidate"
            indexes = ((("request", "person"), False), (("request", "legal_entity"), False))


    class CardLink(Base):
        old_card = pw.ForeignKeyField(Card, backref="+", on_delete="RESTRICT")
        new_card = pw.ForeignKeyField(Card, backref="+", on_delete="RESTRICT")
        kind = pw.CharField(max_length=10, default="protest")
        created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        created_at = pw.DateTimeField(default=_now)

        class Meta:
            table_name = "card_link"
            indexes = ((("old_card", "new_card"), True), (("new_card",), False))


    class DestructionAct(Base):
        number = pw.CharField(max_length=20, unique=True)
        made_on = pw.DateField()
        made_at = pw.DateTimeField(default=_now)
        made_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        ground = pw.TextField(default="")
        cards = pw.IntegerField(default=0)
        minors = pw.IntegerField(default=0)
        corruption = pw.IntegerField(default=0)
        journal_entries = pw.IntegerField(default=0)
        card_ids = pw.TextField(default="[]")
        entry_ids = pw.TextField(default="[]")

        class Meta:
            table_name = "destruction_act"


    class CorrectionBasis(Base):
        card = pw.ForeignKeyField(Card, backref="+", on_delete="RESTRICT")
        card_version = pw.IntegerField()
        basis = pw.CharField(max_length=10)  # return | own | override
        found_on = pw.DateField(null=True)
        override_reason = pw.TextField(default="")
        user = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        created_at = pw.DateTimeField(default=_now)

        class Meta:
            table_name = "correction_basis"
            indexes = ((("card", "card_version"), False),)

    db.create_tables([Proceeding, Notice, LiabilityRequest, RequestCandidate, CardLink,
                      DestructionAct, CorrectionBasis])
