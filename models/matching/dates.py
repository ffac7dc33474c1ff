"""A birth date as a probe's text gives it, read the way it was meant, and how it was read.

Protocols, requests and keyed cards write a birth date in many ways: 15.06.1990,
15/06/1990, 15-06-90, 15 06 1990, 15061990, 1990.06.15, "15.06.1990 г.р.", "15 июня
1990 г." (models.doc_date reads the written forms), 15.VI.1990 (a Roman month),
15.О6.199О (letters for digits), a time after it (an export's 1990-06-15 00:00:00),
a date inside other words ("15.06.1990, г. Алматы"). Some need reading:

  SWAPPED  a month above 12 with a day that can be a month: the two were exchanged
           (06.15.1990 written month first, 1990-15-06 keyed day first in ISO order);
  YEAR     only the year can be trusted: the day or month unknown (00.00.1990,
           00.06.1990, xx.xx.1990), or the day impossible in the month (31.02.1990).
           Read as 01.01 of the year, which is how the register keeps "year only known"
           and what the search looks up a year's people by.
  EXCEL    a number of days, as a spreadsheet keeps a date (33039 is 15.06.1990).
  CENTURY  a date still to come, read a century earlier: 12.03.2085 is 12.03.1985
           (a two-digit year put in the wrong century).
  (A month and year without the day, 11.1990, read as YEAR too; ю and б between the
  parts are the Russian layout's "." and ",": 23ю04ю1990.)
  YEAR_FIRST  digits without separators that are no date day first, but one year first:
           19900615 (an export's basic ISO form), 900615 (the first six digits of the
           IIN copied as the date).

`read_birth_date` never raises; a text it cannot read, or a year before 1900 (after
the century's reading), gives (None, ()).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from models import doc_date

SWAPPED, YEAR, CENTURY, EXCEL, YEAR_FIRST = "swapped", "year", "century", "excel", "year_first"
FIRST_YEAR = 1900

_PLACEHOLDER = r"(?:[0-9]{1,2}|[xXхХ_?*.-]{1,2}|)"
_SEP = r"\s*[./\-_,\\ ]\s*"
_DMY = re.compile(rf"^(?P<d>{_PLACEHOLDER}){_SEP}(?P<m>{_PLACEHOLDER}){_SEP}(?P<y>[0-9]{{4}}|[0-9]{{2}})$")
_YMD = re.compile(rf"^(?P<y>[0-9]{{4}}){_SEP}(?P<m>{_PLACEHOLDER}){_SEP}(?P<d>{_PLACEHOLDER})$")
_COMPACT = re.compile(r"^(?P<d>[0-9]{2})(?P<m>[0-9]{2})(?P<y>[0-9]{2}|[0-9]{4})$")
_COMPACT_YEAR_FIRST = re.compile(r"^(?P<y>[0-9]{2}|[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$")
# The words after a date ("г.", "г.р.", "года рождения", "ж.", "жылы туған").
_TAIL = re.compile(r"(?:\s*(?:г\.?\s*р\.?|г(?:ода|од)?\.?|рожд(?:ения)?\.?|ж(?:ылы|ылғы)?\.?|"
                   r"т(?:уған)?\.?|туган|y\.?|b\.?))+$", re.IGNORECASE)


# Letters a scan or a hurried hand puts for digits (О, l, З for 0, 1, 3), read back
# inside a run that has a digit of its own (1990, not the "г" of "г.р.").
LOOKALIKE_DIGITS = str.maketrans({"O": "0", "o": "0", "О": "0", "о": "0", "l": "1", "I": "1",
                                  "І": "1", "і": "1", "|": "1", "З": "3", "з": "3", "б": "6",
                                  "S": "5"})
_DIGIT_RUN = re.compile(r"[0-9OoОоlIІі|ЗзбS]*[0-9][0-9OoОоlIІі|ЗзбS]*")
# Roman months between separators (15.VI.1990, 15 XI 1990), Cyrillic Х and І as X and I.
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8,
          "IX": 9, "X": 10, "XI": 11, "XII": 12}
_ROMAN_MONTH = re.compile(r"(?<=[\s./\-])([IVXХІ]{1,4})(?=[\s./\-])", re.IGNORECASE)


def _roman(m: re.Match[str]) -> str:
    month = _ROMAN.get(m.group(1).upper().replace("Х", "X").replace("І", "I"))
    return f"{month:02d}" if month else m.group(1)


# A date keyed with the Russian layout on: its "." and "," keys give ю and б
# (23ю04ю1990). Only the same letter twice between runs of digits, so the б a hurried
# hand writes for 6 (LOOKALIKE_DIGITS) stays a digit: 1б.06.1990.
_LAYOUT_SEPARATORS = re.compile(r"^([0-9]{1,4})([юЮбБ])([0-9]{1,2})\2([0-9]{2,4})\b")
# A month and a year without the day (11.1990, 1990-11): the year is what is known.
_MONTH_YEAR = re.compile(rf"^(?:(?P<m>[0-9]{{1,2}}){_SEP}(?P<y>[0-9]{{4}})|"
                         rf"(?P<y2>[0-9]{{4}}){_SEP}(?P<m2>[0-9]{{1,2}}))$")


# A time after the date (a spreadsheet's or a database's export: 1990-06-15 00:00:00).
_TIME = re.compile(r"(?:T|\s)\s*[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?$")
_SERIAL = re.compile(r"^([0-9]{5})(?:[.,]0+)?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)
# A date inside other words ("15.06.1990, г. Алматы", "род. 1990-06-15 в г. Семей").
_EMBEDDED = re.compile(r"(?<![0-9])(?:[0-9]{1,2}[./-][0-9]{1,2}[./-](?:[0-9]{4}|[0-9]{2})"
                       r"|[0-9]{4}-[0-9]{2}-[0-9]{2})(?![0-9])")


class Reading(NamedTuple):
    date: dt.date | None
    how: tuple[str, ...]  # () as written, else SWAPPED, YEAR, CENTURY (one or two), EXCEL,
    # YEAR_FIRST


def _year(text: str, today: dt.date) -> int:
    """A two-digit year the way people mean it: 85 -> 1985, 05 -> 2005."""
    if len(text) == 4:
        return int(text)
    yy = int(text)
    return 2000 + yy if yy <= today.year % 100 else 1900 + yy


def _number(text: str) -> int:
    """A day or month; 0 when unknown (00, xx, __, nothing)."""
    return int(text) if text.isdigit() else 0


def _parts(year: int, month: int, day: int) -> Reading:
    if month > 12 and 1 <= day <= 12:
        month, day, how = day, month, (SWAPPED,)
    else:
        how = ()
    try:
        return Reading(dt.date(year, month, day), how)
    except ValueError:
        return Reading(dt.date(year, 1, 1), (YEAR,))


def _read(body: str, today: dt.date) -> Reading:
    date, _ = doc_date.read(body)
    if date is not None:
        return Reading(date, ())  # a year alone written as one (1990, 1990 г.р.): 01.01
    body = _TAIL.sub("", body).rstrip(" ,.").lstrip(" ,")
    m = _COMPACT.match(body) or _DMY.match(body) or _YMD.match(body)
    if m is None:
        return _month_year(body)
    out = _parts(_year(m["y"], today), _number(m["m"]), _number(m["d"]))
    if m.re is _COMPACT and (out.how or out.date is None or out.date.year < FIRST_YEAR):
        return _year_first(body, today) or out
    return out


def _month_year(body: str) -> Reading:
    """11.1990 or 1990-11: the year alone (YEAR), as the register keeps it."""
    m = _MONTH_YEAR.match(body)
    if m is None or not 1 <= int(m["m"] or m["m2"]) <= 12:
        return Reading(None, ())
    return Reading(dt.date(int(m["y"] or m["y2"]), 1, 1), (YEAR,))


def _year_first(body: str, today: dt.date) -> Reading | None:
    """Digits whose day-first reading is no date read year first, when that reading is
    a date as written (no exchange of day and month, no day unknown)."""
    m = _COMPACT_YEAR_FIRST.match(body)
    if m is None:
        return None
    year = _year(m["y"], today)
    if year < FIRST_YEAR:
        return None
    try:
        return Reading(dt.date(year, int(m["m"]), int(m["d"])), (YEAR_FIRST,))
    except ValueError:
        return None


def _excel(body: str, today: dt.date) -> Reading:
    """A spreadsheet's day number (33039 for 15.06.1990): a date cell saved as a number."""
    m = _SERIAL.match(body)
    if m is None:
        return Reading(None, ())
    date = EXCEL_EPOCH + dt.timedelta(days=int(m.group(1)))
    return Reading(date, (EXCEL,)) if date.year >= FIRST_YEAR and date <= today else \
        Reading(None, ())


