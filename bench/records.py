"""How protocols, requests and keyed cards write a registered person: the bench's kinds
of record beyond single slips (bench/variants.py adds them to its VARIATIONS).

Names: Kazakh letters keyed as other alphabets' look-alikes or through an old code page
(KZ-1048 read as Windows-1251), the 2017 (apostrophes) and 2018 (acute accents) Kazakh
Latin alphabets, passports' capitals, "Н.С. Касымов" and "Нурлан Серикович Касымов"
in one field, a title before the surname ("гр.", "азамат"), a maiden or married name
in brackets, a surname broken by a space or hyphen, "Серік ұлы" as two words.
Dates as text the way documents write them: other separators, year first, two-digit
years, "г.р.", Roman months, letters for digits, a spreadsheet's time or day number,
the place of birth after the date, the month written first (a month above 12), day or
month unknown (00.00.1990). The IIN read with letters for digits, without the first 0
a spreadsheet dropped, or with a birth date it contradicts. Names copied from a sentence in its grammatical case.

Written independently of models.matching (own letter tables; Python's kz1048 codec).
"""

from __future__ import annotations

import datetime as dt
import random

from bench import slips

Person = dict
NAME_PARTS = ("surname", "given_name", "patronymic")


def _with(p: Person, **kw: object) -> Person | None:
    if any(v is None for v in kw.values()):
        return None
    return {**p, "iin": "", **kw}


def _kk(p: Person) -> bool:
    return any(ch in slips.KK_LETTERS for k in NAME_PARTS for ch in p[k].lower())


# -- letters --------------------------------------------------------------------------

# What an operator types for a Kazakh letter the keyboard lacks: the Russian letter
# that looks like it, the Kazakh Latin alphabets' letter, a Turkic or Bashkir one.
_LOOKALIKES = {"ә": "əäа", "ө": "ɵöо", "ү": "üуy", "ұ": "уu", "қ": "qкҡ", "ғ": "ğг",
               "ң": "ñнŋ", "һ": "hх", "і": "iиı"}


def lookalikes(word: str, rng: random.Random) -> str:
    out = []
    for ch in word:
        alts = _LOOKALIKES.get(ch.lower())
        if alts is None:
            out.append(ch)
            continue
        alt = rng.choice(alts)
        out.append(alt.upper() if ch.isupper() and alt.upper() != alt else alt)
    return "".join(out)


def codepage(word: str) -> str | None:
    """Text saved in KZ-1048 and read as Windows-1251 (Әлібек -> Јлібек)."""
    try:
        return word.encode("kz1048").decode("cp1251")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "io", "ж": "j",
    "з": "z", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "ұ": "u", "ф": "f", "х": "h", "һ": "h", "ц": "ts",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "і": "i",
}
# The 2017 alphabet: a letter and an apostrophe for the Kazakh and hushing sounds.
LATIN_2017 = {**_COMMON, "ә": "a'", "ғ": "g'", "и": "i'", "й": "i'", "ң": "n'", "ө": "o'",
              "у": "y'", "ү": "u'", "ч": "c'", "ш": "s'", "щ": "s's'", "ю": "i'y'",
              "я": "i'a"}
# The 2018 alphabet: acute accents, Ý for У, Í for И and Й, digraphs Sh and Ch.
LATIN_2018 = {**_COMMON, "ә": "á", "ғ": "ǵ", "и": "ı", "й": "ı", "ң": "ń", "ө": "ó",
              "у": "ý", "ү": "ú", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "ıý", "я": "ıa"}


def latin_by(word: str, table: dict[str, str]) -> str:
    out = "".join(table.get(ch, ch) for ch in word.lower())
    return out[:1].upper() + out[1:]


def v_kk_lookalike(p: Person, rng: random.Random) -> Person | None:
    if not _kk(p):
        return None
    return _with(p, **{k: lookalikes(p[k], rng) for k in NAME_PARTS})


def v_kk_codepage(p: Person, rng: random.Random) -> Person | None:
    if not _kk(p):
        return None
    return _with(p, **{k: codepage(p[k]) for k in NAME_PARTS})


def v_latin_2017(p: Person, rng: random.Random) -> Person | None:
    caps = rng.random() < 0.4
    return _with(p, **{k: (latin_by(p[k], LATIN_2017).upper() if caps
                           else latin_by(p[k], LATIN_2017)) for k in NAME_PARTS})


def v_latin_2018(p: Person, rng: random.Random) -> Person | None:
    return _with(p, **{k: latin_by(p[k], LATIN_2018) for k in NAME_PARTS})


