"""Registering new cards and finding them.

Correcting a registered card is not here: models/corrections.py holds the one
function that changes registered data (with a reason and a log row).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import peewee as pw

from models import audit, bulk, codebook
from models.card_schema import FIELDS, Subject
from models.db import database_proxy, is_postgres
from models.drafts import discard_draft
from models.journal_no import claim_expression, claim_journal_no, next_journal_no
from models.matching.keys import KEY_LENGTH
from models.matching.normalize import skeleton, surname_root
from models.permissions import Action, require
from models.persons import create_legal_entity, create_person
from models.tables import Card, LegalEntity, Person, Status, User, card_values, now
from models.text import clean, find_control
from models.validation import Issue, card_date, check_card, errors, subject_kind

if TYPE_CHECKING:  # the decisions (and the scoring they use) load with a decision
    from models.matching.decisions import Decision

__all__ = ["card_by_id", "CardRefused", "card_row", "card_values", "find_cards", "next_journal_no",
           "register_card", "person_cards", "row_edition"]


class CardRefused(Exception):
    """The card has errors; `issues` lists them (warnings too)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(f"{len(errors(issues))} error(s)")
        self.issues = issues


def card_row(values: dict[str, Any]) -> tuple[dict[str, Any], Subject | None]:
    """The card's columns as stored (lines hidden for the subject empty) and its kind of
    subject. A batch of received cards (models.exchange) is written from the same rows."""
    kind = subject_kind(values, card_date(values))
    row = {n: (values.get(n) if f.visible_for(kind) else None) for n, f in FIELDS.items()}
    row["without_protocol"] = bool(row.get("without_protocol"))
    return row, kind


def row_edition(values: dict[str, Any]) -> str:
    """The Code edition the card's article resolves in (2001 or 2014)."""
    article = values.get("article")
    entry = codebook.resolve("article", article, card_date(values)) if article else None
    return entry.version if entry else "2014"


def register_card(values: dict[str, Any], user: User | None, person: Person | None = None,
                  legal: LegalEntity | None = None, today: dt.date | None = None,
                  decision: Decision | None = None, journal_proposed: str | None = None,
                  drop_draft: bool = False) -> Card:
    """Write a new card (status registered) with its person or legal entity, in one
    transaction. `values` are typed values or text as typed; what is stored is what
    models.validation.check_card cleaned and checked. Lines hidden for the subject are
    stored empty. `decision`, the duplicates window's answer, is applied in the same
    transaction (linked person or entity, identification corrected, candidates declared
    different). Raises CardRefused, or PermissionDenied when the user may not enter cards
    (an auditor reads only) or may not correct what the decision corrects.

    The journal number (line 6) is claimed in the same transaction (models.journal_no):
    `journal_proposed` is what next_journal_no offered; kept by the operator and taken
    by another card meanwhile, it becomes the next free number (card.journal_no says
    which); a number the operator typed is stored as typed.

    `drop_draft`: the user's draft (the card as typed) goes in the same transaction: a
    saved card never stays behind as a draft to resume and key again, nor does a card
    refused or not written lose its draft."""
    require(user, Action.ENTER_CARD)
    row, issues = check_card(values, today)
    if errors(issues):
        raise CardRefused(issues)
    row, kind = card_row(row)
    if decision is not None:
        from models.matching.decisions import settle, take
    # A save's own transaction ends with its card (bulk.insert_last); one inside a
    # caller's transaction leaves the commit to the caller.
    last = decision is None and is_postgres() and database_proxy.transaction_depth() == 0
    with audit.writing(user, "register"):
        if decision is not None:
            chosen_person, chosen_legal = take(decision, row, user)
            person, legal = chosen_person or person, chosen_legal or legal
        if kind in (Subject.INDIVIDUAL, Subject.ENTREPRENEUR) and person is None:
            person = create_person(row, user)
        if kind in (Subject.LEGAL, Subject.ENTREPRENEUR) and legal is None:
            legal = create_legal_entity(row, user)
        if drop_draft and user is not None:
            discard_draft(user)
        # The journal counter's row (one per organisation and year) last, right before
        # the card: every save of the organisation's year waits for it, and it is held
        # till the commit (PostgreSQL), so it covers only the card's insert. The log's
        # lock is taken at the commit, after it (migration v0011): one order for every
        # save.
        stamp = now()
        columns = {
            "status": Status.REGISTERED.value, "koap_edition": row_edition(row),
            "person": person if kind != Subject.LEGAL else None,
            "legal_entity": legal if kind != Subject.INDIVIDUAL else None,
            "created_by": user, "created_at": stamp, "registered_at": stamp}
        if last:
            # The claim, the card and the commit in one message (models.pgdb): the
            # counter's row is held for the server's work only.
            claim = claim_expression(row, journal_proposed)
            card = bulk.insert_last(Card, {**row, **columns},
                                    {"journal_no": claim} if claim else {})
            return card
        claim_journal_no(row, journal_proposed)
        card = bulk.insert_one(Card, {**row, **columns})
        if decision is not None:
            settle(decision, card.person_id, card.legal_entity_id, user)
        return card


