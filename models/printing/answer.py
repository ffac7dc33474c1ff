"""The answer to a liability request (Appendix 5, §41): the request's lines, then either
the stamp "No information" with the executor and the date, or the records found, each
with the identification the card was filed under and the same stamp."""

from __future__ import annotations

import datetime as dt

from models.card_schema import FIELDS
from models.i18n import T
from models.lifecycle import status_label
from models.printing.card import field_text
from models.printing.document import (
    Column,
    Document,
    Fields,
    Heading,
    Item,
    Para,
    Stamp,
    Table,
    printed_line,
)
from models.register_tables import LiabilityRequest
from models.registration_journal import qualification
from models.requests import LEGAL, answer_cards, former_data, is_overdue
from models.tables import Card

TITLE = T("Тұлғаны әкімшілік жауапкершілікке тарту туралы сұрауға ЖАУАП",
          "ОТВЕТ на запрос о привлечении лица к административной ответственности")
APPENDIX = T("Нұсқаулыққа 5-қосымша (ҚР Бас Прокурорының 05.12.2003 № 67 бұйрығы)",
             "Приложение 5 к Инструкции (приказ Генерального Прокурора РК от 05.12.2003 № 67)")
REQUEST = T("Сұрау № {n}, {d}; түсті {r}; мерзімі {due}",
            "Запрос № {n} от {d}; поступил {r}; срок исполнения {due}")
DELIVERY = {"post": T("поштамен", "почтой"), "hand": T("қолма-қол", "нарочно")}
REPETITION = T("Қайталануды анықтау қажет (1 жұмыс күні)",
               "Требуется установить повторность (1 рабочий день)")
FORMER = T("Бұрынғы деректер (§38)", "Прежние данные (§38)")
NO_INFO = T("Мәліметтер жоқ", "Сведений нет")
FOUND = T("Деректер банкінде анықталған мәліметтер: {n}",
          "В банке данных выявлены сведения: {n}")
EXECUTOR = T("Анықтаманы Комитет (Басқарма) қызметкері жүргізді: {who}",
             "Справку провёл сотрудник Комитета (Управления): {who}")
CHECKED = T("Тексеру күні: {d}", "Дата проверки: {d}")
LATE = T("Мерзімінен кеш орындалды", "Исполнен с нарушением срока")
RETURNED = T("Орындалмай қайтарылды (§39): {why}", "Возвращён без исполнения (§39): {why}")
HEAD = (T("Карт.", "Карт."), T("Тұлға (карточкадағыдай)", "Лицо (как в карточке)"),
        T("Құқық бұзушылық күні", "Дата правонарушения"), T("Саралау", "Квалификация"),
        T("Қарау күні, орган", "Дата рассмотрения, орган"), T("Жаза", "Взыскание"),
        T("Айыппұл: салынды / өндірілді", "Штраф: наложен / взыскан"), T("Күйі", "Статус"))
LINES = (("surname", "1"), ("given_name", "2"), ("patronymic", "3"), ("birth_date", "4"),
         ("birthplace", "5"), ("address", "6"), ("rnn", "7"), ("legal_name", "8"),
         ("legal_address", "9"), ("grounds", "10"), ("head", "11"), ("executor", "12"),
         ("sender_address", "13"))
LABELS = {
    "surname": T("Тегі", "Фамилия"), "given_name": T("Аты", "Имя"),
    "patronymic": T("Әкесінің аты", "Отчество"), "birth_date": T("Туған күні", "Дата рождения"),
    "birthplace": T("Туған жері", "Место рождения"), "address": T("Мекенжайы", "Адрес"),
    "rnn": T("СТН / БСН", "РНН / БИН"), "legal_name": T("Атауы", "Наименование"),
    "legal_address": T("Мекенжайы", "Адрес"), "grounds": T("Тексеру негіздері",
                                                           "Основания проверки"),
    "head": T("Мемлекеттік орган басшысы", "Руководитель государственного органа"),
    "executor": T("Орындаушы", "Исполнитель"),
    "sender_address": T("Жіберушінің мекенжайы", "Адрес отправителя"),
}


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _money(value: int | None) -> str:
    return f"{int(value):,}".replace(",", " ") if value else "0"