def v_passport_caps(p: Person, rng: random.Random) -> Person | None:
    """A passport's machine-readable spelling, in capitals (ZHUMABAYEV YERLAN)."""
    return _with(p, **{k: slips.passport(p[k]).upper() for k in NAME_PARTS})


# -- the name's words ---------------------------------------------------------------------

def _initials(p: Person, spaced: bool) -> str:
    out = [p["given_name"][:1] + "."]
    if p["patronymic"]:
        out.append(p["patronymic"][:1] + ".")
    return (" " if spaced else "").join(out)


def v_initials_before(p: Person, rng: random.Random) -> Person | None:
    """"Н.С. Касымов" (or "Н. С. Касымов") in the surname field, as letters sign."""
    return _with(p, surname=f"{_initials(p, rng.random() < 0.4)} {p['surname']}",
                 given_name="", patronymic="")


def v_name_first(p: Person, rng: random.Random) -> Person | None:
    """"Нурлан Серикович Касымов" in one field: name, patronymic, surname."""
    if not p["patronymic"]:
        return None
    return _with(p, surname=f"{p['given_name']} {p['patronymic']} {p['surname']}",
                 given_name="", patronymic="")


_TITLES = ("гр.", "гр-н", "гр-ка", "гражданин", "гражданка", "азамат", "азаматша", "г-н",
           "Гр.")


def v_title_word(p: Person, rng: random.Random) -> Person | None:
    """A protocol's "гр. Касымов" / "азамат Қасымов" copied with the surname."""
    return _with(p, surname=f"{rng.choice(_TITLES)} {p['surname']}")


_BRACKETS = ("{s} ({o})", "{o} ({s})", "{s} (урожд. {o})", "{o} (до брака {s})",
             "{s} (бұрынғы {o})", "{o} / {s}")


def v_maiden_brackets(p: Person, rng: random.Random) -> Person | None:
    """A woman's surname with the other one (maiden or married) in brackets."""
    if p["sex"] != "2":
        return None
    other = rng.choice(("Петрова", "Ахметова", "Сейітқалиева", "Ким", "Омарова", "Смирнова"))
    if other == p["surname"]:
        return None
    return _with(p, surname=rng.choice(_BRACKETS).format(s=p["surname"], o=other))


def v_surname_broken(p: Person, rng: random.Random) -> Person | None:
    """A surname broken by a space or a hyphen (a line break in a scan, a keyed
    slip), or with spaces around its hyphen."""
    sur = p["surname"]
    if "-" in sur:
        return _with(p, surname=sur.replace("-", rng.choice((" - ", " -", "- ", " "))))
    if len(sur) < 6:
        return None
    i = rng.randrange(3, len(sur) - 2)
    return _with(p, surname=sur[:i] + rng.choice((" ", "-", "  ")) + sur[i:].lower())


def v_patronymic_words(p: Person, rng: random.Random) -> Person | None:
    """"Серік ұлы" / "Серик-улы" for Серікұлы, or the other way round."""
    pat = p["patronymic"]
    for end in ("ұлы", "қызы", "улы", "кызы"):
        if pat.endswith(end) and len(pat) > len(end) + 2:
            return _with(p, patronymic=pat[: -len(end)] + rng.choice((" ", "-")) + end)
    return None


# -- a name copied from a sentence, in its case ------------------------------------------

_DECLINE_M = {"gen": (("ов", "ова"), ("ев", "ева"), ("ин", "ина"), ("ий", "ия"), ("й", "я"),
                      ("ь", "я"), ("", "а")),
              "dat": (("ов", "ову"), ("ев", "еву"), ("ин", "ину"), ("ий", "ию"), ("й", "ю"),
                      ("ь", "ю"), ("", "у")),
              "ins": (("ов", "овым"), ("ев", "евым"), ("ин", "иным"), ("ий", "ием"),
                      ("й", "ем"), ("ь", "ем"), ("", "ом"))}
_DECLINE_F = {"gen": (("ова", "овой"), ("ева", "евой"), ("ина", "иной"), ("ия", "ии"),
                      ("ья", "ьи"), ("га", "ги"), ("ка", "ки"), ("а", "ы"), ("я", "и")),
              "dat": (("ова", "овой"), ("ева", "евой"), ("ина", "иной"), ("ия", "ии"),
                      ("а", "е"), ("я", "е")),
              "ins": (("ова", "овой"), ("ева", "евой"), ("ина", "иной"), ("ия", "ией"),
                      ("а", "ой"), ("я", "ей"))}
