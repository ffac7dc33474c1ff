"""Protests and appeals against a decision in force (§33, lines 19 / 19.1).

The result of a protest is keyed on the card it concerns: line 19 (the protest's date)
and 19.1 (its result, codebook `protest_result`) are written to it through the logged
path. If the decision was left unchanged, that is all. If the court decided otherwise
(the codebook row's `new_card`), a new card is filed: the old card's lines, the changes
the decision made (a new penalty, qualification, ...), lines 19 / 19.1 marked, through
the normal validation (models.cards.register_card) and for the same person or legal
entity; the two cards are linked both ways (CardLink).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from models import audit, codebook
from models.cards import CardRefused, register_card
from models.corrections import CorrectionRefused, apply_document
from models.doc_fields import DocumentRefused
from models.i18n import T
from models.lifecycle import DocumentEvent
from models.permissions import Action, require
from models.register_tables import CardLink
from models.registration_journal import next_number
from models.tables import Card, User, card_values, now

RESULT_BOOK = "protest_result"


class ProtestRefused(DocumentRefused):
    pass


@dataclass(frozen=True)
class Filed:
    old: Card
    new: Card | None  # None: the decision was left unchanged (no new card, §33)


def result_entry(code: str, on: dt.date | None) -> codebook.Entry | None:
    return codebook.resolve(RESULT_BOOK, code, on) or None


def needs_new_card(code: str, on: dt.date | None = None) -> bool:
    entry = result_entry(code, on)
    return bool(entry and entry.data.get("new_card"))


def file_protest(card_id: int, protest_date: Any, result: str, user: User | None, *,
                 changes: Mapping[str, Any] | None = None, filled_by: str = "",
                 today: dt.date | None = None) -> Filed:
    """Enter a protest's result on a card; file the new card when the result says so.
    `changes`: lines of the new card that differ from the old one (typed values)."""
    require(user, Action.ENTER_PROTEST)
    today = today or dt.date.today()
    if not isinstance(protest_date, dt.date) or isinstance(protest_date, dt.datetime):
        raise ProtestRefused(T("19-жол: наразылық күні қажет", "Строка 19: нужна дата протеста"))
    if protest_date > today:
        raise ProtestRefused(T("19-жол: болашақ күн болмайды", "Строка 19: дата в будущем"))
    code = (result or "").strip()
    entry = result_entry(code, protest_date)
    if entry is None:
        raise ProtestRefused(T(f"19.1-жол: «{code[:8]}» нәтиже коды анықтамалықта жоқ",
                               f"Строка 19.1: кода результата «{code[:8]}» нет в справочнике"))
    with audit.writing():
        old = Card.get_or_none(Card.id == card_id)
        if old is None:
            raise ProtestRefused(T(f"{card_id} карточкасы жоқ", f"Карточки {card_id} нет"))
        if old.decision_date and protest_date < old.decision_date:
            raise ProtestRefused(T("19-жол: наразылық қаралған күннен (10-жол) бұрын болмайды",
                                   "Строка 19: протест не раньше даты рассмотрения (строка 10)"))
        if (why := refusal(old.id)) is not None:
            raise ProtestRefused(why)
        note = (f"protest of {protest_date:%d.%m.%Y}: {code} {entry.name.ru}")[:500]
        if (old.protest_date, old.protest_result) != (protest_date, code):
            try:
                apply_document(old.id, {"protest_date": protest_date, "protest_result": code},
                               user, action=Action.ENTER_PROTEST,
                               event=DocumentEvent.PROTEST.value, note=note,
                               expected_version=old.version, today=today)
            except CorrectionRefused as exc:
                raise ProtestRefused(exc.message, exc.issues) from None
            old = Card.get_by_id(old.id)
        if not entry.data.get("new_card"):
            return Filed(old, None)
        new = _new_card(old, protest_date, code, changes or {}, user, filled_by, today)
        CardLink.create(old_card=old, new_card=new, kind="protest", created_by=user,
                        created_at=now())
        return Filed(old, new)


def _new_card(old: Card, protest_date: dt.date, code: str, changes: Mapping[str, Any],
              user: User, filled_by: str, today: dt.date) -> Card:
    values = card_values(old)
    values.update({"journal_no": next_number(today.year), "journal_date": today,
                   "received_date": today, "filled_date": today,
                   "filled_by": filled_by or values.get("filled_by")})
    values.update(dict(changes))
    values.update({"protest_date": protest_date, "protest_result": code})
    try:
        require(user, Action.ENTER_CARD)
        return register_card(values, user, person=old.person, legal=old.legal_entity,
                             today=today)
    except CardRefused as exc:
        raise ProtestRefused(T("Жаңа карточкада қателер бар: ештеңе сақталмады",
                               "В новой карточке ошибки: ничего не сохранено"),
                             exc.issues) from None


def refusal(card_id: int) -> T | None:
    """Why no protest can be entered on this card now (None: it can): a new card was
    already filed after a protest against its decision, so the protest concerns that one."""
    if after := successors(card_id):
        ids = ", ".join(map(str, after))
        return T(f"Наразылықтан кейін № {ids} карточкасы толтырылған: наразылықты сол "
                 "карточкаға енгізіңіз",
                 f"После протеста уже выставлена карточка № {ids}: протест вносится в неё")
    return None


def successors(card_id: int) -> list[int]:
    """Cards filed after a protest against this card's decision."""
    return [c for (c,) in CardLink.select(CardLink.new_card).where(
        CardLink.old_card == card_id).tuples()]


def predecessors(card_id: int) -> list[int]:
    """The cards whose decision a protest changed, giving this card."""
    return [c for (c,) in CardLink.select(CardLink.old_card).where(
        CardLink.new_card == card_id).tuples()]


REPLACED_BY = T("Наразылықтан кейін № {ids} карточкасы толтырылды (§33)",
                "После протеста выставлена карточка № {ids} (§33)")
REPLACES = T("Наразылық бойынша № {ids} карточканың орнына толтырылды (§33)",
             "Выставлена по протесту взамен карточки № {ids} (§33)")


def link_notes(card_id: int, lang: str) -> tuple[str, ...]:
    """Lines for the card's printout and screen: its links after a protest."""
    out = []
    if after := successors(card_id):
        out.append(REPLACED_BY(lang).format(ids=", ".join(map(str, after))))
    if before := predecessors(card_id):
        out.append(REPLACES(lang).format(ids=", ".join(map(str, before))))
    return tuple(out)


def offered_results(on: dt.date | None = None) -> list[codebook.Entry]:
    return codebook.entries(RESULT_BOOK, on)


