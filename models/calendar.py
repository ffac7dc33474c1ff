"""Working days for the Instruction's deadlines (§12 return, §35 execution notice, §40
requests): Saturdays, Sundays and Kazakhstan's public holidays are not working days.

The rules come from config.toml [calendar] and can be edited there:

    holidays      public holidays every year, "MM-DD" (Law "On holidays in the Republic
                  of Kazakhstan"); one that falls on a Saturday or Sunday gives the next
                  working day off (Labour Code art. 85 p. 2) ...
    not_moved     ... except these (religious holidays: Orthodox Christmas 7 January)
    [calendar.YYYY]
    days_off      that year's other days off: the first day of Kurban Ait (lunar, not
                  moved) and the days the Government moves (e.g. 2024-05-08)
    working_days  weekend days that year made working by such a move (2024-05-04)

No database, no config: `WorkCalendar.from_config(section)` builds one from the TOML
table and raises CalendarError (one line naming the key) when it is malformed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from models.i18n import T

# Kazakhstan's public holidays since 2022 (Republic Day 25 October restored, Independence
# Day one day): the defaults when config.toml has no [calendar] section.
DEFAULT_HOLIDAYS = ("01-01", "01-02", "01-07", "03-08", "03-21", "03-22", "03-23", "05-01",
                    "05-07", "05-09", "07-06", "08-30", "10-25", "12-16")
DEFAULT_NOT_MOVED = ("01-07",)

# Working days are searched this far at most: a calendar that made a whole year of days
# off (a typo in config) must not hang a deadline computation.
_MAX_SCAN = 400


class CalendarError(ValueError):
    """A malformed [calendar] entry: one line naming the key, in both languages
    (`message`); str() is the Russian line."""

    def __init__(self, message: T) -> None:
        super().__init__(message.ru)
        self.message = message


@dataclass(frozen=True)
class WorkCalendar:
    holidays: tuple[tuple[int, int], ...] = ()
    not_moved: frozenset[tuple[int, int]] = frozenset()
    days_off: frozenset[dt.date] = frozenset()
    working_days: frozenset[dt.date] = frozenset()
    years: tuple[int, ...] = field(default=(), compare=False)  # years given their own table

    @classmethod
    def default(cls) -> WorkCalendar:
        return cls(tuple(_month_day(t, "holidays") for t in DEFAULT_HOLIDAYS),
                   frozenset(_month_day(t, "not_moved") for t in DEFAULT_NOT_MOVED))

    @classmethod
    def from_config(cls, section: Mapping[str, Any] | None) -> WorkCalendar:
        """The calendar of a [calendar] TOML table (None: the defaults)."""
        if section is None:
            return cls.default()
        if not isinstance(section, Mapping):
            raise CalendarError(T("calendar кесте болуы керек", "calendar должен быть таблицей"))
        holidays = tuple(_month_day(t, "calendar.holidays")
                         for t in _list(section, "holidays", DEFAULT_HOLIDAYS))
        not_moved = frozenset(_month_day(t, "calendar.not_moved")
                              for t in _list(section, "not_moved", DEFAULT_NOT_MOVED))
        off: set[dt.date] = set()
        work: set[dt.date] = set()
        years = []
        for key, value in section.items():
            if key in ("holidays", "not_moved"):
                continue
            if not (isinstance(key, str) and key.isdigit() and len(key) == 4):
                raise CalendarError(T(f"calendar.{key} деген кілт жоқ (жыл кестесі: "
                                      "[calendar.2025])",
                                      f"неизвестный ключ calendar.{key} (таблица года: "
                                      "[calendar.2025])"))
            year = int(key)
            if not isinstance(value, Mapping):
                raise CalendarError(T(f"calendar.{key} days_off / working_days кестесі болуы "
                                      "керек",
                                      f"calendar.{key} должен быть таблицей с days_off / "
                                      "working_days"))
            for k in value:
                if k not in ("days_off", "working_days"):
                    raise CalendarError(T(f"calendar.{key}.{k} деген кілт жоқ",
                                          f"неизвестный ключ calendar.{key}.{k}"))
            off |= _dates(value, "days_off", year)
            work |= _dates(value, "working_days", year)
            years.append(year)
        both = off & work
        if both:
            day = min(both)
            raise CalendarError(T(f"calendar.{day.year}: {day.isoformat()} әрі демалыс, әрі "
                                  "жұмыс күні",
                                  f"calendar.{day.year}: {day.isoformat()} одновременно выходной "
                                  "и рабочий день"))
        return cls(holidays, not_moved, frozenset(off), frozenset(work), tuple(sorted(years)))

    # -- questions ---------------------------------------------------------------------
    def days_off_of(self, year: int) -> frozenset[dt.date]:
        """Every day off of a year that is not a plain Saturday or Sunday (holidays, the
        weekdays they move to, listed days off), spill-over from December included."""
        return _days_off(self, year) | _days_off(self, year - 1)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.working_days:
            return True
        return day.weekday() < 5 and day not in self.days_off_of(day.year)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The day `n` working days after `start` (`start` itself not counted); n = 0:
        `start` if it is a working day, else the next working day."""
        day, left = start, n
        if n <= 0:
            return self.next_working_day(start)
        for _ in range(_MAX_SCAN * max(1, n)):
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
                if left == 0:
                    return day
        raise CalendarError(T(f"{start} күнінен кейін {_MAX_SCAN} күнде жұмыс күні жоқ",
                              f"за {_MAX_SCAN} дней после {start} нет рабочего дня"))

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, else the first one after it."""
        for _ in range(_MAX_SCAN):
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        raise CalendarError(T(f"{_MAX_SCAN} күнде жұмыс күні жоқ",
                              f"за {_MAX_SCAN} дней нет рабочего дня"))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count


WEEKENDS_ONLY = WorkCalendar()


@lru_cache(maxsize=64)
def _days_off(cal: WorkCalendar, year: int) -> frozenset[dt.date]:
    fixed = []
    for month, day in cal.holidays:
        try:
            fixed.append(dt.date(year, month, day))
        except ValueError:  # 02-29 in a common year
            continue
    listed = {d for d in cal.days_off if d.year == year}
    off = set(fixed) | listed
    for holiday in sorted(fixed):
        if holiday.weekday() < 5 or (holiday.month, holiday.day) in cal.not_moved:
            continue
        if holiday in cal.working_days:
            continue
        moved = holiday + dt.timedelta(days=1)
        while moved.weekday() >= 5 or moved in off:
            moved += dt.timedelta(days=1)
        off.add(moved)
    return frozenset(off)


def _list(section: Mapping[str, Any], key: str, default: Iterable[str]) -> list[Any]:
    value = section.get(key, list(default))
    if not isinstance(value, list):
        raise CalendarError(T(f'calendar.{key} ["01-01", "03-08"] сияқты тізім болуы керек',
                              f'calendar.{key} должен быть списком вида ["01-01", "03-08"]'))
    return value


def _month_day(text: Any, key: str) -> tuple[int, int]:
    if not isinstance(text, str) or len(text) != 5 or text[2] != "-" \
            or not (text[:2] + text[3:]).isascii() or not (text[:2] + text[3:]).isdigit():
        raise CalendarError(T(f'{key}: {text!r} "03-21" сияқты ай мен күн емес',
                              f'{key}: {text!r} — не месяц и день вида "03-21"'))
    month, day = int(text[:2]), int(text[3:])
    try:
        dt.date(2024, month, day)  # a leap year: 02-29 is a valid holiday date
    except ValueError:
        raise CalendarError(T(f"{key}: {text!r} жылдың күні емес",
                              f"{key}: {text!r} — не день года")) from None
    return month, day


def _dates(table: Mapping[str, Any], key: str, year: int) -> set[dt.date]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise CalendarError(T(f"calendar.{year}.{key} [{year}-05-08] сияқты күндер тізімі "
                              "болуы керек",
                              f"calendar.{year}.{key} должен быть списком дат вида "
                              f"[{year}-05-08]"))
    out = set()
    for item in value:
        day = item if isinstance(item, dt.date) and not isinstance(item, dt.datetime) else None
        if day is None and isinstance(item, str):
            try:
                day = dt.date.fromisoformat(item)
            except ValueError:
                day = None
        if day is None:
            raise CalendarError(T(f"calendar.{year}.{key}: {item!r} {year}-05-08 сияқты күн "
                                  "емес",
                                  f"calendar.{year}.{key}: {item!r} — не дата вида "
                                  f"{year}-05-08"))
        if day.year != year:
            raise CalendarError(T(f"calendar.{year}.{key}: {day.isoformat()} {year} жылында "
                                  "емес",
                                  f"calendar.{year}.{key}: {day.isoformat()} не в {year} году"))
        out.add(day)
    return out
