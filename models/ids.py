"""Kazakhstan's identification numbers: IIN, BIN (12 digits, same check digit) and the
old RNN taxpayer number. Pure functions; no database."""

from __future__ import annotations

import datetime as dt

_W1 = tuple(range(1, 12))
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def iin_check_digit(first11: str) -> int | None:
    """Check digit for the first 11 digits; None when the number is never issued."""
    digits = [int(c) for c in first11]
    c = sum(d * w for d, w in zip(digits, _W1, strict=True)) % 11
    if c == 10:
        c = sum(d * w for d, w in zip(digits, _W2, strict=True)) % 11
        if c == 10:
            return None
    return c


def iin_valid(number: str) -> bool:
    """IIN or BIN: 12 digits whose last one is the check digit."""
    if len(number) != 12 or not number.isdigit():
        return False
    c = iin_check_digit(number[:11])
    return c is not None and c == int(number[11])


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


def rnn_valid(number: str) -> bool:
    if len(number) != 12 or not number.isdigit():
        return False
    c = rnn_check_digit(number[:11])
    return c is not None and c == int(number[11])


def iin_birth_date(iin: str) -> dt.date | None:
    """Birth date encoded in an IIN (YYMMDD + century digit), None if not decodable."""
    if len(iin) < 7 or not iin[:7].isdigit():
        return None
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}.get(iin[6])
    if century is None:
        return None
    try:
        return dt.date(century + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def iin_sex(iin: str) -> str | None:
    """'1' male, '2' female (the card's line 14.4 codes), from the IIN's 7th digit."""
    if len(iin) < 7 or iin[6] not in "123456":
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
