"""The registration journal's printout (Appendix 2): the organisation, the period, the
first and last numbers, and the ten columns; at 80 columns in two parts (1-6, then 1 and
7-10: "continuation of the table"), as the appendix itself is laid out."""

from __future__ import annotations

import datetime as dt

from models.i18n import T
from models.printing.document import Column, Document, Para, Table, printed_line
from models.registration_journal import COLUMNS, JournalFilter, JournalRow

TITLE = T("Әкімшілік істерді тіркеу ЖУРНАЛЫ", "ЖУРНАЛ регистрации административных дел")
APPENDIX = T("Нұсқаулыққа 2-қосымша (ҚР Бас Прокурорының 05.12.2003 № 67 бұйрығы)",
             "Приложение 2 к Инструкции (приказ Генерального Прокурора РК от 05.12.2003 № 67)")
PERIOD = T("Кезең: {a} — {b}", "Период: {a} — {b}")
RANGE = T("№ {first} бастап № {last} дейін, барлығы {n} жазба",
          "Начат с № {first}, окончен № {last}; всего записей: {n}")
FILTERS = T("Іріктеу: {f}", "Отбор: {f}")
EMPTY = T("Жазба жоқ", "Записей нет")
# Preferred widths: all ten fit 132 columns; at 80 the table prints in the paper's parts.
WIDTHS = (6, 12, 10, 20, 13, 12, 13, 12, 12, 13)
MINIMA = (5, 8, 8, 12, 9, 9, 10, 9, 9, 10)
PARTS = ((0, 1, 2, 3, 4, 5), (0, 6, 7, 8, 9))


def journal_document(rows: list[JournalRow], flt: JournalFilter, lang: str, organisation: str,
                     printed_by: str, printed_at: dt.datetime) -> Document:
    cols = tuple(Column(title(lang), w, m) for title, w, m in zip(COLUMNS, WIDTHS, MINIMA,
                                                                  strict=True))
    blocks: list = [Para(organisation, align="center")] if organisation else []

    def d(day: dt.date | None) -> str:
        return day.strftime("%d.%m.%Y") if day else "…"

    blocks.append(Para(PERIOD(lang).format(a=d(flt.date_from), b=d(flt.date_to)),
                       align="center"))
    chosen = [f"{k}={v}" for k, v in (("status", flt.status), ("body", flt.body),
                                      ("article", flt.article)) if v]
    if chosen:
        blocks.append(Para(FILTERS(lang).format(f=", ".join(chosen)), align="center"))
    if rows:
        blocks.append(Para(RANGE(lang).format(first=rows[0].number, last=rows[-1].number,
                                              n=len(rows)), align="center"))
    blocks.append(Table(cols, tuple(r.columns for r in rows), numbers=True, parts=PARTS,
                        empty=EMPTY(lang)))
    return Document("journal", TITLE(lang), lang, tuple(blocks), header=(APPENDIX(lang),),
                    footer=printed_line(lang, printed_by, printed_at), landscape=True)