def record_row(card: Card, lang: str) -> tuple[str, ...]:
    on = card.offence_date
    who = card.legal_name or " ".join(x for x in (card.surname, card.given_name,
                                                  card.patronymic) if x)
    if card.birth_date:
        who += f", {_d(card.birth_date)}"
    body = field_text(FIELDS["considering_body"], card.considering_body, on, lang)
    penalty = "; ".join(x for x in (
        field_text(FIELDS["main_penalty"], card.main_penalty, on, lang),
        field_text(FIELDS["extra_penalty"], card.extra_penalty, on, lang)) if x)
    return (str(card.id), who, _d(card.offence_date),
            qualification(card.article, card.part, card.paragraph, lang),
            "; ".join(x for x in (_d(card.decision_date), body) if x), penalty,
            f"{_money(card.fine_imposed)} / {_money(card.fine_collected)}",
            status_label(card.status)(lang))


def request_items(req: LiabilityRequest, lang: str) -> tuple[Item, ...]:
    values = {"surname": req.surname, "given_name": req.given_name,
              "patronymic": req.patronymic, "birth_date": _d(req.birth_date),
              "birthplace": req.birthplace, "address": req.address,
              "rnn": " / ".join(x for x in (req.rnn, req.bin) if x),
              "legal_name": req.legal_name, "legal_address": req.legal_address,
              "grounds": req.grounds, "head": req.head, "executor": req.executor,
              "sender_address": ", ".join(x for x in (req.sender_body, req.sender_address) if x)}
    skip = ({"surname", "given_name", "patronymic", "birth_date", "birthplace", "address"}
            if req.subject_kind == LEGAL else {"rnn", "legal_name", "legal_address"})
    items = [Item(LABELS[k](lang), str(values[k] or ""), n) for k, n in LINES if k not in skip]
    if req.iin:
        items.insert(4, Item(FIELDS["iin"].label(lang), req.iin, ""))
    return tuple(items)


def answer_document(req: LiabilityRequest, lang: str, printed_by: str,
                    printed_at: dt.datetime, today: dt.date | None = None) -> Document:
    head = REQUEST(lang).format(n=req.number or req.id, d=_d(req.request_date) or "…",
                                r=_d(req.received_on), due=_d(req.due_on))
    blocks: list = [Para(f"{head} ({DELIVERY.get(req.delivery, DELIVERY['post'])(lang)})")]
    if req.repetition:
        blocks.append(Para(REPETITION(lang)))
    blocks.append(Fields(request_items(req, lang)))
    former = former_data(req)
    if former:
        blocks.append(Heading(FORMER(lang), 2))
        blocks += [Para(" ".join(x for x in (f.get("surname"), f.get("given_name"),
                                              f.get("patronymic"), _d(f.get("birth_date")))
                                 if x)) for f in former]
    who = EXECUTOR(lang).format(who=req.answer_executor or "")
    checked = CHECKED(lang).format(d=_d(req.answered_on))
    if req.status == "returned":
        blocks.append(Stamp((RETURNED(lang).format(why=req.return_reason), checked)))
    elif req.status != "answered":
        pass  # not answered yet: the request alone (the answer page comes with the answer)
    else:
        cards = answer_cards(req)
        if not cards:
            blocks.append(Stamp((NO_INFO(lang), who, checked)))
        else:
            blocks.append(Heading(FOUND(lang).format(n=len(cards)), 2))
            cols = (Column(HEAD[0](lang), 6, 5), Column(HEAD[1](lang), 24, 12),
                    Column(HEAD[2](lang), 10, 10), Column(HEAD[3](lang), 12, 9),
                    Column(HEAD[4](lang), 20, 10), Column(HEAD[5](lang), 18, 9),
                    Column(HEAD[6](lang), 17, 9), Column(HEAD[7](lang), 14, 8))
            blocks.append(Table(cols, tuple(record_row(c, lang) for c in cards),
                                parts=((0, 1, 2, 3, 4), (0, 5, 6, 7))))
            blocks.append(Stamp((who, checked)))
        if is_overdue(req, today or req.answered_on or dt.date.today()):
            blocks.append(Para(LATE(lang)))
    return Document("answer", TITLE(lang), lang, tuple(blocks), header=(APPENDIX(lang),),
                    footer=printed_line(lang, printed_by, printed_at), meta={"id": str(req.id)})
