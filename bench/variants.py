"""The ways an operator keys a person who is already in the register differently.

Each variation takes the stored person and returns the probe, or None when it does
not apply to that person (no Kazakh letter to drop, a day above 12 to swap, a man
for a married name, ...). The slips themselves are in bench/slips.py, written
independently of models.matching. Most records carry one slip; real ones often carry
two (the "+" kinds): a typo and a date slip in the same record.

Probes carry no IIN unless the kind is about the IIN: most documents name the person
without it, and with a valid IIN the search is trivial.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bench import names, slips
from bench.records import RECORDS

Person = dict  # surname, given_name, patronymic, birth_date (date), iin, sex
Variation = Callable[[Person, random.Random], "Person | None"]
NAME_PARTS = ("surname", "given_name", "patronymic")


def _with(p: Person, **kw: object) -> Person | None:
    if any(v is None for v in kw.values()):
        return None
    return {**p, "iin": "", **kw}


def _dated(p: Person, rng: random.Random, **kw: object) -> Person | None:
    """`kw` plus one date slip."""
    return _with(p, birth_date=slips.any_date_slip(p["birth_date"], rng), **kw)


def _all(p: Person, fn: Callable[[str], str]) -> dict[str, str]:
    return {k: fn(p[k]) for k in NAME_PARTS}


# -- one slip ----------------------------------------------------------------------------

def v_exact(p: Person, rng: random.Random) -> Person | None:
    return _with(p)


def v_kk_letters(p: Person, rng: random.Random) -> Person | None:
    """Kazakh letters typed as Russian ones (or, for a Russified record, the reverse)."""
    if any(ch in slips.KK_LETTERS for k in NAME_PARTS for ch in p[k].lower()):
        return _with(p, **_all(p, slips.russified))
    return _with(p, surname=slips.kazakhified(p["surname"], rng))


def v_kk_dropped(p: Person, rng: random.Random) -> Person | None:
    """Kazakh letters left out (a keyboard without them): Нұрлан -> Нрлан."""
    out = {k: slips.kk_dropped(p[k]) or p[k] for k in NAME_PARTS}
    return _with(p, **out) if out != {k: p[k] for k in NAME_PARTS} else None


def v_latin(p: Person, rng: random.Random) -> Person | None:
    return _with(p, **_all(p, lambda t: slips.any_latin(t, rng)))


def v_homoglyph(p: Person, rng: random.Random) -> Person | None:
    return _with(p, surname=slips.homoglyphs(p["surname"], rng))


def v_case_space(p: Person, rng: random.Random) -> Person | None:
    return _with(p, surname="  " + p["surname"].upper() + " ",
                 given_name=p["given_name"].lower(), patronymic="-" + p["patronymic"])


def v_surname_typo(p: Person, rng: random.Random) -> Person | None:
    return _with(p, surname=slips.typo(p["surname"], rng))


def v_name_typo(p: Person, rng: random.Random) -> Person | None:
    return _with(p, given_name=slips.typo(p["given_name"], rng))


def v_name_spelling(p: Person, rng: random.Random) -> Person | None:
    return _with(p, given_name=slips.name_spelling(p["given_name"], rng))


def v_patronymic_form(p: Person, rng: random.Random) -> Person | None:
    return _with(p, patronymic=slips.patronymic_form(p["patronymic"], rng))


def v_initials(p: Person, rng: random.Random) -> Person | None:
    """Protocols list "Касымов Н.С.": the given name and patronymic as initials."""
    pat = p["patronymic"]
    return _with(p, given_name=p["given_name"][:1] + ".",
                 patronymic=pat[:1] + "." if pat and rng.random() < 0.8 else "")


def v_surname_reform(p: Person, rng: random.Random) -> Person | None:
    return _with(p, surname=slips.surname_reform(p["surname"], rng))


def v_gender_form(p: Person, rng: random.Random) -> Person | None:
    return _with(p, surname=slips.other_gender_form(p["surname"]))


def v_double_surname(p: Person, rng: random.Random) -> Person | None:
    """Иванова ~ Иванова-Петрова: a second surname added, or one of two left out."""
    sur = p["surname"]
    if "-" in sur:
        return _with(p, surname=rng.choice(sur.split("-")))
    other = rng.choice(names.RU_SURNAMES + names.kk_surnames()[:60])
    if p["sex"] == "2":
        other = names.feminine(other)
    return _with(p, surname=f"{sur}-{other}" if rng.random() < 0.7 else f"{other}-{sur}")


def v_married_name(p: Person, rng: random.Random) -> Person | None:
    """A woman keyed under another surname (married or maiden); name, patronymic and
    birth date as registered."""
    if p["sex"] != "2":
        return None
    pool = names.kk_surnames() if rng.random() < 0.6 else names.RU_SURNAMES
    other = names.feminine(rng.choice(pool))
    return _with(p, surname=other) if other != p["surname"] else None


def v_names_swapped(p: Person, rng: random.Random) -> Person | None:
    return _with(p, surname=p["given_name"], given_name=p["surname"])


def v_one_field(p: Person, rng: random.Random) -> Person | None:
    """The whole name typed (or pasted) into the surname field."""
    full = " ".join(x for x in (p["surname"], p["given_name"], p["patronymic"]) if x)
    return _with(p, surname=full, given_name="", patronymic="")


def v_date_swapped(p: Person, rng: random.Random) -> Person | None:
    return _with(p, birth_date=slips.swapped(p["birth_date"]))


def v_date_digit(p: Person, rng: random.Random) -> Person | None:
    return _with(p, birth_date=slips.digit_slip(p["birth_date"], rng))


def v_date_transposed(p: Person, rng: random.Random) -> Person | None:
    return _with(p, birth_date=slips.transposed(p["birth_date"], rng))


def v_date_1day(p: Person, rng: random.Random) -> Person | None:
    return _with(p, birth_date=slips.one_day(p["birth_date"], rng))


def v_date_1year(p: Person, rng: random.Random) -> Person | None:
    return _with(p, birth_date=slips.one_year(p["birth_date"], rng))


def v_date_century(p: Person, rng: random.Random) -> Person | None:
    return _with(p, birth_date=slips.century(p["birth_date"]))


def v_date_jan1(p: Person, rng: random.Random) -> Person | None:
    """Only the birth year known: keyed as 01.01 of it."""
    d = p["birth_date"]
    return _with(p, birth_date=d.replace(month=1, day=1)) if (d.month, d.day) != (1, 1) \
        else None


def v_iin_digit(p: Person, rng: random.Random) -> Person | None:
    """A request naming the person and an IIN with one digit wrong; no birth date."""
    if not p["iin"]:
        return None
    return {**p, "iin": slips.iin_digit(p["iin"], rng), "birth_date": None}


def v_iin_transposed(p: Person, rng: random.Random) -> Person | None:
    if not p["iin"]:
        return None
    iin = slips.iin_transposed(p["iin"], rng)
    return {**p, "iin": iin, "birth_date": None} if iin else None


def v_iin_garbled(p: Person, rng: random.Random) -> Person | None:
    """The IIN is right; the name is another (married name, or keyed badly)."""
    if not p["iin"]:
        return None
    return {**p, "surname": slips.typo(slips.typo(p["surname"][::-1], rng), rng),
            "given_name": slips.typo(p["given_name"], rng)}


# -- two slips in one record ------------------------------------------------------------

def v_surname_typo_year(p: Person, rng: random.Random) -> Person | None:
    return _with(p, surname=slips.typo(p["surname"], rng),
                 birth_date=slips.one_year(p["birth_date"], rng))


def v_first_letter_date(p: Person, rng: random.Random) -> Person | None:
    return _with(p, surname=slips.typo(p["surname"], rng, first=True),
                 birth_date=slips.digit_slip(p["birth_date"], rng))


def v_latin_date(p: Person, rng: random.Random) -> Person | None:
    return _dated(p, rng, **_all(p, lambda t: slips.any_latin(t, rng)))


def v_no_patronymic_date(p: Person, rng: random.Random) -> Person | None:
    return _dated(p, rng, patronymic="")


def v_name_typo_date(p: Person, rng: random.Random) -> Person | None:
    return _dated(p, rng, given_name=slips.typo(p["given_name"], rng))


def v_swapped_date(p: Person, rng: random.Random) -> Person | None:
    return _dated(p, rng, surname=p["given_name"], given_name=p["surname"])


def v_two_typos(p: Person, rng: random.Random) -> Person | None:
    return _with(p, surname=slips.typo(p["surname"], rng),
                 given_name=slips.typo(p["given_name"], rng))


def v_ocr(p: Person, rng: random.Random) -> Person | None:
    """A scanned document read by OCR: a letter and a date digit confused."""
    part = "surname" if rng.random() < 0.7 else "given_name"
    read = slips.ocr(p[part], rng)
    if read is None:
        return None
    born = slips.digit_slip(p["birth_date"], rng, slips.OCR_DIGITS)
    return _with(p, **{part: read}, birth_date=born or p["birth_date"])


# -- further kinds: what keyed cards and requests also carry ---------------------------------

def v_layout_date(p: Person, rng: random.Random) -> Person | None:
    """The Latin layout left on: the surname (or every name) typed as its keys
    (Rhfdxtyrj), and a date slip."""
    parts = ("surname",) if rng.random() < 0.5 else NAME_PARTS
    return _dated(p, rng, **{k: slips.latin_layout(p[k]) if p[k] else "" for k in parts})


def v_name_patronymic(p: Person, rng: random.Random) -> Person | None:
    """Given name and patronymic keyed into each other's fields."""
    if not p["patronymic"]:
        return None
    return _with(p, given_name=p["patronymic"], patronymic=p["given_name"])