_PATRONYMIC_CASE = {"gen": ("а", "ы"), "dat": ("у", "е"), "ins": ("ем", "ой")}


def _decline(word: str, table: tuple[tuple[str, str], ...]) -> str:
    for end, new in table:
        if word.endswith(end):
            if end == "" and word[-1:] in "аеёиоуыэюяьй":
                return word  # a word this table does not decline
            return word[: len(word) - len(end)] + new
    return word


def v_declined(p: Person, rng: random.Random) -> Person | None:
    """The names copied from a decision's or a letter's sentence in its case ("признать
    Касымова Нурлана Сериковича", "направить Ивановой Анне Петровне"). Russian-form
    patronymics only (-вич, -ич, -вна, -чна: a Kazakh -ұлы does not decline)."""
    pat = p["patronymic"]
    female = p["sex"] == "2"
    if not (pat.endswith(("вна", "чна")) if female else pat.endswith("ич")):
        return None
    case = rng.choice(("gen", "dat", "ins"))
    table = (_DECLINE_F if female else _DECLINE_M)[case]
    sur = "-".join(_decline(w, table[:3] if female else table) for w in p["surname"].split("-"))
    pat_end = _PATRONYMIC_CASE[case][female]
    return _with(p, surname=sur, given_name=_decline(p["given_name"], table),
                 patronymic=(pat[:-1] + pat_end) if female else pat + pat_end)


# -- dates as text ------------------------------------------------------------------------

_WRITTEN = ("{d:02d}.{m:02d}.{y}", "{d:02d}/{m:02d}/{y}", "{d:02d}-{m:02d}-{y}",
            "{d} {m} {y}", "{d:02d}{m:02d}{y}", "{y}.{m:02d}.{d:02d}", "{y}/{m:02d}/{d:02d}",
            "{d:02d}.{m:02d}.{y} г.", "{d:02d}.{m:02d}.{y}г.р.", "{d:02d} . {m:02d} . {y}",
            "{d}.{m}.{y}", "{d:02d},{m:02d},{y}", "{d:02d}.{m:02d}.{y} ж.т.")
_MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря")


def v_date_written(p: Person, rng: random.Random) -> Person | None:
    d = p["birth_date"]
    if rng.random() < 0.15:
        return _with(p, birth_date=f"{d.day} {_MONTHS_RU[d.month - 1]} {d.year} г.")
    form = rng.choice(_WRITTEN)
    return _with(p, birth_date=form.format(d=d.day, m=d.month, y=d.year))


def v_date_two_digit(p: Person, rng: random.Random) -> Person | None:
    """A two-digit year (15.06.90, 150690)."""
    d = p["birth_date"]
    form = rng.choice(("{d:02d}.{m:02d}.{y:02d}", "{d:02d}{m:02d}{y:02d}", "{d}/{m}/{y:02d}"))
    return _with(p, birth_date=form.format(d=d.day, m=d.month, y=d.year % 100))


def v_date_month_first(p: Person, rng: random.Random) -> Person | None:
    """Day and month exchanged where the day is above 12: 06.15.1990 (the month
    written first), 1990-15-06 (the day keyed in ISO's month place)."""
    d = p["birth_date"]
    if d.day <= 12:
        return None
    form = rng.choice(("{m:02d}.{d:02d}.{y}", "{y}-{d:02d}-{m:02d}", "{m:02d}/{d:02d}/{y}"))
    return _with(p, birth_date=form.format(d=d.day, m=d.month, y=d.year))


def v_date_unknown_day(p: Person, rng: random.Random) -> Person | None:
    """Only the year known, written the way registers and documents do it."""
    y = p["birth_date"].year
    m = p["birth_date"].month
    form = rng.choice(("00.00.{y}", "00.{m:02d}.{y}", "xx.xx.{y}", "{y} г.р.", "{y}",
                       "__.__.{y}", "{y} ж.т."))
    return _with(p, birth_date=form.format(y=y, m=m))


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def v_date_roman(p: Person, rng: random.Random) -> Person | None:
    """A Roman month, as Soviet-era forms and some protocols write it (15.VI.1990)."""
    d = p["birth_date"]
    sep = rng.choice((".", " ", "-"))
    return _with(p, birth_date=f"{d.day:02d}{sep}{_ROMAN[d.month - 1]}{sep}{d.year}")


