"""The slips people make with names, dates and numbers: the bench's building blocks.

Written independently of models.matching.normalize (own transliteration tables, as
passports and the 2021 alphabet spell names; own letter and digit confusions) so the
bench tests the engine, not itself. Every function returns the slipped value, or None
when the slip does not apply (no Kazakh letter to drop, a day above 12 to swap, ...).
"""

from __future__ import annotations

import datetime as dt
import random

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
# Older / foreign-desk spellings: French and German habits seen on visas and old passports.
_OLD_LATIN = {**_PASSPORT, "ж": "j", "х": "h", "у": "ou", "ш": "ch", "ч": "tch", "й": "i",
              "ы": "i", "ю": "iou", "я": "ia"}
_VOWELS = set("аәеёиіоөуұүыэюя")
HOMOGLYPHS = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y",
              "А": "A", "Е": "E", "О": "O", "Р": "P", "С": "C", "Х": "X", "Т": "T",
              "Н": "H", "М": "M", "К": "K", "В": "B"}
ALPHABET = "абвгдежзийклмнопрстуфхцчшыэюя"
# Neighbours on the Russian (ЙЦУКЕН) keyboard: most typos hit the key next door.
_ROWS = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")
KEYBOARD = {ch: "".join(r[j] for j in (i - 1, i + 1) if 0 <= j < len(r))
            for r in _ROWS for i, ch in enumerate(r)}
# Print and scan confusions of a recognised (OCR) document, Cyrillic and digits.
OCR_LETTERS = {"и": "н", "н": "и", "п": "н", "л": "п", "ш": "щ", "щ": "ш", "е": "с",
               "с": "е", "о": "с", "в": "з", "б": "6", "З": "3", "О": "0", "ы": "ьі",
               "т": "г", "к": "х", "ц": "щ", "й": "и"}
OCR_DIGITS = {"1": "7", "7": "1", "3": "8", "8": "3", "5": "6", "6": "5", "0": "8",
              "9": "0", "4": "1", "2": "7"}


def cap(word: str) -> str:
    return word[:1].upper() + word[1:]


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
    return cap("".join(out))


def passport(text: str) -> str:
    return _translit(text, _PASSPORT, doubled_s=True)


def latin2021(text: str) -> str:
    return _translit(text, _LATIN_2021, doubled_s=False)


def old_latin(text: str) -> str:
    return _translit(text, _OLD_LATIN, doubled_s=True)


def any_latin(text: str, rng: random.Random) -> str:
    r = rng.random()
    return passport(text) if r < 0.6 else latin2021(text) if r < 0.9 else old_latin(text)


def typo(word: str, rng: random.Random, first: bool = False) -> str:
    """One edit: a neighbouring key, a letter dropped, doubled or two swapped; at the
    first letter when `first` (a slip operators make less often, but make)."""
    if len(word) < 3:
        return word + rng.choice(ALPHABET)
    i = 0 if first else rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4) if not first else rng.choice((0, 0, 1, 3))
    low = word[i].lower()
    if kind == 0:
        near = KEYBOARD.get(low) or ALPHABET.replace(low, "")
        new = rng.choice(near)
        return word[:i] + (new.upper() if word[i].isupper() else new) + word[i + 1:]
    if kind == 1:
        return cap(word[:i] + word[i + 1:]) if i == 0 else word[:i] + word[i + 1:]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    if i == 0:
        return cap(word[1].lower() + word[0].lower() + word[2:])
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]


def kk_dropped(word: str) -> str | None:
    """Kazakh letters left out, as on a keyboard that lacks them."""
    out = "".join(ch for ch in word if ch.lower() not in KK_LETTERS)
    return cap(out) if out != word and len(out) >= 2 else None


def russified(word: str) -> str:
    return word.translate(KK_TO_RU)


def kazakhified(word: str, rng: random.Random) -> str | None:
    """A Russified Kazakh name typed back with one Kazakh letter (К -> Қ, У -> Ұ ...)."""
    spots = [i for i, ch in enumerate(word) if ch in RU_TO_KK and i > 0]
    if not spots:
        return None
    i = rng.choice(spots)
    return word[:i] + RU_TO_KK[word[i]] + word[i + 1:]


