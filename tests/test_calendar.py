"""Working days from config.toml [calendar]: Kazakhstan's holidays, the weekday a weekend
holiday moves to, the Government's moved days, across year ends; bad entries are one
line naming the key."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from models.calendar import CalendarError, WorkCalendar
from models.config import ConfigError, load_config

D = dt.date
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    """The calendar shipped in config.toml."""
    return load_config(ROOT / "config.toml").calendar


def test_weekend_holiday_gives_the_next_working_day_off(cal: WorkCalendar) -> None:
    # 2025: 8 March is a Saturday -> Monday 10 March off; Nauryz 21-23 (Fri-Sun) -> 24, 25.
    assert not cal.is_working_day(D(2025, 3, 10))
    assert [cal.is_working_day(D(2025, 3, d)) for d in range(20, 27)] == \
        [True, False, False, False, False, False, True]
    # Republic Day, Saturday 25 October 2025 -> Monday 27.
    assert not cal.is_working_day(D(2025, 10, 27)) and cal.is_working_day(D(2025, 10, 28))


def test_religious_holidays_are_not_moved(cal: WorkCalendar) -> None:
    # Kurban Ait 16 June 2024 was a Sunday: Monday 17 is a working day.
    assert not cal.is_working_day(D(2024, 6, 16)) and cal.is_working_day(D(2024, 6, 17))
    # Orthodox Christmas on Sunday 7 January 2024: Monday 8 January works.
    assert cal.is_working_day(D(2024, 1, 8))


def test_moved_days_of_a_year(cal: WorkCalendar) -> None:
    # 2024: the rest day moved from Saturday 4 May to Wednesday 8 May.
    assert cal.is_working_day(D(2024, 5, 4)) and not cal.is_working_day(D(2024, 5, 8))
    # 2025: Friday 3 January off, Sunday 5 January worked.
    assert not cal.is_working_day(D(2025, 1, 3)) and cal.is_working_day(D(2025, 1, 5))


def test_deadlines_across_the_year_end(cal: WorkCalendar) -> None:
    # Received Tuesday 30 December 2025: 31 Dec, then 1-2 Jan holidays, 3-4 weekend,
    # 5 and 6 Jan working, 7 Jan Christmas -> the 3rd working day is 8 January 2026.
    assert cal.add_working_days(D(2025, 12, 30), 3) == D(2026, 1, 6)
    assert cal.add_working_days(D(2025, 12, 31), 3) == D(2026, 1, 8)
    # Independence Day on a Saturday in 2029 gives Monday 17 December off.
    assert not cal.is_working_day(D(2029, 12, 17))
    assert cal.working_days_between(D(2025, 12, 30), D(2026, 1, 8)) == 4


def test_one_working_day_and_zero(cal: WorkCalendar) -> None:
    # A payment proved on Friday 6 June 2025 (Kurban Ait, a day off): the notice is due
    # one working day later, Monday 9 June.
    assert cal.add_working_days(D(2025, 6, 6), 1) == D(2025, 6, 9)
    assert cal.add_working_days(D(2025, 6, 7), 0) == D(2025, 6, 9)


def test_defaults_without_a_calendar_section() -> None:
    cal = WorkCalendar.from_config(None)
    assert not cal.is_working_day(D(2025, 12, 16))
    assert cal.is_working_day(D(2025, 1, 3))  # moved days are the config's to list


@pytest.mark.parametrize("section, message", [
    ({"holidays": "01-01"}, "calendar.holidays должен быть списком"),
    ({"holidays": ["13-01"]}, "не день года"),
    ({"holidays": ["1-1"]}, "не месяц и день"),
    ({"holidays": ["٠١-٠١"]}, "не месяц и день"),
    ({"2025": {"days_off": [D(2024, 5, 8)]}}, "не в 2025 году"),
    ({"2025": {"days_off": ["tomorrow"]}}, "не дата"),
    ({"2025": {"day_off": []}}, "неизвестный ключ calendar.2025.day_off"),
    ({"holiday": []}, "неизвестный ключ calendar.holiday"),
    ({"2025": {"days_off": [D(2025, 5, 3)], "working_days": [D(2025, 5, 3)]}},
     "одновременно выходной и рабочий день"),
])
def test_bad_entries_are_one_line(section: dict, message: str) -> None:
    with pytest.raises(CalendarError, match=message) as caught:
        WorkCalendar.from_config(section)
    kk = caught.value.message.kk  # the same line in Kazakh, naming the same key
    assert kk != caught.value.message.ru and "\n" not in kk
    assert not re.search(r"\b(?:is|not|must|unknown|both)\b", kk)


def test_config_error_names_the_key(tmp_path: Path) -> None:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace("days_off = [2026-05-27]", "days_off = [2026-13-27]")
    assert "2026-13-27" in text
    bad = tmp_path / "config.toml"
    bad.write_text(text.replace("[calendar.2026]", "[calendar.2026]"), encoding="utf-8")
    with pytest.raises(ConfigError):  # not even TOML: one line, no traceback
        load_config(bad)
    bad.write_text(text.replace("days_off = [2026-13-27]", 'days_off = ["2025-05-27"]'),
                   encoding="utf-8")
    with pytest.raises(ConfigError, match="calendar.2026.days_off"):
        load_config(bad)
