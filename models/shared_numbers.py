"""Identification numbers held by more than one record of the register.

An IIN names one person and a BIN one legal entity. Two persons with one IIN are either
one person keyed twice (a card linked to a new person instead of the existing one) or
two people of whom one has a mistyped number; the duplicates window leaves such a pair
undecided when the operator cannot tell (the card then carries a warning at line 14.3).
This is the list an administrator works through: every number held twice or more, with
the records, their cards, and the pairs already declared different (those numbers drop
out once every pair of the group is declared). A record's cards are opened by number
(F5) and the decision taken on the card (F6), as when it was keyed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import peewee as pw

from models.matching.tables import LegalDistinct, PersonDistinct
from models.tables import Card, LegalEntity, Person

NOT_CARDS = ("draft", "purged")


@dataclass(frozen=True)
class Holder:
    kind: str  # person | legal
    id: int
    name: str
    birth_date: dt.date | None
    cards: tuple[int, ...]


@dataclass(frozen=True)
class Shared:
    kind: str  # iin | bin
    number: str
    holders: tuple[Holder, ...]
    declared: int  # pairs of the group already declared different persons (entities)


def _groups(field: pw.Field) -> list[str]:
    model = field.model
    return [n for (n,) in model.select(field).where(field.is_null(False) & (field != ""))
            .group_by(field).having(pw.fn.COUNT(model.id) > 1).order_by(field).tuples()]


def _cards(column: pw.Field, ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {i: [] for i in ids}
    for owner, card in (Card.select(column, Card.id)
                        .where(column.in_(ids) & Card.status.not_in(NOT_CARDS))
                        .order_by(Card.id).tuples()):
        out[owner].append(card)
    return out


def _declared(model: type[pw.Model], own: pw.Field, ids: list[int]) -> set[frozenset[int]]:
    rows = model.select(own, model.other).where(own.in_(ids) & model.other.in_(ids)).tuples()
    return {frozenset(r) for r in rows}


def _group(kind: str, number: str, holders: list[Holder],
           declared: set[frozenset[int]]) -> Shared | None:
    pairs = [frozenset(p) for p in combinations([h.id for h in holders], 2)]
    done = sum(1 for p in pairs if p in declared)
    if done == len(pairs):
        return None
    return Shared(kind, number, tuple(holders), done)


def shared_numbers() -> list[Shared]:
    """Every IIN held by two or more persons, then every BIN by two or more legal
    entities, in number order; groups whose pairs are all declared different left out."""
    out: list[Shared] = []
    for number in _groups(Person.iin):
        people = list(Person.select().where(Person.iin == number).order_by(Person.id))
        ids = [p.id for p in people]
        cards = _cards(Card.person, ids)
        holders = [Holder("person", p.id, " ".join(x for x in (p.surname, p.given_name,
                                                                p.patronymic) if x),
                          p.birth_date, tuple(cards[p.id])) for p in people]
        found = _group("iin", number, holders,
                       _declared(PersonDistinct, PersonDistinct.person, ids))
        out += [found] if found else []
    for number in _groups(LegalEntity.bin):
        entities = list(LegalEntity.select().where(LegalEntity.bin == number)
                        .order_by(LegalEntity.id))
        ids = [e.id for e in entities]
        cards = _cards(Card.legal_entity, ids)
        holders = [Holder("legal", e.id, e.name, None, tuple(cards[e.id])) for e in entities]
        found = _group("bin", number, holders,
                       _declared(LegalDistinct, LegalDistinct.legal_entity, ids))
        out += [found] if found else []
    return out


def rows(groups: Iterable[Shared]) -> Iterable[tuple[str, str, str, int, str, str, str]]:
    """One row per holder: kind, number, record kind, id, name, birth date, cards."""
    for g in groups:
        for h in g.holders:
            yield (g.kind, g.number, h.kind, h.id, h.name,
                   h.birth_date.strftime("%d.%m.%Y") if h.birth_date else "",
                   " ".join(map(str, h.cards)))
