"""Notices made from a card: of execution of the penalty (§35, Appendix 3) and of release
from liability or penalty (§36, Appendix 4).

Execution: when proof of payment reaches the body, a notice goes to the Directorate
within 1 working day (of the calendar in config). Its amount is added to line 13 through
the logged path (models.corrections.apply_document): partial payments add up. No notice
when line 13 already shows the fine fully collected (§35).

Release: on the grounds of the Code's articles (codebook `release_ground`), within three
days ("үш тәулік": calendar days) of the release.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from models import codebook, lifecycle
from models.calendar import WEEKENDS_ONLY, WorkCalendar
from models.corrections import CorrectionRefused, apply_document
from models.doc_fields import DocumentRefused, date_value, text_value
from models.i18n import T
from models.lifecycle import DocumentEvent
from models.permissions import Action, require
from models.protests import successors
from models.register_tables import Notice
from models.tables import Card, User, now

EXECUTION, RELEASE = "execution", "release"
KINDS = (EXECUTION, RELEASE)
LIABILITY, PENALTY = "liability", "penalty"
GROUND_BOOK = "release_ground"
EXECUTION_WORKING_DAYS = 1  # §35
RELEASE_DAYS = 3  # §36, calendar days
MAX_AMOUNT = 10**12 - 1  # line 13's twelve digits

KIND_LABELS = {EXECUTION: T("Жазаның орындалуы туралы хабарлама", "Извещение об исполнении"),
               RELEASE: T("Босату туралы хабарлама", "Извещение об освобождении")}
RELEASE_LABELS = {LIABILITY: T("әкімшілік жауаптылықтан", "от административной ответственности"),
                  PENALTY: T("әкімшілік жазадан", "от административного взыскания")}


class NoticeRefused(DocumentRefused):
    pass


@dataclass(frozen=True)
class Remaining:
    imposed: int
    collected: int

    @property
    def left(self) -> int:
        return max(0, self.imposed - self.collected)


def remaining(card: Card) -> Remaining:
    return Remaining(int(card.fine_imposed or 0), int(card.fine_collected or 0))


def execution_refusal(card: Card) -> T | None:
    """Why no notice of execution can be made from this card (None: one can)."""
    if card.status not in {s.value for s in lifecycle.LIVE}:
        label = lifecycle.status_label(card.status)
        return T(f"«{label.kk}» күйіндегі карточкадан хабарлама жасалмайды",
                 f"Из карточки в состоянии «{label.ru}» извещение не составляется")
    newer = successors(card.id)
    if newer:  # §33: the decision changed on protest lives on the new card
        return T(f"Қаулы наразылық бойынша өзгертілген: орындалуы № {newer[0]} жаңа карточкада",
                 f"Постановление изменено по протесту: исполнение — по новой карточке "
                 f"№ {newer[0]}")
    due = remaining(card)
    if due.imposed <= 0:
        return T("Айыппұл салынбаған (12-жол): орындалу туралы хабарлама жасалмайды",
                 "Штраф не наложен (строка 12): извещение об исполнении не составляется")
    if due.left == 0:
        return T("13-жолда айыппұл толық өндірілген: хабарлама қажет емес (§35)",
                 "Строка 13 показывает полное взыскание: извещение не нужно (§35)")
    return None


def execution_due(proof_on: dt.date, cal: WorkCalendar = WEEKENDS_ONLY) -> dt.date:
    """§35: within 1 working day of receiving the proof of payment."""
    return cal.add_working_days(proof_on, EXECUTION_WORKING_DAYS)


def release_due(release_date: dt.date) -> dt.date:
    """§36: within three days (calendar days) of the release."""
    return release_date + dt.timedelta(days=RELEASE_DAYS)


def is_late(notice: Notice) -> bool:
    """Made after its deadline: marked in lists and on the printout."""
    return notice.issued_on > notice.due_on


def _text(value: Any, what: T, limit: int) -> str:
    try:
        return text_value(value, what, limit)
    except DocumentRefused as exc:
        raise NoticeRefused(exc.message) from None


def _day(value: Any, what: T, today: dt.date, earliest: dt.date | None = None) -> dt.date:
    try:
        return date_value(value, what, today, earliest)
    except DocumentRefused as exc:
        raise NoticeRefused(exc.message) from None


def _card(card_id: int) -> Card:
    card = Card.get_or_none(Card.id == card_id)
    if card is None:
        raise NoticeRefused(T(f"{card_id} карточкасы жоқ", f"Карточки {card_id} нет"))
    return card


PAID = T("Төленген сома", "Уплаченная сумма")
PAID_ON = T("Төлеген күн", "Дата уплаты")
PROOF_ON = T("Төлем құжаты түскен күн", "Дата получения документа об уплате")
SENDER = T("Жолдаған орган", "Орган-отправитель")
RESPONSIBLE = T("Жауапты лауазымды адам", "Ответственное должностное лицо")


def add_execution(card_id: int, amount: Any, paid_on: Any, user: User | None, *,
                  proof_on: dt.date | None = None, sender: str = "", responsible: str = "",
                  cal: WorkCalendar = WEEKENDS_ONLY, today: dt.date | None = None) -> Notice:
    """A notice of execution (App. 3) for a payment of `amount` tenge made on `paid_on`
    whose proof reached the body on `proof_on` (default: today). Line 13 grows by the
    amount, in the same transaction, logged with the notice as its reason."""
    require(user, Action.ENTER_NOTICE)
    today = today or dt.date.today()
    if isinstance(amount, str):
        digits = amount.replace(" ", "").replace("\u00a0", "")
        amount = int(digits) if digits.isascii() and digits.isdigit() else None
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_AMOUNT:
        raise NoticeRefused(T(f"{PAID.kk}: оң бүтін теңге", f"{PAID.ru}: целое число тенге > 0"))
    fields = {"sender": _text(sender, SENDER, 250), "responsible": _text(responsible,
                                                                        RESPONSIBLE, 150)}
    with _transaction():  # the card is read under the write lock: payments never race
        card = _card(card_id)
        why = execution_refusal(card)
        if why is not None:
            raise NoticeRefused(why)
        due = remaining(card)
        if amount > due.left:
            raise NoticeRefused(T(
                f"{PAID.kk} {amount} қалған айыппұлдан ({due.left}) көп",
                f"{PAID.ru} {amount} больше оставшейся части штрафа ({due.left})"))
        paid = _day(paid_on, PAID_ON, today, card.decision_date)
        proof = _day(proof_on or today, PROOF_ON, today, paid)
        note = f"notice of execution: {amount} paid {paid:%d.%m.%Y}, proof {proof:%d.%m.%Y}"
        try:
            apply_document(card.id, {"fine_collected": due.collected + amount}, user,
                           action=Action.ENTER_NOTICE, event=DocumentEvent.NOTICE.value,
                           note=note, expected_version=card.version, today=today)
        except CorrectionRefused as exc:
            raise NoticeRefused(exc.message, exc.issues) from None
        return Notice.create(kind=EXECUTION, card=card, issued_on=today,
                             due_on=execution_due(proof, cal), amount_paid=amount, paid_on=paid,
                             proof_on=proof, created_by=user, created_at=now(), **fields)


def add_release(card_id: int, release_kind: str, release_date: Any, ground: str,
                user: User | None, *, ground_text: str = "", ground_date: dt.date | None = None,
                sender: str = "", responsible: str = "", today: dt.date | None = None) -> Notice:
    """A notice of release from liability or from the penalty (App. 4) on a ground of
    the codebook `release_ground`."""
    require(user, Action.ENTER_NOTICE)
    today = today or dt.date.today()
    card = _card(card_id)
    if card.status not in {s.value for s in lifecycle.LIVE}:
        label = lifecycle.status_label(card.status)
        raise NoticeRefused(T(f"«{label.kk}» күйіндегі карточкадан хабарлама жасалмайды",
                              f"Из карточки в состоянии «{label.ru}» извещение не составляется"))
    if release_kind not in (LIABILITY, PENALTY):
        raise NoticeRefused(T("Босату түрі: жауаптылықтан немесе жазадан",
                              "Вид освобождения: от ответственности или от взыскания"))
    released = _day(release_date, T("Босату күні", "Дата освобождения"), today)
    code = _text(ground, T("Негіз", "Основание"), 8)
    entry = codebook.resolve(GROUND_BOOK, code, released) if code else None
    if entry is None:
        raise NoticeRefused(T(f"«{code}» негізі анықтамалықта жоқ",
                              f"Основания «{code}» нет в справочнике"))
    if entry.data.get("release") not in (release_kind, "both"):
        raise NoticeRefused(T(f"{code}-бап бұл босату түріне негіз емес",
                              f"Статья {code} не основание для этого вида освобождения"))
    gdate = None if ground_date is None else _day(ground_date, T("Негіз күні",
                                                                 "Дата основания"), today)
    with _transaction():
        return Notice.create(kind=RELEASE, card=card, issued_on=today,
                             due_on=release_due(released), release_kind=release_kind,
                             release_date=released, ground=code,
                             ground_text=_text(ground_text, T("Негіз", "Основание"), 250),
                             ground_date=gdate, sender=_text(sender, SENDER, 250),
                             responsible=_text(responsible, RESPONSIBLE, 150), created_by=user,
                             created_at=now())


def _transaction():
    from models.audit import writing

    return writing()


def grounds(release_kind: str | None = None, on: dt.date | None = None) -> list[codebook.Entry]:
    """The grounds offered for a release kind (both Codes; the newer first)."""
    rows = codebook.entries(GROUND_BOOK, on)
    if release_kind:
        rows = [e for e in rows if e.data.get("release") in (release_kind, "both")]
    return sorted(rows, key=lambda e: (e.data.get("edition") != "2014",
                                       int(e.code) if e.code.isdigit() else 0))


def card_notices(card_id: int) -> list[Notice]:
    return list(Notice.select().where(Notice.card == card_id).order_by(Notice.id))


def list_notices(user: User | None, *, kind: str | None = None, late_only: bool = False,
                 date_from: dt.date | None = None, date_to: dt.date | None = None,
                 limit: int = 2000) -> list[Notice]:
    require(user, Action.READ_CARD)
    q = Notice.select()
    if kind:
        q = q.where(Notice.kind == kind)
    if late_only:
        q = q.where(Notice.issued_on > Notice.due_on)
    if date_from:
        q = q.where(Notice.issued_on >= date_from)
    if date_to:
        q = q.where(Notice.issued_on <= date_to)
    return list(q.order_by(Notice.issued_on.desc(), Notice.id.desc()).limit(limit))
