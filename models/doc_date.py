"""Dates as protocols, requests and letters write them, for searches and requests.

A keyed field takes DDMMYYYY; a probe or a request copied from a document carries the
date the way the document put it: "12.03.1988 г.", "1988 г.р.", "12 марта 1988 года",
"1988 ж. 12 наурыз", "12 наурыз 1988 ж.т.", "1988.03.12", "12 .03. 1988". This module
reads those, and every form a keyed date field takes (models.field_values.parse_date),
digits ASCII only, and says how much of the date was written: a year alone is day 01.01
with precision "year", as the matching keys read a bare year. (A two-digit year is the
matching keys' reading, models.matching.keys.as_date, not a document's.)
"""

from __future__ import annotations

import datetime as dt
import re

# Russian and Kazakh month names (any case form: the first letters decide), with the
# Kazakh ones also as typed on a Russian keyboard (қ -> к, ә -> а, ү -> у, і -> и).
_MONTHS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, ("январ", "янв", "қаңтар", "кантар", "каңтар")),
    (2, ("феврал", "фев", "ақпан", "акпан")),
    (3, ("март", "мар", "наурыз", "наурз")),
    (4, ("апрел", "апр", "сәуір", "сауир", "сәуiр", "сәуир")),
    (5, ("мая", "май", "мамыр")),
    (6, ("июн", "июня", "июнь", "маусым")),
    (7, ("июл", "июля", "июль", "шілде", "шилде")),
    (8, ("август", "авг", "тамыз")),
    (9, ("сентябр", "сен", "қыркүйек", "кыркуйек", "қыркуйек")),
    (10, ("октябр", "окт", "қазан", "казан")),
    (11, ("ноябр", "ноя", "қараша", "караша")),
    (12, ("декабр", "дек", "желтоқсан", "желтоксан")),
)

# Words documents put after a year or a date: "г.", "года", "г.р.", "года рождения",
# "ж.", "жылы", "жылғы", "ж.т.", "жылы туған", "туған". Cut from the end (and "жылғы"
# / "ж." also from between year and day in the Kazakh order).
_TAIL = re.compile(
    r"(?:\s*(?:г\.?\s*р\.?|г(?:ода|од)?\.?(?:\s*рожд(?:ения)?\.?)?|"
    r"ж(?:ылы|ылғы|ылгы)?\.?(?:\s*т(?:уған|уган)?\.?)?|туған|туган|рожд(?:ения)?\.?))+$")
_SEP = r"(?:\s*[./\-]\s*|\s+)"
_NUMERIC = (  # as keyed (DDMMYYYY), as written (12.03.1988, 12 03 1988), year first
    re.compile(r"^(?P<d>[0-9]{2})(?P<m>[0-9]{2})(?P<y>[0-9]{4})$"),
    re.compile(rf"^(?P<d>[0-9]{{1,2}}){_SEP}(?P<m>[0-9]{{1,2}}){_SEP}(?P<y>[0-9]{{4}})$"),
    re.compile(rf"^(?P<y>[0-9]{{4}}){_SEP}(?P<m>[0-9]{{1,2}}){_SEP}(?P<d>[0-9]{{1,2}})$"),
)
_WORDS_DMY = re.compile(r"^(?P<d>[0-9]{1,2})\s*(?P<mon>[^\W\d_]+)\.?\s*(?P<y>[0-9]{4})$")
_WORDS_YDM = re.compile(
    r"^(?P<y>[0-9]{4})\s*(?:ж(?:ылғы|ылгы|ылы)?\.?)?\s*(?P<d>[0-9]{1,2})\s*(?P<mon>[^\W\d_]+)$")
_YEAR = re.compile(r"^(?P<y>(?:19|20)[0-9]{2})$")


def month_of(word: str) -> int | None:
    """A month from its Russian or Kazakh name in any case form, or None."""
    low = word.casefold().rstrip(".")
    if len(low) < 3:
        return None
    for number, stems in _MONTHS:
        for stem in stems:
            # a stem that is the whole word or begins it ("марта", "наурызда");
            # an abbreviation only as itself ("мар", "сен" are not "маршрут")
            if low == stem or (len(stem) >= 4 and low.startswith(stem)):
                return number
    return None


def read(text: str) -> tuple[dt.date | None, str]:
    """(date, precision) from a document's date; precision is "day" or "year".
    (None, "") when the text is not a date this reader knows or the day cannot be."""
    body = " ".join(text.split()).casefold()
    body = _TAIL.sub("", body).strip(" ,")
    if not body:
        return None, ""
    year_only = _YEAR.match(body)
    if year_only:
        return dt.date(int(year_only["y"]), 1, 1), "year"
    for form in _NUMERIC:
        m = form.match(body)
        if m:
            return _day(m["y"], m["m"], m["d"])
    for form in (_WORDS_DMY, _WORDS_YDM):
        m = form.match(body)
        if m:
            month = month_of(m["mon"])
            return _day(m["y"], str(month), m["d"]) if month else (None, "")
    return None, ""


def _day(year: str, month: str, day: str) -> tuple[dt.date | None, str]:
    try:
        return dt.date(int(year), int(month), int(day)), "day"
    except ValueError:
        return None, ""


def as_date(text: str) -> dt.date | None:
    """The date a document's text names (a year alone: its 1 January), or None."""
    return read(text)[0]
