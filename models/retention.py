"""Retention and destruction (§7, §13, §14).

A card is kept 1 year after its penalty was fully executed (the day it was marked
executed), 6 months for a person who was a minor on the offence date, 3 years for a
corruption offence (codebook `corruption`: article parts flagged with their source); the
months are config.toml [retention]. The registration journal's entries are kept
`journal_months` (3 years, §7) from their registration.

`plan` lists what is due. `purge` (administrator only) destroys it under one numbered
act: never a card not due, nor one held by an open liability request, a return, or a
protest without its result.

Tombstone (what `purge` leaves of a card; statistics read it):
    the card row stays, status "purged", purged_at set, version + 1;
    emptied: models.corrections.PURGED_FIELDS (protocol and refusal numbers, the
    officials' and the offender's names, birth date, address, identity document, IIN,
    workplace, legal entity name, address, RNN, BIN, line 21's name); person_id and
    legal_entity_id NULL;
    kept: lines 1-3, 4 date, 6, 7, 8, 9-9.2, 10, 11-11.3, 12, 13, 14.4 sex, 14.5
    citizenship, 14.7, 15, 15.1, 19, 19.1, 21 date, koap_edition, every timestamp.
A person or legal entity left without any card is deleted (its §38 history with it).
The destruction act records how many cards, minors, corruption cards and journal entries
were destroyed, the card numbers (no personal data), who, when and on what ground.

The log (models.purge does the destruction set-based; the database's triggers log it):
each tombstone's emptied lines with event `purge`, the act's number as the reason, the
administrator and the time, and no former value (the triggers drop it for event purge:
a log that kept it would keep what the destruction removes); each deleted person or
legal entity as a deletion row without content; and the act itself as a note (number,
counts, ground). `apcard audit verify` holds afterwards: the chain is untouched and
the data match the log's last states. Not done: rows logged before the destruction (a
correction of line 14, a person's change of surname) still hold the values they
changed; removing them needs a log format whose hash covers salted digests of the
values, so that a destruction can erase a value and keep the chain verifiable.
"""

from __future__ import annotations

import calendar as months
import datetime as dt
import json
from collections import namedtuple
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from models import audit, codebook
from models.i18n import T
from models.permissions import Action, require
from models.purge import destroy
from models.register_tables import DestructionAct
from models.registration_journal import due_entries
from models.requests import open_request_cards
from models.tables import Card, Status, User, now

DEFAULT_MONTHS = {"default_months": 12, "minor_months": 6, "corruption_months": 36,
                  "journal_months": 36}
GROUND = T("ҚР Бас Прокурорының 05.12.2003 № 67 бұйрығымен бекітілген Нұсқаулықтың 7, 13, 14-"
           "тармақтары: сақтау мерзімі өтті",
           "Пункты 7, 13, 14 Инструкции, утверждённой приказом Генерального Прокурора РК от "
           "05.12.2003 № 67: истёк срок хранения")
GENERAL, MINOR, CORRUPTION = "general", "minor", "corruption"
HELD_REQUEST, HELD_RETURN, HELD_PROTEST = "request", "return", "protest"
HELD_UNPAID = "unpaid"  # executed, but line 13 short of line 12: the fine is not on record
HOLD_LABELS = {HELD_REQUEST: T("ашық сұрау", "открытый запрос"),
               HELD_UNPAID: T("айыппұл толық өндірілмеген", "штраф взыскан не полностью"),
               HELD_RETURN: T("қайтарылған", "возвращена"),
               HELD_PROTEST: T("наразылық нәтижесіз", "протест без результата")}
CATEGORY_LABELS = {GENERAL: T("жалпы", "общий"), MINOR: T("кәмелетке толмаған",
                                                        "несовершеннолетний"),
                   CORRUPTION: T("сыбайлас жемқорлық", "коррупционное")}


def add_months(day: dt.date, n: int) -> dt.date:
    month = day.month - 1 + n
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, months.monthrange(year, month)[1]))


def is_minor(card: Card) -> bool:
    """Under 18 on the offence date (§13, art. 79 of the 2001 Code)."""
    born, offence = card.birth_date, card.offence_date
    if born is None or offence is None:
        return False
    return add_months(born, 18 * 12) > offence


def is_corruption(card: Card) -> bool:
    return _corruption(card.article or "", card.part or "", card.paragraph or "",
                       card.offence_date)


def _corruption(article: str, part: str, paragraph: str, on: dt.date | None) -> bool:
    if not article:
        return False
    # The flag depends on the Code in force: only the edition of the date matters.
    return _corruption_in(article, part, paragraph, codebook_edition(on))


def codebook_edition(on: dt.date | None) -> dt.date | None:
    """A representative day of the codebook version in force on `on` (the flag's books
    change only with a Code, so one day per edition keeps the cache small)."""
    if on is None:
        return None
    return dt.date(2015, 1, 1) if on >= dt.date(2015, 1, 1) else dt.date(2014, 12, 31)


@lru_cache(maxsize=4096)
def _corruption_in(article: str, part: str, paragraph: str, on: dt.date | None) -> bool:
    codes = [codebook.part_code(article, part, paragraph)] if paragraph else []
    codes += [codebook.part_code(article, part), codebook.part_code(article, "")]
    return any(codebook.resolve("corruption", c, on) for c in dict.fromkeys(codes))