# What a scanned or hurried hand's digits come out as: letters that look like them.
_DIGIT_LETTERS = {"0": "ОOо", "1": "lI", "3": "З"}


def _letters_for_digits(text: str, rng: random.Random) -> str | None:
    spots = [i for i, ch in enumerate(text) if ch in _DIGIT_LETTERS]
    if not spots:
        return None
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
        text = text[:i] + rng.choice(_DIGIT_LETTERS[text[i]]) + text[i + 1:]
    return text


def v_date_letters(p: Person, rng: random.Random) -> Person | None:
    d = p["birth_date"]
    return _with(p, birth_date=_letters_for_digits(f"{d.day:02d}.{d.month:02d}.{d.year}", rng))


def v_iin_letters(p: Person, rng: random.Random) -> Person | None:
    """A request's IIN read from a scan with letters for digits; no birth date."""
    if not p["iin"]:
        return None
    iin = _letters_for_digits(p["iin"], rng)
    return {**p, "iin": iin, "birth_date": None} if iin else None


_PLACES = ("г. Алматы", "г. Семей", "Алматы қ.", "с. Қарабұлақ", "Түркістан облысы",
           "г. Караганда")


def v_date_export(p: Person, rng: random.Random) -> Person | None:
    """A batch file saved from a spreadsheet or a database: the date with a time, or the
    spreadsheet's day number (days since 30.12.1899)."""
    d = p["birth_date"]
    r = rng.random()
    if r < 0.4:
        return _with(p, birth_date=str((d - dt.date(1899, 12, 30)).days))
    if r < 0.7:
        return _with(p, birth_date=f"{d.isoformat()} 00:00:00")
    return _with(p, birth_date=f"{d.day:02d}.{d.month:02d}.{d.year} 0:00")


def v_date_with_place(p: Person, rng: random.Random) -> Person | None:
    """The "date and place of birth" line pasted whole."""
    d = p["birth_date"]
    form = rng.choice(("{d:02d}.{m:02d}.{y}, {p}", "{d:02d}.{m:02d}.{y} г.р., уроженец {p}",
                       "{p}, {d:02d}.{m:02d}.{y}", "{y}-{m:02d}-{d:02d} {p}"))
    return _with(p, birth_date=form.format(d=d.day, m=d.month, y=d.year, p=rng.choice(_PLACES)))


def v_iin_lost_zero(p: Person, rng: random.Random) -> Person | None:
    """The IIN of someone born in 2000-2009 through a spreadsheet: its first 0 gone."""
    if not p["iin"].startswith("0"):
        return None
    return {**p, "iin": p["iin"][1:], "birth_date": None}


# -- the IIN against the birth date -----------------------------------------------------------

def _other_year(d: dt.date, rng: random.Random) -> dt.date:
    years = rng.choice((-9, -7, -5, -3, 3, 5, 7, 9))
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def v_iin_date_conflict(p: Person, rng: random.Random) -> Person | None:
    """A request with the person's IIN and a birth date years off (another line of the
    document copied, a year misread): the IIN's six digits hold the right one."""
    if not p["iin"]:
        return None
    return {**p, "birth_date": _other_year(p["birth_date"], rng)}


def v_iin_slip_date_conflict(p: Person, rng: random.Random) -> Person | None:
    """The same, and the IIN with a digit keyed wrong."""
    if not p["iin"]:
        return None
    return {**p, "iin": slips.iin_digit(p["iin"], rng),
            "birth_date": _other_year(p["birth_date"], rng)}


RECORDS = {
    "kk_lookalike": v_kk_lookalike, "kk_codepage": v_kk_codepage,
    "latin_2017": v_latin_2017, "latin_2018": v_latin_2018,
    "passport_caps": v_passport_caps, "initials_before": v_initials_before,
    "name_first": v_name_first, "title_word": v_title_word,
    "maiden_brackets": v_maiden_brackets, "surname_broken": v_surname_broken,
    "patronymic_words": v_patronymic_words, "declined": v_declined,
    "date_written": v_date_written,
    "date_two_digit": v_date_two_digit, "date_month_first": v_date_month_first,
    "date_unknown_day": v_date_unknown_day, "date_roman": v_date_roman,
    "date_letters": v_date_letters, "date_export": v_date_export,
    "date_with_place": v_date_with_place, "iin_letters": v_iin_letters,
    "iin_lost_zero": v_iin_lost_zero,
    "iin_date_conflict": v_iin_date_conflict,
    "iin_slip+date_conflict": v_iin_slip_date_conflict,
}
