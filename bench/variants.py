"""The ways an operator keys a person who is already in the register differently.

Written independently of models.matching.normalize (own transliteration tables, as
passports and the 2021 alphabet spell names) so the bench tests the engine, not
itself. Each variation takes the stored person and returns the probe, or None when
it does not apply to that person (no Kazakh letter to mistype, day > 12, ...).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

KK_LETTERS = "әғқңөұүһі"
KK_TO_RU = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")
RU_TO_KK = {"а": "ә", "г": "ғ", "к": "қ", "н": "ң", "о": "ө", "у": "ұ", "и": "і"}

_PASSPORT = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
    "ё": "yo", "ж": "zh", "з": "z", "и": "i", "й": "y", "і": "i", "к": "k", "қ": "k",
    "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}
_LATIN_2021 = {
    **_PASSPORT, "ә": "ä", "ғ": "ğ", "ё": "io", "ж": "j", "й": "i", "і": "ı", "қ": "q",
    "ң": "ñ", "ө": "ö", "ұ": "ū", "ү": "ü", "х": "h", "ш": "ş", "щ": "şş", "ю": "iu",
    "я": "ia",
}
_VOWELS = set("аәеёиіоөуұүыэюя")
_HOMOGLYPHS = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y",
               "А": "A", "Е": "E", "О": "O", "Р": "P", "С": "C", "Х": "X", "Т": "T",
               "Н": "H", "М": "M", "К": "K", "В": "B"}
_ALPHABET = "абвгдежзийклмнопрстуфхцчшыэюя"


def _translit(text: str, table: dict[str, str], doubled_s: bool) -> str:
    out = []
    low = text.lower()
    for i, ch in enumerate(low):
        t = table.get(ch, ch)
        if doubled_s and ch == "с" and 0 < i < len(low) - 1 and low[i - 1] in _VOWELS \
                and low[i + 1] in _VOWELS:
            t = "ss"  # Kassymov
        if ch == "е" and i == 0 and table is _PASSPORT:
            t = "ye"  # Yerlan
        out.append(t)
    word = "".join(out)
    return word[:1].upper() + word[1:]


def passport(text: str) -> str:
    return _translit(text, _PASSPORT, doubled_s=True)


def latin2021(text: str) -> str:
    return _translit(text, _LATIN_2021, doubled_s=False)


def typo(word: str, rng: random.Random) -> str:
    """One edit: a letter replaced, dropped, doubled or two neighbours swapped."""
    if len(word) < 4:
        return word + rng.choice(_ALPHABET)
    i = rng.randrange(1, len(word) - 1)  # operators rarely miss the first letter
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + rng.choice(_ALPHABET.replace(word[i].lower(), "")) + word[i + 1:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]


def _date(d: dt.date | None, fn: Callable[[dt.date], dt.date | None]) -> dt.date | None:
    if d is None:
        return None
    try:
        out = fn(d)
    except ValueError:
        return None
    return out if out != d else None


def _digit_slip(d: dt.date, rng: random.Random) -> dt.date | None:
    text = d.strftime("%d%m%Y")
    for _ in range(20):
        i = rng.choice((0, 1, 2, 3, 6, 7))  # day, month, last two year digits
        new = text[:i] + str(rng.randrange(10)) + text[i + 1:]
        try:
            nd = dt.datetime.strptime(new, "%d%m%Y").date()
        except ValueError:
            continue
        if nd != d and 1930 <= nd.year <= 2010:
            return nd
    return None


Person = dict  # surname, given_name, patronymic, birth_date (date), iin, sex


def _with(p: Person, **kw: object) -> Person:
    return {**p, "iin": "", **kw}


def v_exact(p: Person, rng: random.Random) -> Person | None:
    return _with(p)


def v_kk_letters(p: Person, rng: random.Random) -> Person | None:
    """Kazakh letters typed as Russian ones (or, for a Russified record, the reverse)."""
    full = p["surname"] + p["given_name"] + p["patronymic"]
    if any(ch in KK_LETTERS for ch in full.lower()):
        return _with(p, **{k: p[k].translate(KK_TO_RU)
                           for k in ("surname", "given_name", "patronymic")})
    sur = p["surname"]
    spots = [i for i, ch in enumerate(sur) if ch in RU_TO_KK and i > 0]
    if not spots:
        return None
    i = rng.choice(spots)
    return _with(p, surname=sur[:i] + RU_TO_KK[sur[i]] + sur[i + 1:])


def v_latin(p: Person, rng: random.Random) -> Person | None:
    fn = passport if rng.random() < 0.6 else latin2021
    return _with(p, **{k: fn(p[k]) for k in ("surname", "given_name", "patronymic")})


def v_homoglyph(p: Person, rng: random.Random) -> Person | None:
    sur = p["surname"]
    spots = [i for i, ch in enumerate(sur) if ch in _HOMOGLYPHS]
    if not spots:
        return None
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
        sur = sur[:i] + _HOMOGLYPHS[sur[i]] + sur[i + 1:]
    return _with(p, surname=sur)


def v_case_space(p: Person, rng: random.Random) -> Person | None:
    return _with(p, surname="  " + p["surname"].upper() + " ",
                 given_name=p["given_name"].lower(), patronymic="-" + p["patronymic"])


def v_surname_typo(p: Person, rng: random.Random) -> Person | None:
    return _with(p, surname=typo(p["surname"], rng))


def v_name_typo(p: Person, rng: random.Random) -> Person | None:
    return _with(p, given_name=typo(p["given_name"], rng))


def v_patronymic_form(p: Person, rng: random.Random) -> Person | None:
    """ұлы / қызы written the Russian way and back."""
    pat = p["patronymic"]
    for kk, ru in (("ұлы", "ович"), ("қызы", "овна")):
        if pat.endswith(kk):
            return _with(p, patronymic=pat[: -len(kk)].translate(KK_TO_RU) + ru)
    for ru, kk in (("ович", "ұлы"), ("овна", "қызы")):
        if pat.endswith(ru):
            return _with(p, patronymic=pat[: -len(ru)] + kk)
    return None


def v_date_swapped(p: Person, rng: random.Random) -> Person | None:
    d = _date(p["birth_date"], lambda d: d.replace(month=d.day, day=d.month))
    return _with(p, birth_date=d) if d else None


def v_date_digit(p: Person, rng: random.Random) -> Person | None:
    d = _date(p["birth_date"], lambda d: _digit_slip(d, rng))
    return _with(p, birth_date=d) if d else None


def v_date_1day(p: Person, rng: random.Random) -> Person | None:
    d = _date(p["birth_date"], lambda d: d + dt.timedelta(days=rng.choice((-1, 1))))
    return _with(p, birth_date=d) if d else None


def v_date_1year(p: Person, rng: random.Random) -> Person | None:
    d = _date(p["birth_date"], lambda d: d.replace(year=d.year + rng.choice((-1, 1))))
    return _with(p, birth_date=d) if d else None


def v_names_swapped(p: Person, rng: random.Random) -> Person | None:
    return _with(p, surname=p["given_name"], given_name=p["surname"])


def v_iin_garbled(p: Person, rng: random.Random) -> Person | None:
    """The IIN is right; the name is another (married name, or keyed badly)."""
    if not p["iin"]:
        return None
    return {**p, "surname": typo(typo(p["surname"][::-1], rng), rng),
            "given_name": typo(p["given_name"], rng)}


VARIATIONS: dict[str, Callable[[Person, random.Random], Person | None]] = {
    "exact": v_exact, "kk_letters": v_kk_letters, "latin": v_latin, "homoglyph": v_homoglyph,
    "case_space": v_case_space, "surname_typo": v_surname_typo, "name_typo": v_name_typo,
    "patronymic_form": v_patronymic_form, "date_swapped": v_date_swapped,
    "date_digit": v_date_digit, "date_1day": v_date_1day, "date_1year": v_date_1year,
    "names_swapped": v_names_swapped, "iin_garbled": v_iin_garbled,
}