def ocr(word: str, rng: random.Random) -> str | None:
    spots = [i for i, ch in enumerate(word) if ch in OCR_LETTERS]
    if not spots:
        return None
    i = rng.choice(spots)
    return word[:i] + OCR_LETTERS[word[i]] + word[i + 1:]


def homoglyphs(word: str, rng: random.Random) -> str | None:
    spots = [i for i, ch in enumerate(word) if ch in HOMOGLYPHS]
    if not spots:
        return None
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
        word = word[:i] + HOMOGLYPHS[word[i]] + word[i + 1:]
    return word


# -- given-name spellings -------------------------------------------------------------

_NAME_SPELLINGS = (("ья", "ия"), ("ия", "ья"), ("ье", "ие"), ("Э", "Е"), ("Е", "Э"),
                   ("ль", "л"), ("нн", "н"), ("лл", "л"), ("сс", "с"), ("й", ""),
                   ("ё", "е"), ("Ю", "Йу"), ("Я", "Йа"), ("ия", "и"), ("ь", ""))


def name_spelling(word: str, rng: random.Random) -> str | None:
    """Another accepted spelling of the same name: Наталья / Наталия, Асель / Асел,
    Эльмира / Ельмира, Алла / Ала, Юрий / Юри, Ерлан / Йерлан."""
    options = [(a, b) for a, b in _NAME_SPELLINGS if a in word]
    if word.startswith("Е"):
        options.append(("Е", "Йе"))
    if not options:
        return None
    a, b = rng.choice(options)
    i = word.rfind(a) if a.islower() else word.find(a)
    out = word[:i] + b + word[i + len(a):]
    return out if out != word and len(out) >= 2 else None


# -- patronymics and surnames -----------------------------------------------------------

_PAT_FORMS = {"ұлы": ("улы", "ули", " ұлы", "-улы", "ович", "уулы"),
              "қызы": ("кызы", "кизи", " қызы", "-кызы", "овна")}
_RU_ENDINGS = (("ович", ("ұлы", "улы")), ("евич", ("ұлы", "улы")), ("овна", ("қызы", "кызы")),
               ("евна", ("қызы", "кызы")), ("ич", ("ұлы",)), ("ична", ("қызы",)))


def patronymic_form(pat: str, rng: random.Random) -> str | None:
    """The same father in another patronymic form: -ұлы / -улы / -ули / "ұлы" as a
    word / -ович, -қызы / -кызы / -овна, and a Russian -ович written the Kazakh way."""
    for kk, forms in _PAT_FORMS.items():
        if pat.endswith(kk):
            form = rng.choice(forms)
            stem = pat[: -len(kk)]
            if form in ("ович", "овна"):
                stem = stem.translate(KK_TO_RU)
            return stem + form
    for ru, forms in _RU_ENDINGS:
        if pat.endswith(ru) and len(pat) > len(ru) + 2:
            stem = pat[: -len(ru)]
            if ru in ("евич", "евна") and stem[-1:] not in "йь":
                stem += "й"  # Сергеевич -> Сергейұлы
            return stem + rng.choice(forms)
    return None


_SURNAME_SUFFIXES = ("ова", "ева", "ов", "ев", "ёв", "ина", "ин")


def surname_reform(sur: str, rng: random.Random) -> str | None:
    """A Kazakh surname without its Russian ending, or with -ұлы / -қызы instead
    (Қасымов -> Қасым, Қасымұлы; Жұмабаева -> Жұмабай, Жұмабайқызы)."""
    if not any(ch in KK_LETTERS for ch in sur.lower()) and rng.random() < 0.5:
        return None  # the reform is a Kazakh habit
    for suffix in _SURNAME_SUFFIXES:
        if sur.endswith(suffix) and len(sur) > len(suffix) + 2:
            root = sur[: -len(suffix)]
            if suffix.startswith("е") and root[-1:] in "аеиоуыәөұүі":
                root += "й"  # Жұмабаев -> Жұмабай
            female = suffix.endswith("а")
            return rng.choice((root, root + ("қызы" if female else "ұлы")))
    return None