def v_year_only_typo(p: Person, rng: random.Random) -> Person | None:
    """Only the birth year known (01.01) and a typo in the surname."""
    d = p["birth_date"]
    if (d.month, d.day) == (1, 1):
        return None
    return _with(p, surname=slips.typo(p["surname"], rng), birth_date=d.replace(month=1, day=1))


def v_married_date(p: Person, rng: random.Random) -> Person | None:
    """A woman under another surname, and a date slip. Only women with a patronymic:
    without it a given name and a date one slip away are all that is left, and dozens
    of women in a million share them (nothing tells her from them, nor should a search
    pretend to)."""
    q = v_married_name(p, rng) if p["patronymic"] else None
    return _dated(q, rng) if q else None


VARIATIONS: dict[str, Variation] = {
    "exact": v_exact, "kk_letters": v_kk_letters, "kk_dropped": v_kk_dropped,
    "latin": v_latin, "homoglyph": v_homoglyph, "case_space": v_case_space,
    "surname_typo": v_surname_typo, "name_typo": v_name_typo,
    "name_spelling": v_name_spelling, "patronymic_form": v_patronymic_form,
    "initials": v_initials, "surname_reform": v_surname_reform,
    "gender_form": v_gender_form, "double_surname": v_double_surname,
    "married_name": v_married_name, "names_swapped": v_names_swapped,
    "one_field": v_one_field, "date_swapped": v_date_swapped, "date_digit": v_date_digit,
    "date_transposed": v_date_transposed, "date_1day": v_date_1day,
    "date_1year": v_date_1year, "date_century": v_date_century, "date_jan1": v_date_jan1,
    "iin_digit": v_iin_digit, "iin_transposed": v_iin_transposed,
    "iin_garbled": v_iin_garbled,
    "surname_typo+year": v_surname_typo_year, "first_letter+date": v_first_letter_date,
    "latin+date": v_latin_date, "no_patronymic+date": v_no_patronymic_date,
    "name_typo+date": v_name_typo_date, "swapped+date": v_swapped_date,
    "two_typos": v_two_typos, "ocr+date": v_ocr,
    "layout+date": v_layout_date, "name_patronymic_swapped": v_name_patronymic,
    "year_only+typo": v_year_only_typo, "married+date": v_married_date,
    **RECORDS,  # how documents and operators write names, dates and numbers
}