def read_birth_date(text: str, today: dt.date | None = None) -> Reading:
    """The date a probe's birth-date text stands for and how it was read (module doc)."""
    today = today or dt.date.today()
    body = " ".join((text or "").split())
    if not body or len(body) > 200:
        return Reading(None, ())
    body = _LAYOUT_SEPARATORS.sub(r"\1.\3.\4", body)
    body = _TIME.sub("", _ROMAN_MONTH.sub(_roman, body))
    body = _DIGIT_RUN.sub(lambda m: m.group(0).translate(LOOKALIKE_DIGITS), body)
    out = _read(body, today) if len(body) <= 40 else Reading(None, ())
    if out.date is None:
        out = _excel(body, today)
    if out.date is None:  # "15.06.1990, г. Алматы": the date and the place in one line
        m = _EMBEDDED.search(body)
        out = _read(m.group(0), today) if m else out
    if out.date is None or out.date.year < FIRST_YEAR:
        return Reading(None, ())
    if out.date > today:  # a two-digit year put in the century to come (85 -> 2085)
        try:
            earlier = out.date.replace(year=out.date.year - 100)
        except ValueError:  # 29.02 of a year that is not leap a century before
            earlier = out.date.replace(year=out.date.year - 100, day=28)
        if earlier.year < FIRST_YEAR or earlier > today:
            return Reading(None, ())
        return Reading(earlier, (*out.how, CENTURY))
    return out