def category(card: Card) -> str:
    if is_corruption(card):
        return CORRUPTION
    return MINOR if is_minor(card) else GENERAL


def keep_until(card: Card, retention: Mapping[str, int] | None = None) -> dt.date | None:
    """The last day the card is kept; None while its penalty is not fully executed."""
    if card.executed_at is None:
        return None
    r = {**DEFAULT_MONTHS, **(retention or {})}
    n = {CORRUPTION: r["corruption_months"], MINOR: r["minor_months"]}.get(
        category(card), r["default_months"])
    return add_months(card.executed_at.date(), n)


@dataclass(frozen=True)
class DueCard:
    card_id: int
    executed: dt.date
    keep_until: dt.date
    category: str
    held: str = ""  # why it is not destroyed although due


@dataclass
class Plan:
    today: dt.date
    cards: list[DueCard] = field(default_factory=list)  # due and free to destroy
    held: list[DueCard] = field(default_factory=list)  # due, but held
    journal_entries: list[int] = field(default_factory=list)  # entries without a card
    journal_cards: list[int] = field(default_factory=list)  # card entries of the journal

    @property
    def journal_count(self) -> int:
        return len(self.journal_entries) + len(self.journal_cards)


def plan(user: User | None, retention: Mapping[str, int] | None = None,
         today: dt.date | None = None) -> Plan:
    """What retention makes due today (a dry run lists it)."""
    require(user, Action.READ_RETENTION)
    return _plan(retention, today or dt.date.today())


def _plan(retention: Mapping[str, int] | None, today: dt.date) -> Plan:
    r = {**DEFAULT_MONTHS, **(retention or {})}
    out = Plan(today)
    shortest = min(r["default_months"], r["minor_months"], r["corruption_months"])
    latest = add_months(today, -shortest)
    held_by_request = open_request_cards()
    _corruption_in.cache_clear()  # codebooks may have been reloaded since
    cols = (Card.id, Card.status, Card.executed_at, Card.birth_date, Card.offence_date,
            Card.article, Card.part, Card.paragraph, Card.protest_date, Card.protest_result,
            Card.fine_imposed, Card.fine_collected)
    q = (Card.select(*cols).where(Card.executed_at.is_null(False),
                                  Card.executed_at < dt.datetime.combine(latest, dt.time()),
                                  Card.status.not_in([Status.PURGED.value, Status.DRAFT.value]))
         .order_by(Card.id).tuples())
    for row in q.iterator():
        card = _Row(*row)
        until = keep_until(card, r)
        if until is None or until >= today:
            continue
        hold = (HELD_REQUEST if card.id in held_by_request else
                HELD_RETURN if card.status == Status.RETURNED.value else
                HELD_PROTEST if card.protest_date and not card.protest_result else
                HELD_UNPAID if (card.fine_collected or 0) < (card.fine_imposed or 0) else "")
        item = DueCard(card.id, card.executed_at.date(), until, category(card), hold)
        (out.held if hold else out.cards).append(item)
    out.journal_entries, out.journal_cards = due_entries(add_months(today, -r["journal_months"]))
    return out


# The columns the plan reads, not whole cards (a register holds hundreds of thousands).
_Row = namedtuple("_Row", "id status executed_at birth_date offence_date article part "
                  "paragraph protest_date protest_result fine_imposed fine_collected")


def _next_number(year: int) -> str:
    prefix = f"{year}/"
    used = [n for (n,) in DestructionAct.select(DestructionAct.number).where(
        DestructionAct.number.startswith(prefix)).tuples()]
    top = max((int(n[len(prefix):]) for n in used if n[len(prefix):].isdigit()), default=0)
    return f"{prefix}{top + 1:03d}"


def purge(user: User | None, retention: Mapping[str, int] | None = None,
          today: dt.date | None = None) -> DestructionAct | None:
    """Destroy what is due under one act; None when nothing is due. The plan is made
    again under the write lock, so nothing decided elsewhere meanwhile is destroyed."""
    require(user, Action.PURGE)
    today = today or dt.date.today()
    r = {**DEFAULT_MONTHS, **(retention or {})}
    with audit.writing(user, "purge"):  # the database logs the destruction as such
        p = _plan(r, today)
        if not p.cards and not p.journal_count:
            return None
        card_ids = [c.card_id for c in p.cards]
        act = DestructionAct.create(
            number=_next_number(today.year), made_on=today, made_at=now(), made_by=user,
            ground=GROUND.ru, cards=len(p.cards),
            minors=sum(c.category == MINOR for c in p.cards),
            corruption=sum(c.category == CORRUPTION for c in p.cards),
            journal_entries=p.journal_count, card_ids=json.dumps(card_ids),
            entry_ids=json.dumps({"entries": p.journal_entries, "cards": p.journal_cards}))
        note = f"destruction act {act.number}"
        destroy(card_ids, add_months(today, -r["journal_months"]), p.journal_entries,
                p.journal_cards, act.id, note, user)
        # The act in the log: its number, counts and ground, no personal data.
        audit.append([audit.Entry(
            "purge", "destruction_act", None,
            f"{act.number}: cards {act.cards}, minors {act.minors}, corruption "
            f"{act.corruption}, journal entries {act.journal_entries}",
            reason_text=GROUND.ru)], user)
    return act


def acts(user: User | None) -> list[DestructionAct]:
    require(user, Action.READ_RETENTION)
    return list(DestructionAct.select().order_by(DestructionAct.id.desc()))
