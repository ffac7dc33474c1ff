"""Normalisation of names for matching: every spelling of one name gets one key.

The key is a Latin "skeleton": Kazakh Cyrillic, Russian Cyrillic, the 2021 Kazakh
Latin alphabet and passport spellings of a name all reduce to the same lower-case
ASCII string (Қасымов, Касымов, Qasymov, Kassymov -> "kasimov"). The letter tables
follow the Kazakh alphabet's Russian fallbacks, 2021 Latin letters and passport
spellings; translit.csv next to this file lists spellings observed for the same
surname (tests hold the rules to it). The 2017 (apostrophes) and 2018 (acute accents)
Kazakh Latin alphabets, and Kazakh letters keyed as other alphabets' letters (a Latin ğ or
q inside a Cyrillic word, an old code page's Јлібек for Әлібек) read as the letters they
stand for. Keys are for finding candidates; the score compares them with edit
distances, so a rule only has to be consistent, not linguistic.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from models.text import KK_TO_RU

# Latin letters that look like Cyrillic ones (typed in the wrong layout or pasted),
# and back. Case matters: a Latin "H" looks like "Н", a Latin "h" like "һ".
_LAT_TO_CYR = {
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О",
    "P": "Р", "T": "Т", "X": "Х", "Y": "У", "I": "І", "Ə": "Ә",
    "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і",
    "k": "к", "h": "һ", "ə": "ә",
}
_CYR_TO_LAT = {v: k for k, v in _LAT_TO_CYR.items()}
# Letters of the Kazakh Latin alphabets (and their Turkic kin) typed for a Kazakh letter
# inside a Cyrillic word (Нұрğиса, Qуанышев): either script's, so they decide nothing.
_KK_LATIN = {"ə": "ә", "ä": "ә", "ö": "ө", "ü": "ү", "ğ": "ғ", "ñ": "ң", "ŋ": "ң",
             "ı": "і", "q": "қ", "ū": "ұ", "ş": "ш", "ç": "ч"}
_KK_LATIN.update({k.upper(): v.upper() for k, v in _KK_LATIN.items() if k != "ı"})
_LAT_TO_CYR_T = str.maketrans({**_KK_LATIN, **_LAT_TO_CYR})
_CYR_TO_LAT_T = str.maketrans(_CYR_TO_LAT)
# Kazakh letters as other alphabets' letters: a KZ-1048 text read as Windows-1251
# (Јлібек, Ўлан, Ќасым: the old code page's bytes are those letters there), the
# Bashkir and Tatar letters of old keyboard layouts, Greek theta and barred o for ө.
_KK_SUBSTITUTES = str.maketrans({
    "ј": "ә", "є": "ғ", "ќ": "қ", "ѕ": "ң", "ґ": "ө", "ў": "ұ", "ї": "ү", "ћ": "һ",
    "Ј": "Ә", "Є": "Ғ", "Ќ": "Қ", "Ѕ": "Ң", "Ґ": "Ө", "Ў": "Ұ", "Ї": "Ү", "Ћ": "Һ",
    "ҡ": "қ", "Ҡ": "Қ", "ӄ": "қ", "Ӄ": "Қ", "ӷ": "ғ", "Ӷ": "Ғ", "ӊ": "ң", "Ӊ": "Ң",
    "ҥ": "ң", "Ҥ": "Ң", "ӱ": "ү", "Ӱ": "Ү", "ӧ": "ө", "Ӧ": "Ө", "ӓ": "ә", "Ӓ": "Ә",
    "ɵ": "ө", "Ɵ": "Ө", "θ": "ө", "Θ": "Ө",
})

# Cyrillic (after Kazakh -> Russian folding) to the skeleton's Latin letters.
_CYR_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}
# Latin letters with marks that are whole sounds (Ş = Ш), not decoration.
_LATIN_SPECIAL = {
    "ş": "sh", "ç": "ch", "ä": "a", "ə": "a", "ö": "o", "ü": "u", "ū": "u", "ğ": "g",
    "ı": "i", "ñ": "n", "ß": "ss", "ý": "u",  # 2018's Ý is У
}
# The 2017 Kazakh Latin alphabet's apostrophes: S' = Ш, C' = Ч, Y' = У (Y alone is Ы);
# after any other letter (A' = Ә, G' = Ғ, O' = Ө ...) the apostrophe only marks it.
_APOSTROPHE_LETTERS = (("s'", "sh"), ("c'", "ch"), ("y'", "u"))
_APOSTROPHES = str.maketrans(dict.fromkeys("’ʼ`´‘ʻ′", "'"))
_LATIN_TABLE = str.maketrans({**_CYR_LATIN, **_LATIN_SPECIAL})

# Passport digraphs and letters reduced to one spelling (order matters: dzh before zh).
_DIGRAPHS = (
    ("dzh", "j"), ("zh", "j"), ("kh", "h"), ("gh", "g"), ("sch", "sh"), ("tch", "ch"),
    ("q", "k"), ("w", "v"), ("x", "ks"), ("y", "i"),
)
# A lone Latin c: Ц before e / i / y (Tsoy may be keyed Coj), К elsewhere (Viktor, Victor).
_C_SOFT = re.compile(r"c(?=[eiy])")
_C_HARD = re.compile(r"c(?!h)")
_VOWELS = "aeiou"
_IO = re.compile(r"(?<![aeiou])io")  # Ё spelt Yo / Io (Piotr, Juravliov) ~ Пётр, Журавлёв
_V_I_V = re.compile(r"(?<=[aeiou])i(?=[aeiou])")  # Zhumabayev ~ Жумабаев: the y is a glide
_SCHWA = re.compile(r"([aou])e")  # AE / OE / UE spell Ә / Ө / Ү in passports
_INITIAL_IE = re.compile(r"^ie")  # Yerlan ~ Ерлан
_DOUBLE = re.compile(r"([a-z])\1+")  # Kassymov ~ Касымов
_HYPHENS = re.compile(r"[\-\u2010-\u2015\u2212\u00ad]")
_NOT_LETTER = re.compile(r"[^a-z]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def _script(ch: str) -> str:
    if "\u0400" <= ch <= "\u04ff":
        return "cyr"
    if (ch.isascii() and ch.isalpha()) or "\u00c0" <= ch <= "\u024f":
        return "lat"
    return ""


def fix_homoglyphs(text: str, as_typed: bool = False) -> str:
    """Inside each word, letters of the other script that look the same are put back
    into the word's own script: "Aхметов" (Latin A) -> "Ахметов", "Kаsymov" -> "Kasymov".
    `as_typed`: a text of look-alikes only keeps the script it was typed in (a person's
    AYBEK is Latin); else it is read as Cyrillic (a firm's ТОО, with its old keys)."""

    def counts(word: str) -> tuple[int, int]:
        return (sum(1 for ch in word if _script(ch) == "cyr" and ch not in _CYR_TO_LAT),
                sum(1 for ch in word if _script(ch) == "lat" and ch not in _LAT_TO_CYR
                    and ch not in _KK_LATIN))

    # A word of look-alikes only (ТОО, B, Т.Ы.) takes the script of the text around it.
    total_cyr, total_lat = counts(text)
    if as_typed and total_cyr == total_lat == 0:
        total_cyr = sum(1 for ch in text if _script(ch) == "cyr")
        total_lat = sum(1 for ch in text if _script(ch) == "lat")
    latin_text = total_lat > total_cyr

    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        cyr, lat = counts(word)
        if cyr == lat == 0:
            if latin_text:
                return word.translate(_CYR_TO_LAT_T)
            cyr = 1
        if lat > cyr:
            return word.translate(_CYR_TO_LAT_T)
        return word.translate(_LAT_TO_CYR_T)

    return _WORD.sub(one, text)


def basic(text: str, as_typed: bool = False) -> str:
    """NFC, homoglyphs fixed (`as_typed`: see fix_homoglyphs), case folded, Kazakh
    letters folded to Russian (ё -> е), hyphens and runs of spaces made single spaces,
    trimmed."""
    text = unicodedata.normalize("NFC", text).translate(_KK_SUBSTITUTES)
    text = fix_homoglyphs(text, as_typed).casefold().translate(KK_TO_RU)
    text = _HYPHENS.sub(" ", text)
    return " ".join(text.split())


def latin(text: str) -> str:
    """`basic` text transliterated to plain Latin with passport digraphs unified
    (no vowel compression yet: suffixes are cut on this form)."""
    return _translit(basic(text, as_typed=True))


def _translit(folded: str) -> str:
    """`basic` text to plain Latin (see latin)."""
    if "'" in folded or not folded.isascii():
        folded = folded.translate(_APOSTROPHES)
        if "'" in folded and not _CYRILLIC.search(folded):
            for a, b in _APOSTROPHE_LETTERS:
                folded = folded.replace(a, b)
    out = folded.translate(_LATIN_TABLE)
    # Marks left over (İ, Ó, é, a combining dot from casefolding İ): drop them.
    out = "".join(ch for ch in unicodedata.normalize("NFD", out)
                  if not unicodedata.combining(ch))
    for a, b in _DIGRAPHS:
        out = out.replace(a, b)
    if not _CYRILLIC.search(folded):  # Latin spellings only: ыо, ио are letters as typed
        out = _IO.sub("e", out)
    return _C_HARD.sub("k", _C_SOFT.sub("ts", out.replace("ck", "k")))


def compress(lat: str, keep_digits: bool = False) -> str:
    """The spelling-independent skeleton of a `latin` string."""
    out = (_NOT_ALNUM if keep_digits else _NOT_LETTER).sub("", lat)
    out = _V_I_V.sub("", out)
    out = _SCHWA.sub(r"\1", out)
    out = _INITIAL_IE.sub("e", out)
    return _DOUBLE.sub(r"\1", out)


# Digits inside a person's name are letters misread (OCR, a scan, a pasted PDF):
# З/3, О/0, Б/6, Ч/4, В/8, І/1. Names never hold digits, so reading them back is safe.
_NAME_DIGITS = str.maketrans({"0": "о", "1": "і", "3": "з", "4": "ч", "6": "б", "8": "в"})


@lru_cache(maxsize=65536)  # names repeat: imports and searches meet the same ones again
def skeleton(text: str) -> str:
    """Key of a surname or given name: Қасымов, Касымов, Qasymov, Kassymov -> kasimov."""
    return compress(latin((text or "").translate(_NAME_DIGITS)))


def name_words(text: str) -> list[str]:
    """The words of a name field (hyphens and spaces separate them): the parts of a
    double surname, or surname / name / patronymic typed into one field."""
    return basic((text or "").translate(_NAME_DIGITS), as_typed=True).replace(".", ". ").split()


# Surname endings that change with sex or with the Kazakh surname reform, on the
# `latin` form: Иванов / Иванова, Ковальский / Ковальская, Қасымов / Қасым / Қасымұлы.
_SURNAME_ENDINGS = ("skaia", "skii", "ova", "eva", "ov", "ev", "ina", "in", "uli", "kizi",
                    "ogli")


def _root(word: str) -> str:
    """Skeleton of a surname word without the endings that vary within one family."""
    lat = _NOT_LETTER.sub("", latin(word))
    for ending in _SURNAME_ENDINGS:
        if lat.endswith(ending) and len(lat) - len(ending) >= 3:
            lat = lat[: -len(ending)]
            break
    if len(lat) >= 5 and lat[-1] == "i" and lat[-2] in _VOWELS:
        lat = lat[:-1]  # Жұмабай ~ Жұмабаев
    return compress(lat)


@lru_cache(maxsize=65536)
def surname_root(text: str) -> str:
    """The indexed key of a surname: its first word's skeleton without the endings
    that vary for one family (Иванов, Иванова -> ivan; Қасымов, Қасым, Қасымұлы ->
    kasim; Жұмабаев, Жұмабай -> jumaba)."""
    words = name_words(text)
    return _root(words[0]) if words else ""


@lru_cache(maxsize=65536)
def surname_roots(text: str) -> tuple[str, ...]:
    """Roots of every word of a surname field (a double surname has two)."""
    out: list[str] = []
    for word in name_words(text):
        root = _root(word)
        if len(root) >= 2 and root not in out:
            out.append(root)
    return tuple(out)


# Patronymic endings on the `latin` form, longest first: Kazakh "son / daughter of"
# (ұлы, қызы, and the Turkic оглы / кызы) and Russian -ович / -евич / -овна / -евна / -ична.
_PATRONYMIC_SUFFIXES = ("ovich", "evich", "ovna", "evna", "ichna", "inichna", "ich",
                        "uli", "kizi", "ogli", "ugli")
_PATRONYMIC_SUFFIXES = tuple(sorted(_PATRONYMIC_SUFFIXES, key=len, reverse=True))


@lru_cache(maxsize=65536)
def patronymic_stem(text: str) -> str:
    """The father's name inside a patronymic: Нұрланұлы, Нурланович, Nurlanovna,
    Nurlan qyzy -> "nurlan"; Сергеевич ~ Сергейұлы -> "serg" (final vowels dropped,
    so the father's name spelt with or without its й / е matches)."""
    lat = _NOT_LETTER.sub("", latin((text or "").translate(_NAME_DIGITS)))
    for suffix in _PATRONYMIC_SUFFIXES:
        if lat.endswith(suffix) and len(lat) - len(suffix) >= 2:
            lat = lat[: -len(suffix)]
            break
    stem = compress(lat)
    return stem.rstrip(_VOWELS) or stem


# Legal-form words (as `basic` text: Kazakh letters folded) and phrases (folded on use).
_LEGAL_PHRASES = (
    "товарищество с ограниченной ответственностью", "жауапкершілігі шектеулі серіктестігі",
    "жауапкершілігі шектеулі серіктестік", "акционерлік қоғамы",
    "общество с ограниченной ответственностью", "акционерное общество", "акционерлік қоғам",
    "индивидуальный предприниматель", "жеке кәсіпкер", "крестьянское хозяйство",
    "фермерское хозяйство", "шаруа қожалығы", "государственное учреждение",
    "мемлекеттік мекеме",
    "коммунальное государственное учреждение", "коммунальное государственное предприятие",
    "с ограниченной ответственностью", "ограниченной ответственностью", "шектеулі серіктестігі",
    "на праве хозяйственного ведения", "шаруашылық жүргізу құқығындағы", "на пхв",
    "республиканское государственное предприятие", "производственный кооператив",
    "limited liability partnership", "limited liability company", "joint stock company",
)
_LEGAL_WORDS = frozenset((
    "тоо", "жшс", "ао", "ак", "ип", "жк", "ооо", "оао", "зао", "пао", "тдо", "кх", "шк",
    "фх", "пк", "гу", "кгу", "ргп", "гкп", "кгп", "мкп", "рго", "чп", "оо", "рк",
    "llp", "llc", "jsc", "ltd", "inc", "co", "corp", "gmbh", "plc", "ojsc", "cjsc", "ip",
    "too", "ao", "мм", "кмм", "пхв", "шжқ", "товарищество", "серіктестігі", "серіктестік",
))
_QUOTES = re.compile(r"[\"'«»„“”‘’‚‹›`´]")
_PHRASES_LONGEST_FIRST = tuple(p.translate(KK_TO_RU)
                               for p in sorted(_LEGAL_PHRASES, key=len, reverse=True))


def legal_name_words(name: str) -> list[str]:
    """Significant words of a legal entity's name: quotes, legal-form words and
    phrases (ТОО, ЖШС, АО, ИП, LLP, «товарищество с ограниченной ...») removed."""
    return list(_legal_name_words(name or ""))


@lru_cache(maxsize=65536)  # a search scores up to 200 stored names: most seen before
def _legal_name_words(name: str) -> tuple[str, ...]:
    text = basic(_QUOTES.sub(" ", name))
    for phrase in _PHRASES_LONGEST_FIRST:
        text = text.replace(phrase, " ")
    words = [w for w in re.split(r"[^\w]+", text) if w]
    kept = [w for w in words if w not in _LEGAL_WORDS]
    return tuple(kept or words)  # a name that is only a form word keeps it


@lru_cache(maxsize=4096)
def legal_word_keys(name: str) -> tuple[str, ...]:
    """Keys of the significant words of a legal entity's name, in order."""
    keys = (compress(_translit(w), keep_digits=True) for w in legal_name_words(name))
    return tuple(k for k in keys if k)


def legal_name_key(name: str) -> str:
    """Key of a legal entity's name: ТОО «Береке-2005» ~ "Береке 2005" ЖШС -> bereke2005."""
    return "".join(legal_word_keys(name))
