"""The registration journal of administrative cases (§7, Appendix 2): every proceeding of
the organisation, terminated ones included, in the appendix's ten columns.

Not to be confused with models/journal.py, which reads the correction log.

A card is an entry (its line 6 is its journal number and date); a proceeding without a
card (terminated, sent to court, ...) is a `Proceeding` row holding its own columns. The
journal is kept three years, then destroyed by an act (models/retention.py).

    1 number                         6 qualification
    2 body that filed the card, date 7 date and result of consideration
      sent to the Directorate        8 employee who filed the 1-AP card
    3 body that sent the case to     9 decision's number, date it came into force
      court                         10 penalty measures
    4 offender: name, birth date, position, workplace
    5 legal entity: name and address / entrepreneur
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import peewee as pw

from models import audit, codebook
from models.card_schema import FIELDS
from models.doc_fields import DocumentRefused, text_value
from models.i18n import T
from models.lifecycle import DocumentEvent
from models.permissions import Action, require
from models.register_tables import Proceeding
from models.tables import Card, Status, User, now

RESULT_BOOK = "proceeding_result"
CARD_RESULT = "01"  # a penalty imposed: the proceeding has a card
COLUMNS = (
    T("Р/с №", "№ п/п"),
    T("Карточканы қойған орган, ҚСжАЕКБ-ға жіберілген күні",
      "Орган, выставивший карточку, дата направления в КПСиСУ"),
    T("Істі сотқа жіберген мемлекеттік орган", "Орган, направивший дело в суд"),
    T("Құқық бұзушы (заңды тұлғаның басшысы): аты-жөні, туған күні, лауазымы, жұмыс орны",
      "Правонарушитель (руководитель юр. лица): Ф.И.О., дата рождения, должность, место работы"),
    T("Заңды тұлғаның атауы мен мекенжайы / жеке кәсіпкердің аты-жөні",
      "Наименование и адрес юр. лица / Ф.И.О. индивидуального предпринимателя"),
    T("ӘҚБтК бойынша саралау", "Квалификация по КоАП"),
    T("Істі қарау күні мен нәтижесі", "Дата и результат рассмотрения дела"),
    T("1-ӘП карточкасын қойған қызметкер", "Сотрудник, выставивший карточку 1-АП"),
    T("Қаулының № мен заңды күшіне енген күні", "№ постановления и дата вступления в силу"),
    T("Жаза шаралары", "Меры взыскания"),
)
NO_CARD = "no_card"  # status filter: entries without a card


class JournalRefused(DocumentRefused):
    pass


@dataclass(frozen=True)
class JournalFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str | None = None  # a card status, or NO_CARD
    body: str | None = None  # authority code: line 1 or 3 of the card
    article: str | None = None


@dataclass(frozen=True)
class JournalRow:
    registered_on: dt.date
    number: str
    card_id: int | None
    entry_id: int | None
    status: str  # the card's status, or NO_CARD
    columns: tuple[str, ...]  # the ten columns as printed


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _name(book: str, code: str | None, on: dt.date | None, lang: str) -> str:
    if not code:
        return ""
    entry = codebook.resolve(book, code, on) or codebook.known(book, code)
    return f"{code} {entry.name(lang)}" if entry else code


def qualification(article: str | None, part: str | None, paragraph: str | None,
                  lang: str) -> str:
    if not article:
        return ""
    labels = [FIELDS[n].label(lang) for n in ("article", "part", "paragraph")]
    return " ".join(f"{lab} {v}" for lab, v in zip(labels, (article, part, paragraph),
                                                   strict=True) if v)


def _penalties(main: str | None, extra: str | None, measure: str | None, fine: int | None,
               on: dt.date | None, lang: str) -> str:
    out = [_name("penalty", main, on, lang), _name("penalty", extra, on, lang),
           _name("measure", measure, on, lang)]
    if fine:
        out.append(f"{fine:,}".replace(",", " ") + (" тг" if lang == "ru" else " теңге"))
    return "; ".join(x for x in out if x)


def card_columns(card: Card, entry: Proceeding | None, lang: str) -> tuple[str, ...]:
    """The ten columns of a card's entry, read from the card (and its journal-only
    columns 3 and 9 from `entry`)."""
    on = card.offence_date
    who = " ".join(x for x in (card.surname, card.given_name, card.patronymic) if x)
    offender = ", ".join(x for x in (who, _d(card.birth_date), card.workplace or "") if x)
    legal = ", ".join(x for x in (card.legal_name, card.legal_address) if x)
    result = _name(RESULT_BOOK, CARD_RESULT, on, lang)
    col9 = ", ".join(x for x in ((entry.decision_no if entry else ""),
                                 _d(entry.in_force_on if entry else None)) if x)
    return (card.journal_no or "",
            "; ".join(x for x in (_name("authority", card.considering_body, on, lang),
                                  _d(card.dispatched_at.date() if card.dispatched_at else None))
                      if x),
            entry.court_body if entry else "",
            offender, legal,
            qualification(card.article, card.part, card.paragraph, lang),
            "; ".join(x for x in (_d(card.decision_date), result) if x),
            card.filled_by or "", col9, _penalties(card.main_penalty, card.extra_penalty,
                                                   card.measure, card.fine_imposed, on, lang))


def entry_columns(e: Proceeding, lang: str) -> tuple[str, ...]:
    """The ten columns of an entry that holds them itself (a snapshot keeps the card's
    codes, named here in the language asked)."""
    on = e.registered_on
    result = _name(RESULT_BOOK, e.result, on, lang) if e.result else ""
    body, penalty = e.filing_body, e.penalty
    if e.snapshot:
        body = _name("authority", body, on, lang)
        main, extra, measure, fine = (penalty.split("|") + ["", "", "", ""])[:4]
        penalty = _penalties(main, extra, measure, int(fine) if fine.isdigit() else None, on,
                             lang)
    return (e.number, "; ".join(x for x in (body, _d(e.sent_on)) if x), e.court_body,
            e.offender, e.legal, qualification(e.article, e.part, e.paragraph, lang),
            "; ".join(x for x in (_d(e.result_date), result) if x), e.filled_by,
            ", ".join(x for x in (e.decision_no, _d(e.in_force_on)) if x), penalty)


# The card columns a journal snapshot reads (models.purge reads only these).
SNAPSHOT_COLUMNS = ("id", "journal_no", "journal_date", "created_at", "surname", "given_name",
                    "patronymic", "birth_date", "workplace", "legal_name", "legal_address",
                    "considering_body", "dispatched_at", "article", "part", "paragraph",
                    "koap_edition", "decision_date", "filled_by", "main_penalty",
                    "extra_penalty", "measure", "fine_imposed")


def snapshot_values(card: Any) -> dict[str, Any]:
    """The journal columns of a card's entry as the card holds them now (`card`: a Card
    or any row with SNAPSHOT_COLUMNS as attributes)."""
    who = " ".join(x for x in (card.surname, card.given_name, card.patronymic) if x)
    return {
        "offender": ", ".join(x for x in (who, _d(card.birth_date), card.workplace or "") if x),
        "legal": ", ".join(x for x in (card.legal_name, card.legal_address) if x),
        "filing_body": card.considering_body or "",
        "sent_on": card.dispatched_at.date() if card.dispatched_at else None,
        "article": card.article or "", "part": card.part or "",
        "paragraph": card.paragraph or "", "koap_edition": card.koap_edition or "2014",
        "result": CARD_RESULT, "result_date": card.decision_date,
        "filled_by": card.filled_by or "",
        "penalty": "|".join(str(x or "") for x in (card.main_penalty, card.extra_penalty,
                                                   card.measure, card.fine_imposed)),
        "snapshot": True}


def snapshot(card: Card, user: User | None) -> Proceeding:
    """Copy a card's journal columns into its entry, before the card's personal data go
    (the journal is kept three years, §7; a card may go after six months, §13). Runs in
    the caller's transaction."""
    entry = Proceeding.get_or_none(Proceeding.card == card.id)
    if entry is None:
        entry = Proceeding(number=card.journal_no or "",
                           registered_on=card.journal_date or card.created_at.date(), card=card,
                           created_by=user, created_at=now())
    for name, value in snapshot_values(card).items():
        setattr(entry, name, value)
    entry.updated_at = now()
    entry.save()
    return entry


