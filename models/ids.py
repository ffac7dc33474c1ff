"""Kazakhstan's identification numbers: IIN, BIN (12 digits, same check digit) and the
old RNN taxpayer number. Pure functions; no database.

Only ASCII digits make a number: a fullwidth, Arabic-Indic or superscript digit is not
one (`str.isdigit` would accept them, and `int` would then fail on some).

`iin_valid` / `rnn_valid` check the check digit only (the matching engine compares
numbers by it); `iin_problem`, `bin_problem` and `rnn_problem` say what is wrong with a
number a card is about to store: its length, its digits, its structure (an IIN's
century digit and birth date, a BIN's month, type and attribute) or its check digit.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import lru_cache

_W1 = tuple(range(1, 12))
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_ASCII_DIGITS = frozenset("0123456789")

# IIN digit 7: century of birth and sex (odd male, even female).
_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}
# BIN digit 5: 4 resident legal entity, 5 non-resident, 6 entrepreneur in joint activity;
# digit 6: 0 head office, 1 branch, 2 representative office, 3 peasant farm.
BIN_TYPES = "456"
BIN_ATTRIBUTES = "0123"


class IdProblem(StrEnum):
    """What is wrong with an identification number (validation words it for the user)."""

    LENGTH = "length"  # not 12 characters
    DIGITS = "digits"  # a character other than 0-9
    CENTURY = "century"  # IIN: 7th digit not 1-6
    BIRTH_DATE = "birth_date"  # IIN: YYMMDD with the century is no date, or in the future
    BIN_MONTH = "bin_month"  # BIN: month of registration not 01-12
    BIN_TYPE = "bin_type"  # BIN: 5th digit not 4, 5 or 6
    BIN_ATTRIBUTE = "bin_attribute"  # BIN: 6th digit not 0-3
    NEVER_ISSUED = "never_issued"  # no check digit exists for the first 11 digits
    CHECK_DIGIT = "check_digit"  # the 12th digit is not the check digit


def ascii_digits(text: str) -> bool:
    """Non-empty and made of 0-9 only."""
    return bool(text) and all(c in _ASCII_DIGITS for c in text)


def iin_check_digit(first11: str) -> int | None:
    """Check digit for the first 11 digits; None when the number is never issued."""
    digits = [int(c) for c in first11]
    c = sum(d * w for d, w in zip(digits, _W1, strict=True)) % 11
    if c == 10:
        c = sum(d * w for d, w in zip(digits, _W2, strict=True)) % 11
        if c == 10:
            return None
    return c


def _check_problem(number: str) -> IdProblem | None:
    c = iin_check_digit(number[:11])
    if c is None:
        return IdProblem.NEVER_ISSUED
    return None if c == int(number[11]) else IdProblem.CHECK_DIGIT


def _shape_problem(number: object) -> IdProblem | None:
    if not isinstance(number, str) or len(number) != 12:
        return IdProblem.LENGTH
    return None if ascii_digits(number) else IdProblem.DIGITS


def iin_valid(number: str) -> bool:
    """IIN or BIN: 12 ASCII digits whose last one is the check digit (structure not
    checked: see iin_problem / bin_problem)."""
    return isinstance(number, str) and _iin_valid(number)


@lru_cache(maxsize=16384)  # the matching asks it of every candidate's number
def _iin_valid(number: str) -> bool:
    return _shape_problem(number) is None and _check_problem(number) is None


def iin_problem(number: str, today: dt.date | None = None) -> IdProblem | None:
    """None for a well-formed IIN: 12 digits, 7th digit 1-6, a real birth date (not after
    `today`) and the check digit. Whether the date and sex agree with the card's is a
    separate, warning-level question (since 2013 they may legally differ)."""
    problem = _shape_problem(number)
    if problem is not None:
        return problem
    if number[6] not in _CENTURY:
        return IdProblem.CENTURY
    born = iin_birth_date(number)
    if born is None or born > (today or dt.date.today()):
        return IdProblem.BIRTH_DATE
    return _check_problem(number)


def bin_problem(number: str, today: dt.date | None = None) -> IdProblem | None:
    """None for a well-formed BIN: YYMM of registration, type digit 4-6, attribute digit
    0-3, serial, check digit. An entrepreneur's BIN is their IIN (5th digit 0-3: a day),
    so such a number is checked as an IIN."""
    problem = _shape_problem(number)
    if problem is not None:
        return problem
    if number[4] in "0123":  # a day of birth: an IIN
        return iin_problem(number, today)
    if number[4] not in BIN_TYPES:
        return IdProblem.BIN_TYPE
    if not 1 <= int(number[2:4]) <= 12:
        return IdProblem.BIN_MONTH
    if number[5] not in BIN_ATTRIBUTES:
        return IdProblem.BIN_ATTRIBUTE
    return _check_problem(number)


def rnn_check_digit(first11: str) -> int | None:
    """RNN: weights 1..10,1 over the first 11 digits, mod 11; on 10 shift the weights
    by one (2..10,1,2), and so on up to 10 rounds; never issued if all give 10."""
    digits = [int(c) for c in first11]
    for start in range(1, 11):
        weights = [((start - 1 + i) % 10) + 1 for i in range(11)]
        c = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if c != 10:
            return c
    return None


def rnn_problem(number: str) -> IdProblem | None:
    problem = _shape_problem(number)
    if problem is not None:
        return problem
    c = rnn_check_digit(number[:11])
    if c is None:
        return IdProblem.NEVER_ISSUED
    return None if c == int(number[11]) else IdProblem.CHECK_DIGIT


def rnn_valid(number: str) -> bool:
    return isinstance(number, str) and _rnn_valid(number)


@lru_cache(maxsize=16384)
def _rnn_valid(number: str) -> bool:
    return rnn_problem(number) is None


def iin_birth_date(iin: str) -> dt.date | None:
    """Birth date encoded in an IIN (YYMMDD + century digit), None if not decodable."""
    if not isinstance(iin, str) or len(iin) < 7 or not ascii_digits(iin[:7]):
        return None
    century = _CENTURY.get(iin[6])
    if century is None:
        return None
    try:
        return dt.date(century + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def iin_sex(iin: str) -> str | None:
    """'1' male, '2' female (the card's line 14.4 codes), from the IIN's 7th digit."""
    if not isinstance(iin, str) or len(iin) < 7 or iin[6] not in _CENTURY:
        return None
    return "1" if int(iin[6]) % 2 == 1 else "2"


def make_iin(birth: dt.date, sex: str, serial: int) -> str | None:
    """An IIN for a birth date, sex ('1'/'2') and 4-digit serial; None if never issued."""
    century = {18: 1, 19: 3, 20: 5}[birth.year // 100] + (0 if sex == "1" else 1)
    first11 = f"{birth:%y%m%d}{century}{serial % 10000:04d}"
    c = iin_check_digit(first11)
    return None if c is None else first11 + str(c)


def make_bin(registered: dt.date, kind: str, attr: str, serial: int) -> str | None:
    """A BIN: YYMM of registration, type digit, attribute digit, 5-digit serial."""
    first11 = f"{registered:%y%m}{kind}{attr}{serial % 100000:05d}"
    c = iin_check_digit(first11)
    return None if c is None else first11 + str(c)