ACTIVE = (Status.REMOVED.value, Status.PURGED.value, Status.DRAFT.value)


def find_cards(iin: str | None = None, surname: str | None = None,
               protocol_no: str | None = None, journal_no: str | None = None,
               date_from: dt.date | None = None, date_to: dt.date | None = None,
               include_removed: bool = False, limit: int = 200) -> list[Card]:
    """Cards by IIN, surname (the beginning of it, any spelling; with initials), a legal
    entity's name (its beginning), protocol or registration number and offence-date
    range; newest first. What no card can hold (text longer than its
    column, refused characters, a value of another type) finds nothing."""
    texts = {"iin": (iin, 12), "surname": (surname, 250), "protocol_no": (protocol_no, 20),
             "journal_no": (journal_no, 12)}
    if not all(_searchable(v, n) for v, n in texts.values()) or not all(
            d is None or isinstance(d, dt.date) for d in (date_from, date_to)):
        return []
    q = Card.select()
    if not include_removed:
        q = q.where(Card.status.not_in(ACTIVE))
    if iin:
        q = q.where((Card.iin == iin) | (Card.bin == iin))
    if surname:
        q = q.where(_by_name(surname))
    if protocol_no:
        q = q.where(Card.protocol_no == clean(protocol_no))
    if journal_no:
        q = q.where(Card.journal_no == clean(journal_no))
    if date_from:
        q = q.where(Card.offence_date >= date_from)
    if date_to:
        q = q.where(Card.offence_date <= date_to)
    return list(q.order_by(Card.offence_date.desc(nulls="LAST"), Card.id.desc()).limit(limit))


NAME_WORD = re.compile(r"[^\W\d_]+")  # letters only: "Касымов Е.Н." -> Касымов, Е, Н


def _prefix(column: pw.Field, key: str) -> pw.Expression:
    """`column` starts with `key` (ASCII keys): a range, on the index on either engine."""
    return (column >= key) & (column < key + "\x7f")


def _by_name(text: str) -> pw.Expression:
    """Cards of persons whose surname (and initials, "Касымов Е.Н.") match through the
    duplicate-matching keys, which fold Kazakh letters, Latin and passport spellings
    (Қасымов, Касымов, Kassymov); and cards of legal entities whose name starts so."""
    s = clean(text)[:KEY_LENGTH]
    words = NAME_WORD.findall(s)
    surname_key = skeleton(words[0]) if words else ""
    legal = Card.legal_name.startswith(s) | Card.legal_name.startswith(s[:1].upper() + s[1:])
    if not surname_key:
        return legal
    # Person.surname_key is the surname's root (Иванов, Иванова -> ivan): the root of
    # what was typed, what was typed less an ending of up to 3 letters (Касымо...), or
    # a root that begins with what was typed (касым).
    roots = {surname_root(words[0])} | {surname_key[:n] for n in range(
        max(2, len(surname_key) - 3), len(surname_key) + 1)}
    who = Person.surname_key.in_(sorted(roots)) | _prefix(Person.surname_key, surname_key)
    for column, word in zip((Person.name_key, Person.patronymic_key), words[1:3], strict=False):
        key = skeleton(word)
        if key:
            who &= _prefix(column, key) | (column == "")
    return Card.person.in_(Person.select(Person.id).where(who)) | legal


def _searchable(value: object, longest: int) -> bool:
    """A search term that some card could hold (None: not searched by)."""
    if value is None:
        return True
    return (isinstance(value, str) and find_control(value) is None
            and len(clean(value)) <= longest)


def person_cards(person_id: int, limit: int = 20) -> list[Card]:
    """A person's earlier cards, newest first (for the duplicates panel)."""
    return list(Card.select().where((Card.person == person_id) & Card.status.not_in(ACTIVE))
                .order_by(Card.offence_date.desc(nulls="LAST")).limit(limit))


def card_by_id(card_id: int) -> Card | None:
    """The card as the register holds it now (a window reads it again after a document
    changed it)."""
    return Card.get_or_none(Card.id == card_id)