def due_entries(cutoff: dt.date) -> tuple[list[int], list[int]]:
    """Journal entries registered before `cutoff` and not destroyed yet: ids of entries
    without a card, and of cards whose entry is still in the journal."""
    entries = [i for (i,) in Proceeding.select(Proceeding.id).where(
        Proceeding.card.is_null(), Proceeding.registered_on < cutoff,
        Proceeding.destroyed_act.is_null()).order_by(Proceeding.id).tuples()]
    destroyed = Proceeding.select(Proceeding.card).where(Proceeding.card.is_null(False),
                                                         Proceeding.destroyed_act.is_null(False))
    cards = [i for (i,) in Card.select(Card.id).where(
        Card.journal_date < cutoff, Card.status != Status.DRAFT.value,
        Card.id.not_in(destroyed)).order_by(Card.id).tuples()]
    return entries, cards


def journal(user: User | None, flt: JournalFilter | None = None, lang: str = "ru",
            limit: int = 5000) -> list[JournalRow]:
    """The journal's entries in the period, oldest first (as the paper book)."""
    require(user, Action.READ_REGISTER)
    flt = flt or JournalFilter()
    rows: list[JournalRow] = []
    if flt.status != NO_CARD:
        rows += _card_rows(flt, lang, limit)
    if flt.status in (None, NO_CARD):
        rows += _entry_rows(flt, lang, limit)
    rows.sort(key=lambda r: (r.registered_on, _numeric(r.number), r.number))
    return rows[:limit]


