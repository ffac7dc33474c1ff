"""Statistics of the register, computed by the database (GROUP BY on the covering index
`card_stats` of migration v0006), never by loading cards into Python.

    table(by, date_from, date_to)      cards, fines imposed and collected per article, body
                                       (line 1), region (line 2), subject (line 8), main
                                       penalty (11.1), or month / quarter / year (line 6)
    totals(...)                        the same figures for the whole period
    repeat_offenders(...)              persons with two or more cards in the period
    bar(value, top, width)             a bar of plain block characters (80x24, no colour)
    write_csv / stats_document         the same figures as CSV and as a printout

A card counts from its registration (line 6 date) until it is removed; a card destroyed
at the end of its retention (status purged: personal data gone, the rest kept) still
counts, a draft or a removed card does not.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from typing import TextIO

import peewee as pw

from models import codebook
from models.db import is_postgres
from models.i18n import T
from models.tables import Card, Person, Status

NOT_COUNTED = (Status.DRAFT.value, Status.REMOVED.value)
DIMENSIONS = ("article", "body", "region", "subject", "penalty", "month", "quarter", "year")
DIMENSION_LABELS = {
    "article": T("Бап", "Статья"), "body": T("Анықтаған орган", "Выявивший орган"),
    "region": T("Өңір", "Регион"), "subject": T("Субъект", "Субъект"),
    "penalty": T("Негізгі жаза", "Основное взыскание"), "month": T("Ай", "Месяц"),
    "quarter": T("Тоқсан", "Квартал"), "year": T("Жыл", "Год"),
}
FULL, HALF = "█", "▌"  # the block characters the Linux console's own font has


@dataclass(frozen=True)
class StatRow:
    key: str
    label: str
    cards: int
    fine_imposed: int
    fine_collected: int

    @property
    def collected_share(self) -> float:
        return self.fine_collected / self.fine_imposed if self.fine_imposed else 0.0


def _period(q: pw.ModelSelect, date_from: dt.date | None, date_to: dt.date | None
            ) -> pw.ModelSelect:
    q = q.where(Card.status.not_in(NOT_COUNTED))
    if date_from:
        q = q.where(Card.journal_date >= date_from)
    if date_to:
        q = q.where(Card.journal_date <= date_to)
    return q


def _month() -> pw.Node:
    if is_postgres():
        return pw.fn.to_char(Card.journal_date, "YYYY-MM")
    return pw.fn.strftime("%Y-%m", Card.journal_date)


def _key(by: str) -> pw.Node:
    return {"article": Card.article, "body": Card.authority,
            "region": pw.fn.SUBSTR(Card.place, 1, 2), "subject": Card.subject,
            "penalty": Card.main_penalty}.get(by) or _month()


def _fold(month: str, by: str) -> str:
    if by == "year":
        return month[:4]
    if by == "quarter":
        return f"{month[:4]}Q{(int(month[5:7]) + 2) // 3}"
    return month


def label(by: str, key: str, lang: str) -> str:
    book, code = {"article": ("article", key), "body": ("authority", key),
                  "region": ("kato", key + "0000000"), "subject": ("subject", key),
                  "penalty": ("penalty", key)}.get(by, ("", key))
    entry = codebook.known(book, code) if book and code else None
    return entry.name(lang) if entry else ""


def table(by: str, date_from: dt.date | None = None, date_to: dt.date | None = None,
          lang: str = "ru") -> list[StatRow]:
    """Cards and fines per `by`, the largest first (periods in time order)."""
    if by not in DIMENSIONS:
        raise ValueError(f"by must be one of {', '.join(DIMENSIONS)}")
    key = _key(by).alias("k")
    q = _period(Card.select(key, pw.fn.COUNT(Card.id), pw.fn.SUM(Card.fine_imposed),
                            pw.fn.SUM(Card.fine_collected)), date_from, date_to)
    groups: dict[str, list[int]] = {}
    for k, n, imposed, collected in q.group_by(pw.SQL("1")).tuples():
        k = _fold(k, by) if by in ("month", "quarter", "year") and k else (k or "")
        acc = groups.setdefault(k, [0, 0, 0])
        acc[0] += n
        acc[1] += int(imposed or 0)
        acc[2] += int(collected or 0)
    rows = [StatRow(k, label(by, k, lang), *v) for k, v in groups.items()]
    if by in ("month", "quarter", "year"):
        return sorted(rows, key=lambda r: r.key)
    return sorted(rows, key=lambda r: (-r.cards, r.key))


def totals(date_from: dt.date | None = None, date_to: dt.date | None = None) -> StatRow:
    q = _period(Card.select(pw.fn.COUNT(Card.id), pw.fn.SUM(Card.fine_imposed),
                            pw.fn.SUM(Card.fine_collected)), date_from, date_to)
    n, imposed, collected = q.tuples().get()
    return StatRow("", "", int(n or 0), int(imposed or 0), int(collected or 0))


@dataclass(frozen=True)
class Repeat:
    persons: int  # with two or more cards in the period
    cards: int  # their cards
    top: list[tuple[str, int]]  # (name and birth date, cards), most cards first


def repeat_offenders(date_from: dt.date | None = None, date_to: dt.date | None = None,
                     least: int = 2, top: int = 10) -> Repeat:
    """Persons with at least `least` cards in the period (§37: repeated offences)."""
    per = _period(Card.select(Card.person.alias("p"), pw.fn.COUNT(Card.id).alias("n"))
                  .where(Card.person.is_null(False)), date_from, date_to) \
        .group_by(Card.person).having(pw.fn.COUNT(Card.id) >= least)
    sub = per.alias("r")
    persons, cards = (Card.select(pw.fn.COUNT(pw.SQL("1")), pw.fn.SUM(sub.c.n))
                      .from_(sub).tuples().get())
    best = list(per.order_by(pw.fn.COUNT(Card.id).desc(), Card.person).limit(top).tuples())
    names = {p.id: p for p in Person.select().where(Person.id.in_([b[0] for b in best] or [0]))}
    listed = []
    for pid, n in best:
        p = names.get(pid)
        if p is not None:
            born = p.birth_date.strftime("%d.%m.%Y") if p.birth_date else ""
            listed.append((" ".join(x for x in (p.surname, p.given_name, p.patronymic, born)
                                    if x), n))
    return Repeat(int(persons or 0), int(cards or 0), listed)


def bar(value: int, top: int, width: int) -> str:
    """A horizontal bar `width` cells long at `top`, in half cells."""
    if top <= 0 or value <= 0 or width <= 0:
        return ""
    halves = max(1, round(2 * width * value / top))
    return FULL * (halves // 2) + (HALF if halves % 2 else "")


HEADERS = {"cards": T("Карточкалар", "Карточек"), "imposed": T("Айыппұл салынды", "Наложено"),
           "collected": T("Өндірілді", "Взыскано"), "share": T("Өндірілгені", "Взыскано, %"),
           "total": T("Барлығы", "Всего")}


def write_csv(rows: list[StatRow], by: str, fh: TextIO, lang: str) -> None:
    """The rows and their total as CSV into an open text file (opened with newline="")."""
    w = csv.writer(fh)
    w.writerow([by, DIMENSION_LABELS[by](lang), HEADERS["cards"](lang),
                HEADERS["imposed"](lang), HEADERS["collected"](lang)])
    for r in rows:
        w.writerow([r.key, r.label, r.cards, r.fine_imposed, r.fine_collected])
    w.writerow(["", HEADERS["total"](lang), sum(r.cards for r in rows),
                sum(r.fine_imposed for r in rows), sum(r.fine_collected for r in rows)])


def money(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def stats_document(rows: list[StatRow], by: str, date_from: dt.date | None,
                   date_to: dt.date | None, repeat: Repeat, lang: str, organisation: str,
                   printed_by: str, printed_at: dt.datetime):
    """The figures as a printout (models.printing): a table with a bar per row."""
    from models.printing.document import Column, Document, Heading, Para, Table, printed_line

    top = max((r.cards for r in rows), default=0)
    cols = (Column(DIMENSION_LABELS[by](lang), 26, 10), Column(HEADERS["cards"](lang), 9, 6,
                                                              "right"),
            Column("", 22, 8), Column(HEADERS["imposed"](lang), 14, 8, "right"),
            Column(HEADERS["collected"](lang), 14, 8, "right"))
    body = tuple((f"{r.key} {r.label}".strip(), str(r.cards), bar(r.cards, top, 20),
                  money(r.fine_imposed), money(r.fine_collected)) for r in rows)
    body += ((HEADERS["total"](lang), str(sum(r.cards for r in rows)), "",
              money(sum(r.fine_imposed for r in rows)),
              money(sum(r.fine_collected for r in rows))),)

    def d(day: dt.date | None) -> str:
        return day.strftime("%d.%m.%Y") if day else "…"

    blocks = [Para(organisation, align="center")] if organisation else []
    blocks += [Para(T("Кезең (6-жол): {a} — {b}", "Период (строка 6): {a} — {b}").format(
        a=d(date_from), b=d(date_to))(lang), align="center"), Table(cols, body)]
    blocks += [Heading(T("Қайталап құқық бұзғандар", "Повторные правонарушители")(lang), 2),
               Para(T("Кезеңде екі және одан көп карточкасы бар адамдар: {p} ({c} карточка)",
                      "Лиц с двумя и более карточками за период: {p} (карточек {c})").format(
                   p=repeat.persons, c=repeat.cards)(lang))]
    if repeat.top:
        blocks.append(Table((Column(T("Адам", "Лицо")(lang), 50, 20),
                             Column(HEADERS["cards"](lang), 10, 6, "right")),
                            tuple((name, str(n)) for name, n in repeat.top)))
    title = T("Статистика: {w}", "Статистика: {w}").format(w=DIMENSION_LABELS[by](lang))(lang)
    return Document("stats", title, lang, tuple(blocks),
                    footer=printed_line(lang, printed_by, printed_at))
