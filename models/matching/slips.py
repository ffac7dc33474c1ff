"""What a keyed birth date or IIN may have been: the slips people make with digits.

A birth date is keyed from a protocol, a request, a scan or memory: one digit wrong
(or misread: 1/7, 3/8, 5/6), two neighbours swapped, day and month exchanged, a day
or a year off, a two-digit year read in the wrong century, or only the year known and
keyed as 01.01. `date_slips` lists the dates a probe's date may stand for (the search
looks them all up on an index); `date_sim` says how alike two dates are and names the
slip. An IIN carries the birth date in its first six digits and a check digit that
catches one wrong digit: `iin_neighbours` lists the valid numbers one slip away.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from models.ids import iin_valid

FIRST_YEAR = 1900  # no one in the register was born before


def swapped_date(d: dt.date) -> dt.date | None:
    """The date with day and month exchanged, when that is a date and differs."""
    try:
        s = d.replace(month=d.day, day=d.month)
    except ValueError:
        return None
    return s if s != d else None


def year_only(d: dt.date) -> bool:
    """01.01 is what a register holds when only the birth year is known."""
    return d.month == 1 and d.day == 1


def _digits_date(text: str) -> dt.date | None:
    try:
        d = dt.date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        return None
    return d if d.year >= FIRST_YEAR else None


@lru_cache(maxsize=4096)
def date_slips(d: dt.date) -> tuple[dt.date, ...]:
    """`d` first, then every date one slip away from it: one digit of DD.MM.YYYY
    changed, two neighbouring digits swapped, day and month exchanged, a day or a
    year either side, the other century, and 01.01 of the year (year only known)."""
    out: dict[dt.date, None] = {d: None}
    text = d.strftime("%d%m%Y")
    for i in (0, 1, 2, 3, 5, 6, 7, 4):
        for digit in "0123456789":
            if digit != text[i]:
                nd = _digits_date(text[:i] + digit + text[i + 1:])
                if nd is not None:
                    out.setdefault(nd, None)
    for i in (0, 2, 4, 5, 6):
        if text[i] != text[i + 1]:
            nd = _digits_date(text[:i] + text[i + 1] + text[i] + text[i + 2:])
            if nd is not None:
                out.setdefault(nd, None)
    extra = [swapped_date(d), d - dt.timedelta(days=1), d + dt.timedelta(days=1),
             d.replace(month=1, day=1)]
    for years in (-1, 1, -100, 100):
        try:
            extra.append(d.replace(year=d.year + years))
        except ValueError:
            continue
    for nd in extra:
        if nd is not None and nd.year >= FIRST_YEAR:
            out.setdefault(nd, None)
    return tuple(out)


@lru_cache(maxsize=65536)
def _text(d: dt.date) -> str:
    return f"{d.day:02d}{d.month:02d}{d.year:04d}"


def _slip(a: str, b: str) -> str:
    """How two texts of one length differ: "digit" (in one place), "transposed" (two
    neighbours swapped), else "" (equal, or more apart). One pass, stopping at the
    third difference."""
    first = second = -1
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if x != y:
            if first < 0:
                first = i
            elif second < 0:
                second = i
            else:
                return ""
    if first < 0:
        return ""
    if second < 0:
        return "digit"
    if second == first + 1 and a[first] == b[second] and a[second] == b[first]:
        return "transposed"
    return ""


def date_sim(a: dt.date | None, b: dt.date | None) -> tuple[float, str]:
    """Similarity of two birth dates in 0..1 and the name of the slip that explains it
    (UNKNOWN 0.5 when a date is missing: it neither proves nor disproves)."""
    if a is None or b is None:
        return 0.5, ""
    if a == b:
        return 1.0, "date"
    if swapped_date(a) == b:
        return 0.90, "date_swapped"
    if abs((a - b).days) == 1:
        return 0.85, "date_1day"
    same_md = a.month == b.month and a.day == b.day
    if same_md and abs(a.year - b.year) == 1:
        return 0.85, "date_1year"
    if same_md and abs(a.year - b.year) == 100:
        return 0.85, "date_century"
    slip = _slip(_text(a), _text(b))
    if slip == "digit":
        return 0.82, "date_digit"
    if slip == "transposed":
        return 0.80, "date_transposed"
    if a.year == b.year and (year_only(a) or year_only(b)):
        return 0.70, "date_year_only"
    if same_md:
        return 0.45, "date_daymonth"
    if a.year == b.year and a.month == b.month:
        return 0.35, "date_month"
    if a.year == b.year:
        return 0.25, "date_year"
    return 0.0, ""


# models.ids.iin_check_digit's weights: a slip changes a weighted sum by one or two
# terms, so each neighbour is checked without summing its twelve digits again.
_W1 = tuple(range(1, 12))
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_DIGITS = frozenset("0123456789")


def _checks(s1: int, s2: int, last: int) -> bool:
    c = s1 % 11
    if c == 10:
        c = s2 % 11
        if c == 10:
            return False
    return c == last


def _ascii_neighbours(iin: str) -> tuple[str, ...]:
    """iin_neighbours of 12 ASCII digits (the same numbers in the same order)."""
    d = [ord(c) - 48 for c in iin]
    s1 = sum(x * w for x, w in zip(d, _W1, strict=False))
    s2 = sum(x * w for x, w in zip(d, _W2, strict=False))
    out: dict[str, None] = {}
    last = d[11]
    for i in range(11):  # _checks inline: a hundred numbers per IIN
        di, w1, w2 = d[i], _W1[i], _W2[i]
        for digit in range(10):
            if digit == di:
                continue
            c = (s1 + (digit - di) * w1) % 11
            if c == 10:
                c = (s2 + (digit - di) * w2) % 11
                if c == 10:
                    continue
            if c == last:
                out.setdefault(iin[:i] + str(digit) + iin[i + 1:], None)
    for digit in range(10):  # the check digit itself
        if digit != last and _checks(s1, s2, digit):
            out.setdefault(iin[:11] + str(digit), None)
    for i in range(11):
        a, b = d[i], d[i + 1]
        if a == b:
            continue
        if i < 10:
            ok = _checks(s1 + (b - a) * (_W1[i] - _W1[i + 1]),
                         s2 + (b - a) * (_W2[i] - _W2[i + 1]), d[11])
        else:
            ok = _checks(s1 + (b - a) * _W1[i], s2 + (b - a) * _W2[i], a)
        if ok:
            out.setdefault(iin[:i] + iin[i + 1] + iin[i] + iin[i + 2:], None)
    out.pop(iin, None)
    return tuple(out)


@lru_cache(maxsize=1024)
def iin_neighbours(iin: str) -> tuple[str, ...]:
    """Valid IINs one slip away from `iin` (a digit wrong, two neighbours swapped)."""
    if len(iin) != 12 or not iin.isdigit():
        return ()
    if set(iin) <= _DIGITS:
        return _ascii_neighbours(iin)
    out: dict[str, None] = {}
    for i in range(12):
        for digit in "0123456789":
            if digit != iin[i]:
                n = iin[:i] + digit + iin[i + 1:]
                if iin_valid(n):
                    out.setdefault(n, None)
    for i in range(11):
        if iin[i] != iin[i + 1]:
            n = iin[:i] + iin[i + 1] + iin[i] + iin[i + 2:]
            if iin_valid(n):
                out.setdefault(n, None)
    out.pop(iin, None)
    return tuple(out)


def iin_near(a: str, b: str) -> bool:
    """One digit wrong or two neighbours swapped."""
    if len(a) != 12 or len(b) != 12 or a == b:
        return False
    return _slip(a, b) != ""
