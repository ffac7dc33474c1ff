"""The destruction itself (§7, §14), set-based: models.retention decides what is due and
calls `destroy` inside its transaction, under the write lock.

A few statements per 500 cards, whatever the register's size:
- the journal columns of cards whose entry outlives them are copied into their entries
  (one read of the columns the journal needs, one insert and one update per batch);
- the cards become tombstones in one UPDATE per batch (personal lines emptied, person
  and legal entity links cut, status purged, version + 1); the database's triggers log
  each of them with event `purge`, the act's number as the reason and no former value;
- persons and legal entities no card refers to any more are deleted with one DELETE per
  batch (their §38 history and match keys go with them: ON DELETE CASCADE);
- journal entries past their three years lose their personal columns and take the
  act's id in one UPDATE per batch (a card's entry never written yet is inserted so).
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Iterator, Sequence
from typing import Any

import peewee as pw

from models import audit
from models.corrections import PURGED_FIELDS
from models.i18n import T
from models.register_tables import Proceeding
from models.registration_journal import SNAPSHOT_COLUMNS, snapshot_values
from models.requests import open_request_query
from models.tables import Card, LegalEntity, Person, Status, User, now

BATCH = 500  # ids per statement (SQLite's bound-parameter limit, plan-friendly IN lists)

_Snap = namedtuple("_Snap", SNAPSHOT_COLUMNS)


class PurgeConflict(Exception):
    """A card planned for destruction was returned, protested or asked about by another
    session meanwhile: nothing of the act is kept (its transaction rolls back)."""

    message = T("Жою кезінде карточка өзгерді (қайтарылды, наразылық немесе сұрау): акт "
                "жасалмады, қайта іске қосыңыз",
                "Во время уничтожения карточка изменилась (возврат, протест или запрос): "
                "акт не составлен, запустите снова")


def batches(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield list(ids[start:start + BATCH])


def destroy(card_ids: Sequence[int], journal_cut: dt.date, entry_ids: Sequence[int],
            journal_cards: Sequence[int], act_id: int, note: str, user: User | None) -> None:
    """Destroy the cards and the journal entries of one act (see the module's text)."""
    owners_p, owners_l = _owners(card_ids)
    _snapshot(card_ids, journal_cut, user)
    with audit.writing(user, "purge", reason=note):
        _tombstones(card_ids)
        _drop_orphans(Person, Card.person, owners_p)
        _drop_orphans(LegalEntity, Card.legal_entity, owners_l)
    _destroy_entries(entry_ids, journal_cards, act_id, user)


def _owners(card_ids: Sequence[int]) -> tuple[list[int], list[int]]:
    persons: set[int] = set()
    legal: set[int] = set()
    for chunk in batches(card_ids):
        for person, entity in Card.select(Card.person, Card.legal_entity).where(
                Card.id.in_(chunk)).tuples():
            if person is not None:
                persons.add(person)
            if entity is not None:
                legal.add(entity)
    return sorted(persons), sorted(legal)


def _snapshot(card_ids: Sequence[int], journal_cut: dt.date, user: User | None) -> None:
    """The journal outlives the card (§7): entries of cards registered since the cut
    get the card's journal columns before the personal lines go."""
    columns = [getattr(Card, c) for c in SNAPSHOT_COLUMNS]
    at = now()
    for chunk in batches(card_ids):
        rows = [_Snap(*r) for r in Card.select(*columns).where(
            Card.id.in_(chunk), Card.journal_date >= journal_cut).tuples()]
        if not rows:
            continue
        existing = {card: entry for card, entry in Proceeding.select(
            Proceeding.card, Proceeding.id).where(
                Proceeding.card.in_([r.id for r in rows])).tuples()}
        fresh, changed = [], []
        for r in rows:
            values = {**snapshot_values(r), "updated_at": at}
            if r.id in existing:
                changed.append(Proceeding(id=existing[r.id], **values))
            else:
                fresh.append({**values, "number": r.journal_no or "",
                              "registered_on": r.journal_date or r.created_at.date(),
                              "card": r.id, "created_by": user, "created_at": at})
        if fresh:
            Proceeding.insert_many(fresh).execute()
        if changed:
            Proceeding.bulk_update(changed, fields=list(snapshot_values(rows[0])) +
                                   ["updated_at"], batch_size=100)


def _tombstones(card_ids: Sequence[int]) -> None:
    updates: dict[Any, Any] = {getattr(Card, n): None for n in PURGED_FIELDS}
    updates.update({Card.status: Status.PURGED.value, Card.purged_at: now(),
                    Card.person: None, Card.legal_entity: None,
                    Card.version: Card.version + 1})
    # The holds again, in the statement itself: a card returned, protested, asked
    # about or its fine found short of collected (line 13) since the plan (another session, PostgreSQL's READ COMMITTED) is not
    # destroyed; the act is then refused whole.
    kept = [Status.PURGED.value, Status.DRAFT.value, Status.RETURNED.value]
    for chunk in batches(card_ids):
        done = Card.update(updates).where(
            Card.id.in_(chunk), Card.status.not_in(kept), Card.executed_at.is_null(False),
            Card.protest_date.is_null()
            | (Card.protest_result.is_null(False) & (Card.protest_result != "")),
            Card.fine_imposed.is_null()
            | (pw.fn.COALESCE(Card.fine_collected, 0) >= Card.fine_imposed),
            Card.id.not_in(open_request_query())).execute()
        if done != len(chunk):
            raise PurgeConflict(f"{len(chunk) - done} of {len(chunk)} cards changed meanwhile")


def _drop_orphans(model: type[pw.Model], column: pw.ForeignKeyField, ids: list[int]) -> None:
    """Persons (legal entities) of the destroyed cards that no card refers to any more."""
    for chunk in batches(ids):
        still = Card.select(column).where(column.in_(chunk))
        model.delete().where(model.id.in_(chunk), model.id.not_in(still)).execute()


def _destroy_entries(entry_ids: Sequence[int], card_ids: Sequence[int], act_id: int,
                     user: User | None) -> None:
    """Journal entries leave the journal with the act: personal columns emptied."""
    at = now()
    gone = {Proceeding.offender: "", Proceeding.legal: "", Proceeding.filled_by: "",
            Proceeding.destroyed_act: act_id, Proceeding.updated_at: at}
    for chunk in batches(entry_ids):
        Proceeding.update(gone).where(Proceeding.id.in_(chunk)).execute()
    for chunk in batches(card_ids):
        Proceeding.update(gone).where(Proceeding.card.in_(chunk)).execute()
        have = Proceeding.select(Proceeding.card).where(Proceeding.card.in_(chunk))
        # A card's entry never written yet: made from the card in the database, every
        # column given (insert_from applies no Python default).
        made = {Proceeding.number: pw.fn.COALESCE(Card.journal_no, ""),
                Proceeding.registered_on: Card.journal_date, Proceeding.card: Card.id,
                Proceeding.koap_edition: pw.fn.COALESCE(Card.koap_edition, "2014"),
                Proceeding.created_by: pw.Value(user.id if user else None),
                Proceeding.created_at: pw.Value(at), Proceeding.updated_at: pw.Value(at),
                Proceeding.destroyed_act: pw.Value(act_id),
                Proceeding.snapshot: pw.Value(False)}
        for column in (Proceeding.result, Proceeding.filing_body, Proceeding.court_body,
                       Proceeding.offender, Proceeding.legal, Proceeding.article,
                       Proceeding.part, Proceeding.paragraph, Proceeding.filled_by,
                       Proceeding.decision_no, Proceeding.penalty):
            made[column] = pw.Value("")
        missing = Card.select(*made.values()).where(Card.id.in_(chunk), Card.id.not_in(have))
        Proceeding.insert_from(missing, list(made)).execute()
