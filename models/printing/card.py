"""The card's printout: the paper card of Appendix 1, every line with its number and the
paper's label, codes with their names in force on the card's date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from models import codebook, lifecycle
from models.card_schema import CARD_TITLE, FIELDS, LINES, Field, Kind, Line
from models.choices import describe
from models.i18n import T
from models.printing.document import Document, Fields, Item, Para, printed_line
from models.tables import Card, card_values
from models.validation import card_date, format_value

TITLE = T("1-ӘП Н. Әкімшілік құқық бұзушылықтарды және оларды жасаған тұлғаларды есепке "
          "алу кәртішкесі",
          "Форма № 1-АП. Карточка учёта административных правонарушений и лиц, их совершивших")
APPENDIX = T("Нұсқаулыққа 1-қосымша (ҚР Бас Прокурорының 05.12.2003 № 67 бұйрығы)",
             "Приложение 1 к Инструкции (приказ Генерального Прокурора РК от 05.12.2003 № 67)")
HEAD = T("№ {id} карточка · күйі: {status} · нұсқа {v}",
         "Карточка № {id} · статус: {status} · версия {v}")
EDITION = T("{y} ж. ӘҚБтК", "КоАП {y} г.")
QUALIFICATION = ("article", "part", "paragraph")
# Lines whose parts read as one phrase (a name), not as "label value; label value".
JOINED = {"14"}


def field_text(f: Field, value: Any, on: dt.date | None, lang: str) -> str:
    """One field's value as printed: a code with its name, a date, an amount."""
    if value in (None, "", False):
        return ""
    if f.kind == Kind.FLAG:
        return f.label(lang)
    if f.kind == Kind.CODE and f.codebook and f.name not in QUALIFICATION:
        entry = codebook.resolve(f.codebook, str(value), on) or codebook.known(f.codebook,
                                                                              str(value))
        return f"{value} {entry.name(lang)}" if entry else str(value)
    return format_value(f, value)


def line_text(line: Line, values: dict[str, Any], edition: str, lang: str) -> str:
    on = card_date(values)
    if line.number == "9":
        return _qualification(values, edition, lang)
    parts = [(f, field_text(f, values.get(f.name), on, lang)) for f in line.fields]
    parts = [(f, t) for f, t in parts if t]
    if not parts:
        return ""
    if len(line.fields) == 1 or line.number in JOINED:
        return " ".join(t for _, t in parts)
    return "; ".join(t if f.kind == Kind.FLAG else f"{f.label(lang)} {t}" for f, t in parts)


def _qualification(values: dict[str, Any], edition: str, lang: str) -> str:
    article = values.get("article")
    if not article:
        return ""
    labels = [FIELDS[n].label(lang) for n in QUALIFICATION]
    code = " ".join(f"{lab} {values[n]}" for lab, n in zip(labels, QUALIFICATION, strict=True)
                    if values.get(n))
    name = describe(QUALIFICATION, values)
    text = f"{code} ({EDITION(lang).format(y=edition)})"
    return f"{text} — {name(lang)}" if name else text


def card_items(values: dict[str, Any], edition: str, lang: str) -> tuple[Item, ...]:
    return tuple(Item(line.label(lang), line_text(line, values, edition, lang), line.number)
                 for line in LINES)


def card_document(card: Card, lang: str, printed_by: str, printed_at: dt.datetime,
                  notes: tuple[str, ...] = ()) -> Document:
    """`notes`: further facts printed under the head (links after a protest, ...)."""
    values = card_values(card)
    head = HEAD(lang).format(id=card.id, status=lifecycle.status_label(card.status)(lang),
                             v=card.version)
    blocks = [Para(head, bold=True), *(Para(n) for n in notes),
              Fields(card_items(values, card.koap_edition or "2014", lang))]
    return Document("card", TITLE(lang), lang, tuple(blocks), header=(APPENDIX(lang),),
                    footer=printed_line(lang, printed_by, printed_at),
                    meta={"id": str(card.id), "title": CARD_TITLE(lang)})