def _numeric(number: str) -> int:
    return int(number) if number.isdigit() else 0


def _card_rows(flt: JournalFilter, lang: str, limit: int) -> list[JournalRow]:
    q = (Card.select(Card, Proceeding).join(Proceeding, pw.JOIN.LEFT_OUTER,
                                            on=(Proceeding.card == Card.id))
         .where(Card.status != Status.DRAFT.value, Card.journal_date.is_null(False)))
    q = q.where((Proceeding.destroyed_act.is_null()) | (Proceeding.id.is_null()))
    if flt.date_from:
        q = q.where(Card.journal_date >= flt.date_from)
    if flt.date_to:
        q = q.where(Card.journal_date <= flt.date_to)
    if flt.status:
        q = q.where(Card.status == flt.status)
    if flt.body:
        q = q.where((Card.authority == flt.body) | (Card.considering_body == flt.body))
    if flt.article:
        q = q.where(Card.article == flt.article)
    out = []
    for card in q.order_by(Card.journal_date, Card.id).limit(limit):
        entry = getattr(card, "proceeding", None)
        entry = entry if entry is not None and entry.id else None
        cols = entry_columns(entry, lang) if entry and entry.snapshot else \
            card_columns(card, entry, lang)
        out.append(JournalRow(card.journal_date, card.journal_no or "", card.id,
                              entry.id if entry else None, card.status, cols))
    return out


def _entry_rows(flt: JournalFilter, lang: str, limit: int) -> list[JournalRow]:
    q = Proceeding.select().where(Proceeding.card.is_null(), Proceeding.destroyed_act.is_null())
    if flt.date_from:
        q = q.where(Proceeding.registered_on >= flt.date_from)
    if flt.date_to:
        q = q.where(Proceeding.registered_on <= flt.date_to)
    if flt.body:
        q = q.where(Proceeding.filing_body.startswith(flt.body)
                    | Proceeding.court_body.startswith(flt.body))
    if flt.article:
        q = q.where(Proceeding.article == flt.article)
    return [JournalRow(e.registered_on, e.number, None, e.id, NO_CARD, entry_columns(e, lang))
            for e in q.order_by(Proceeding.registered_on, Proceeding.id).limit(limit)]