def other_gender_form(sur: str) -> str | None:
    """Иванова -> Иванов, Иванов -> Иванова (the form of the other sex keyed)."""
    for fem, masc in (("ова", "ов"), ("ева", "ев"), ("ина", "ин"), ("ская", "ский")):
        if sur.endswith(fem):
            return sur[: -len(fem)] + masc
    for masc, fem in (("ов", "ова"), ("ев", "ева"), ("ин", "ина"), ("ский", "ская")):
        if sur.endswith(masc):
            return sur[: -len(masc)] + fem
    return None


# -- dates ------------------------------------------------------------------------------

def plausible(d: dt.date) -> bool:
    return 1900 <= d.year <= 2015


def _from_digits(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%d%m%Y").date()
    except ValueError:
        return None


def digit_slip(d: dt.date, rng: random.Random, table: dict[str, str] | None = None
               ) -> dt.date | None:
    """One digit of DD.MM.YYYY keyed wrong (any digit, or an OCR look-alike)."""
    text = d.strftime("%d%m%Y")
    for _ in range(30):
        i = rng.choice((0, 1, 2, 3, 6, 7, 5))  # day, month, the year's last digits
        ch = table.get(text[i]) if table else str(rng.randrange(10))
        if ch is None:
            continue
        nd = _from_digits(text[:i] + ch + text[i + 1:])
        if nd is not None and nd != d and plausible(nd):
            return nd
    return None


def transposed(d: dt.date, rng: random.Random) -> dt.date | None:
    text = d.strftime("%d%m%Y")
    spots = [i for i in (0, 2, 4, 5, 6) if text[i] != text[i + 1]]
    rng.shuffle(spots)
    for i in spots:
        nd = _from_digits(text[:i] + text[i + 1] + text[i] + text[i + 2:])
        if nd is not None and plausible(nd):
            return nd
    return None


def swapped(d: dt.date) -> dt.date | None:
    try:
        out = d.replace(month=d.day, day=d.month)
    except ValueError:
        return None
    return out if out != d else None


def one_day(d: dt.date, rng: random.Random) -> dt.date:
    return d + dt.timedelta(days=rng.choice((-1, 1)))


def one_year(d: dt.date, rng: random.Random) -> dt.date | None:
    try:
        return d.replace(year=d.year + rng.choice((-1, 1)))
    except ValueError:
        return None


def century(d: dt.date) -> dt.date | None:
    """A two-digit year read in the wrong century (12.03.85 -> 2085, 05 -> 1905)."""
    try:
        return d.replace(year=d.year + (100 if d.year < 2000 else -100))
    except ValueError:
        return None


def any_date_slip(d: dt.date, rng: random.Random) -> dt.date | None:
    """One of the usual date slips, in the proportions they occur."""
    r = rng.random()
    if r < 0.35:
        return digit_slip(d, rng)
    if r < 0.5:
        return one_day(d, rng)
    if r < 0.7:
        return one_year(d, rng)
    if r < 0.85:
        return swapped(d) or digit_slip(d, rng)
    return transposed(d, rng) or digit_slip(d, rng)


# The Latin layout's keys under the Russian letters: a name typed with the layout unswitched.
_RU_KEYS = str.maketrans("йцукенгшщзхъфывапролджэячсмитьбюё", "qwertyuiop[]asdfghjkl;'zxcvbnm,.`")


def latin_layout(word: str) -> str | None:
    """The keys a Russian-keyboard word comes out as on the Latin layout (Кравченко ->
    Rhfdxtyrj); None for a word with Kazakh letters (typed on another layout)."""
    if any(ch in KK_LETTERS for ch in word.lower()):
        return None
    return "".join(ch.lower().translate(_RU_KEYS).upper() if ch.isupper()
                   else ch.translate(_RU_KEYS) for ch in word)


# -- IIN ----------------------------------------------------------------------------------

def iin_digit(iin: str, rng: random.Random) -> str:
    i = rng.randrange(12)
    return iin[:i] + rng.choice("0123456789".replace(iin[i], "")) + iin[i + 1:]


def iin_transposed(iin: str, rng: random.Random) -> str | None:
    spots = [i for i in range(11) if iin[i] != iin[i + 1]]
    if not spots:
        return None
    i = rng.choice(spots)
    return iin[:i] + iin[i + 1] + iin[i] + iin[i + 2:]
