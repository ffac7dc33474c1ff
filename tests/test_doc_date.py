"""Dates as documents write them: read for searches and requests, never guessed."""

from __future__ import annotations

import datetime as dt

import pytest

from models.doc_date import month_of, read

DAY = dt.date(1988, 3, 12)


@pytest.mark.parametrize("text", [
    "12.03.1988 г.", "12.03.1988г.р.", "12 марта 1988 года", "12 МАРТА 1988г.",
    "12 мар. 1988", "1988 ж. 12 наурыз", "1988 жылғы 12 наурыз", "12 наурыз 1988 ж.т.",
    "12 наурызда 1988", "1988.03.12", "12 .03. 1988", "  12-3-1988  ", "12/03/1988 года рождения",
])
def test_a_day_as_protocols_and_letters_write_it(text: str) -> None:
    assert read(text) == (DAY, "day")


@pytest.mark.parametrize("text", ["1988 г.р.", "1988 года рождения", "1988 ж.т.", "1988 жылы туған",
                                  "1988"])
def test_a_year_alone_says_so(text: str) -> None:
    assert read(text) == (dt.date(1988, 1, 1), "year")


@pytest.mark.parametrize("text", [
    "31 февраля 1988",       # no such day
    "12 маршрут 1988",       # a word that only begins like a month
    "١٢.٠٣.١٩٨٨",            # digits other than ASCII
    "12.03.88",              # a two-digit year is the matching keys' business, not a document date
    "двенадцатое марта", "", "   ", "12 марта", "г.р.",
])
def test_anything_else_is_not_a_date(text: str) -> None:
    assert read(text) == (None, "")


def test_every_month_in_both_languages() -> None:
    ru = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря"]
    kk = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
          "қыркүйек", "қазан", "қараша", "желтоқсан"]
    typed_in_russian = ["кантар", "акпан", "наурыз", "сауир", "мамыр", "маусым", "шилде",
                        "тамыз", "кыркуйек", "казан", "караша", "желтоксан"]
    for number, words in enumerate(zip(ru, kk, typed_in_russian, strict=True), start=1):
        assert {month_of(w) for w in words} == {number}