# --- writing ---------------------------------------------------------------------------

def _text(value: Any, what: T, limit: int, required: bool = False) -> str:
    try:
        return text_value(value, what, limit, required)
    except DocumentRefused as exc:
        raise JournalRefused(exc.message) from None


def number_taken(number: str, year: int, except_entry: int | None = None) -> bool:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cards = Card.select(Card.id).where(Card.journal_no == number,
                                       Card.journal_date.between(start, end),
                                       Card.status != Status.DRAFT.value)
    entries = Proceeding.select(Proceeding.id).where(
        Proceeding.number == number, Proceeding.registered_on.between(start, end),
        Proceeding.card.is_null(), Proceeding.id != (except_entry or 0))
    return cards.exists() or entries.exists()


def next_number(year: int) -> str:
    """One more than the largest numeric journal number of the year, cards and
    entries without a card together (five digits, as line 6)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    used = [n for (n,) in Card.select(Card.journal_no).where(
        Card.journal_date.between(start, end)).tuples()]
    used += [n for (n,) in Proceeding.select(Proceeding.number).where(
        Proceeding.registered_on.between(start, end)).tuples()]
    top = max((int(n) for n in used if n and n.isascii() and n.isdigit()), default=0)
    return f"{top + 1:05d}"


LABELS = {
    "number": T("Тіркеу №", "Рег. №"), "offender": T("Құқық бұзушы", "Правонарушитель"),
    "legal": T("Заңды тұлға", "Юр. лицо"), "court_body": T("Сотқа жіберген орган",
                                                        "Орган, направивший в суд"),
    "filing_body": T("Карточканы қойған орган", "Орган, выставивший карточку"),
    "decision_no": T("Қаулы №", "№ постановления"), "penalty": T("Жаза", "Взыскание"),
    "filled_by": T("Қызметкер", "Сотрудник"),
}


def add_entry(values: dict[str, Any], user: User | None, today: dt.date | None = None
              ) -> Proceeding:
    """A proceeding without a card (terminated, sent to court, ...). `values`: number
    (proposed if empty), registered_on, result, result_date, offender or legal, article,
    part, paragraph, and optionally filing_body, sent_on, court_body, decision_no,
    in_force_on, penalty, filled_by."""
    require(user, Action.KEEP_REGISTER)
    today = today or dt.date.today()
    registered = values.get("registered_on") or today
    if not isinstance(registered, dt.date) or registered > today:
        raise JournalRefused(T("Тіркеу күні қате (болашақта емес)",
                               "Неверная дата регистрации (не в будущем)"))
    row: dict[str, Any] = {k: _text(values.get(k), LABELS[k], lim) for k, lim in (
        ("offender", 400), ("legal", 400), ("court_body", 250), ("filing_body", 250),
        ("decision_no", 30), ("penalty", 400), ("filled_by", 100))}
    if not (row["offender"] or row["legal"]):
        raise JournalRefused(T("Құқық бұзушыны немесе заңды тұлғаны көрсетіңіз (4 не 5-баған)",
                               "Укажите правонарушителя или юр. лицо (графа 4 или 5)"))
    number = _text(values.get("number"), LABELS["number"], 12) or next_number(registered.year)
    if number_taken(number, registered.year):
        raise JournalRefused(T(f"{number} нөмірі {registered.year} жылы бос емес",
                               f"Номер {number} в {registered.year} году уже занят"))
    result = _text(values.get("result"), T("Нәтиже", "Результат"), 2, required=True)
    entry = codebook.resolve(RESULT_BOOK, result, registered)
    if entry is None:
        raise JournalRefused(T(f"«{result}» нәтиже коды анықтамалықта жоқ",
                               f"Кода результата «{result}» нет в справочнике"))
    if entry.data.get("card"):
        raise JournalRefused(T("Жаза қолданылған іске 1-ӘП карточкасы толтырылады: "
                               "оның 6-жолы журнал жазбасы болады",
                               "По делу с наложенным взысканием заполняется карточка 1-АП: "
                               "её строка 6 и есть запись журнала"))
    article = _text(values.get("article"), T("Бап", "Статья"), 6, required=True)
    art = codebook.resolve("article", article, registered)
    if art is None:
        raise JournalRefused(T(f"{article}-бап {_d(registered)} күні қолданыста емес",
                               f"Статья {article} не действует на {_d(registered)}"))
    for key in ("result_date", "sent_on", "in_force_on"):
        day = values.get(key)
        if day is not None and (not isinstance(day, dt.date) or day > today):
            raise JournalRefused(T("Күн қате (болашақта емес)", "Неверная дата (не в будущем)"))
    with audit.writing():
        e = Proceeding.create(
            number=number, registered_on=registered, result=result,
            result_date=values.get("result_date"), sent_on=values.get("sent_on"),
            in_force_on=values.get("in_force_on"), article=article,
            part=codebook.normalize_part(_text(values.get("part"), T("бөлік", "часть"), 5)),
            paragraph=codebook.normalize_part(_text(values.get("paragraph"),
                                                    T("тармақ", "пункт"), 2)),
            koap_edition=art.version, created_by=user, created_at=now(), updated_at=now(),
            **row)
        _log(user, e, "entry", None, f"{number} {_d(registered)} {result}")
    return e


def set_details(card_id: int, user: User | None, court_body: str | None = None,
                decision_no: str | None = None, in_force_on: dt.date | None = None) -> Proceeding:
    """A card's journal-only columns: 3 (the body that sent the case to court) and 9
    (the decision's number and the day it came into force). None leaves a column."""
    require(user, Action.KEEP_REGISTER)
    card = Card.get_or_none(Card.id == card_id)
    if card is None or card.status == Status.DRAFT.value:
        raise JournalRefused(T(f"{card_id} карточкасы жоқ", f"Карточки {card_id} нет"))
    if in_force_on is not None and card.decision_date and in_force_on < card.decision_date:
        raise JournalRefused(T("Заңды күшіне ену күні қаралған күннен (10-жол) бұрын емес",
                               "Дата вступления в силу не раньше даты рассмотрения (строка 10)"))
    new = {"court_body": None if court_body is None else
           _text(court_body, LABELS["court_body"], 250),
           "decision_no": None if decision_no is None else
           _text(decision_no, LABELS["decision_no"], 30), "in_force_on": in_force_on}
    with audit.writing():
        entry = Proceeding.get_or_none(Proceeding.card == card.id)
        if entry is None:
            entry = Proceeding.create(number=card.journal_no or "",
                                      registered_on=card.journal_date or card.created_at.date(),
                                      card=card, created_by=user, created_at=now(),
                                      updated_at=now())
        for key, value in new.items():
            if value is None or getattr(entry, key) == value:
                continue
            old = getattr(entry, key)
            setattr(entry, key, value)
            _log(user, entry, key, old, value)
        entry.updated_at = now()
        entry.save()
    return entry


def _log(user: User | None, entry: Proceeding, column: str, old: Any, new: Any) -> None:
    def text(v: Any) -> str | None:
        return v.isoformat() if isinstance(v, dt.date) else (None if v in (None, "") else str(v))

    audit.append([audit.Entry(event=DocumentEvent.JOURNAL.value,
                              field_name=f"journal.{column}"[:32], old_value=text(old),
                              new_value=text(new), line=f"J{entry.id}"[:8],
                              reason_text=f"journal entry {entry.number}"
                              + (f", card {entry.card_id}" if entry.card_id else ""))],
                 user)
