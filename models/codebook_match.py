"""How a directory's filter matches what an operator types against a codebook entry.

Operators type what is on the paper or what they call a body: a code's beginning,
words of the name in any order or only their beginnings ("адм прав"), a common name
or abbreviation kept as the entry's keywords (`codebooks/keywords.csv`: "пожар",
"МВД", "кеден"), Kazakh letters typed as their Russian look-alikes ("онтустик"), ё as
е, Latin look-alikes inside a Cyrillic word ("iшкi"), and whole words typed with the
Latin keyboard layout left on ("gjkbwbz" is "полиция"): `relayout` reads them on the
Russian ЙЦУКЕН layout when the text as typed finds nothing.

An entry is ranked by the best way it matches (`Tier`), and within a tier the
directory's own order is kept.
"""

from __future__ import annotations

import re
from enum import IntEnum

from models.text import fold

_NON_WORD = re.compile(r"[\W_]+")
NAMES_SEP = " | "  # a search key: "code kk ru | keyword; keyword" (codebooks/reading.py)
KEYWORDS_AT = " | ;"  # ... as a scan reads it: "code kk ru | ; keyword ; keyword ;"


class Tier(IntEnum):
    """How an entry matches a query, best first: its code, its name's start, a keyword,
    the beginnings of its words; a name or keyword whose words are the words typed,
    whole, before those that only begin with them ("әкім": the akimat's keyword "әкім"
    before the authority whose Kazakh name starts with "әкімшілік")."""

    CODE = 0  # its code starts with the text typed
    PART = 1  # its code's part after a "/" does ("02", "2": part 02 of the article chosen)
    NAME = 2  # its Kazakh or Russian name starts with the words typed, whole
    KEYWORD = 3  # one of its keywords is the words typed
    NAME_START = 4  # its Kazakh or Russian name starts with the first word typed
    KEYWORD_START = 5  # one of its keywords starts with the words typed, in their order
    KEYWORD_WORDS = 6  # every word begins a word of its names or keywords, one a keyword's
    WORDS = 7  # every word begins a word of its names
    PARENT_WORDS = 8  # ... of its names or its parents' (a district under its region)
    INSIDE = 9  # every word is inside its names or keywords
    PARENT_INSIDE = 10  # ... or its parents'


def words_of(text: str) -> str:
    """Folded words separated by single spaces: punctuation is a space ("г.Семей",
    "(полиция)", "масс-медиа")."""
    return _NON_WORD.sub(" ", fold(text)).strip()


# Punctuation of the codebooks' texts (names, keywords): each becomes one space, so a
# folded name keeps its length and "(полиция)" or "г.Семей" has words to begin.
_PUNCTUATION = ",.-—–:;…()/=\"'«»§!?№+*|~[]"


def _spaced(text: str, keep: str = "") -> str:
    """A folded codebook text with its punctuation (but `keep`) made spaces: one
    `replace` per mark it holds, ten times cheaper than a regular expression over the
    1,967 article parts' names."""
    for mark in _PUNCTUATION:
        if mark in text and mark not in keep:
            text = text.replace(mark, " ")
    return text


# The ЙЦУКЕН letter under each key of a QWERTY keyboard (lower case; the text is folded).
_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`{}:\"<>~"
_JCUKEN = "йцукенгшщзхъфывапролджэячсмитьбюёхъжэбюё"
_LAYOUT = str.maketrans(_QWERTY, _JCUKEN)
# Latin letters that look like Cyrillic ones, inside a word that has Cyrillic letters.
_LOOK_ALIKE = str.maketrans("aceopxykmtbhi", "асеорхукмтвни")
_LATIN = re.compile(r"[a-z]")
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")


def relayout(text: str) -> str | None:
    """The text read on the Russian layout when it was typed with the Latin one left on
    ("gjkbwbz" -> "полиция", "ltkf" -> "дела"); None when it has Cyrillic letters or no
    Latin ones."""
    low = text.casefold()
    if not _LATIN.search(low) or _CYRILLIC.search(low):
        return None
    return low.translate(_LAYOUT)


def _repair(word: str) -> str:
    """A word mixing Latin and Cyrillic letters: its Latin look-alikes made Cyrillic."""
    if _LATIN.search(word) and _CYRILLIC.search(word):
        return word.translate(_LOOK_ALIKE)
    return word


class Query:
    """What was typed, as matched: `code` for a code's beginning, `words` for names; the
    strings a scan looks for, made once per query (a key scans up to 1,967 entries)."""

    __slots__ = ("code", "part", "padded", "words", "heads", "first", "phrase", "keyword",
                 "keyword_start")

    def __init__(self, code: str, words: tuple[str, ...]) -> None:
        self.code, self.words = code, words
        self.part = "/" + code  # an article part's number: "410/02" for "02"
        # ... typed without the card's leading zero: "2" for "410/02"
        self.padded = "/0" + code if len(code) == 1 and code.isdigit() else self.part
        self.heads = tuple(" " + w for w in words)  # a word's beginning
        phrase = self.phrase = "".join(self.heads)  # the words in their order
        self.first = self.heads[0] if words else ""
        self.keyword = ";" + phrase + " ;"  # a whole keyword
        self.keyword_start = ";" + phrase

    @classmethod
    def of(cls, text: str) -> Query:
        folded = fold(text)
        return cls(" ".join(folded.split()),
                   tuple(_repair(w) for w in _NON_WORD.sub(" ", folded).split()))

    def __bool__(self) -> bool:
        return bool(self.code)

    def __repr__(self) -> str:
        return f"Query({self.code!r}, {self.words!r})"

    def narrows(self, earlier: Query) -> bool:
        """Whether every entry this query matches is matched by `earlier` (it only adds
        letters or words to it): a letter typed then scans the earlier query's hits."""
        if not self.code.startswith(earlier.code):
            return False
        if not earlier.words:  # it matched codes only ("-"): words may match more
            return not self.words
        return " ".join(self.words).startswith(" ".join(earlier.words))


class Texts:
    """An entry's texts as a query scans them: its search key as `scan_key` makes it
    (the entry's own string, not a copy: 1.4 MiB for the article parts) and where in it
    each name and the keywords start. A plain class with slots: made for every entry of
    a book when its directory opens (a frozen dataclass takes five times as long)."""

    __slots__ = ("code", "key", "kk_at", "ru_at", "kw_at", "family")

    def __init__(self, code: str, key: str, kk_at: int, ru_at: int, kw_at: int,
                 family: str) -> None:
        self.code = code  # folded
        self.key = key  # "code kk ru" folded, punctuation made spaces, " | ; keyword ; ... ;"
        self.kk_at = kk_at  # the space before the Kazakh name
        self.ru_at = ru_at  # ... before the Russian one
        self.kw_at = kw_at  # where the names end: " | " and the keywords, or the key's end
        self.family = family  # its parents' names and keywords ("" without parents)

    def __repr__(self) -> str:
        return f"Texts({self.code!r}, {self.key!r}, {self.kk_at}, {self.ru_at}, {self.kw_at})"


def scan_key(code: str, name_kk: str, name_ru: str, search_key: str) -> str:
    """A stored search key ("code kk ru | keyword; keyword", folded: codebooks/reading)
    as a scan reads it, made once when the book is read: the names' punctuation made
    spaces (their length kept, so where each name starts is known from its length),
    the keywords as " | ; keyword ; keyword ;". Made again from the names when the key
    is not theirs (an empty one, or folding changed a name's length)."""
    names_key, sep, keywords = search_key.rpartition(NAMES_SEP)
    if not sep:
        names_key, keywords = search_key, ""
    if keywords.startswith(";"):  # made already
        return search_key
    if _offsets(code, name_kk, name_ru, names_key) is None:
        names_key = f"{code.casefold()} {fold(name_kk)} {fold(name_ru)}"
    key = _spaced(names_key)
    if keywords:
        key += " |" + "".join(f" ; {' '.join(k.split())}"
                              for k in _spaced(keywords, keep=";").split(";")) + " ;"
    return key


def _offsets(code: str, name_kk: str, name_ru: str, names_key: str) -> tuple[int, int] | None:
    """Where the two names start in "code kk ru" (the spaces before them)."""
    at = len(code)
    for folded in (False, True):  # folding keeps a name's length but for a rare letter
        kk, ru = (fold(name_kk), fold(name_ru)) if folded else (name_kk, name_ru)
        ru_at = at + 1 + len(kk)
        if (len(names_key) == ru_at + 1 + len(ru) and names_key[at:at + 1] == " "
                and names_key[ru_at:ru_at + 1] == " "):
            return at, ru_at
    return None


Offsets = tuple[int, int, int]  # where the Kazakh name, the Russian name, the keywords start


def prepare(code: str, name_kk: str, name_ru: str, search_key: str) -> tuple[str, Offsets]:
    """An entry's search key as a scan reads it (`scan_key`'s) and where in it its Kazakh
    name, its Russian name and its keywords start: made once when its book is read."""
    names_end = search_key.rfind(KEYWORDS_AT)  # (from the end: the names are longer)
    if names_end >= 0:  # made when the book was loaded (stored_key)
        kk_at = len(code)
        ru_at = kk_at + 1 + len(name_kk)
        if (names_end == ru_at + 1 + len(name_ru) and search_key[kk_at] == " "
                and search_key[ru_at] == " "):
            if names_end + len(KEYWORDS_AT) == len(search_key):  # no keywords: names only
                return search_key[:names_end], (kk_at, ru_at, names_end)
            return search_key, (kk_at, ru_at, names_end)
    key = scan_key(code, name_kk, name_ru, search_key)
    names_end = key.find(KEYWORDS_AT)
    names_end = len(key) if names_end < 0 else names_end
    where = _offsets(code, name_kk, name_ru, key[:names_end])
    if where is None:  # not the names' key: made from them
        key = scan_key(code, name_kk, name_ru, f"{code} {fold(name_kk)} {fold(name_ru)}")
        names_end = len(key)
        where = _offsets(code, name_kk, name_ru, key) or (len(code), len(key))
    return key, (where[0], where[1], names_end)


def stored_key(code: str, name_kk: str, name_ru: str, keywords: str) -> str:
    """The search key kept in the codebook table (codebooks/reading.py), made when a book
    is loaded: `prepare`'s key, so that reading a book finds only where its names start.
    It always ends with the keywords' part (" | ;" when there are none), which marks it
    as made already (`scan_key`)."""
    raw = fold(f"{code} {name_kk} {name_ru}")
    if keywords:
        raw += NAMES_SEP + fold(keywords)
    key = prepare(code, name_kk, name_ru, raw)[0]
    return key if KEYWORDS_AT in key else key + KEYWORDS_AT


def texts(code: str, name_kk: str, name_ru: str, search_key: str, family: str) -> Texts:
    """An entry's texts from its search key and its parents' words (`family_words`)."""
    return texts_of(code, *prepare(code, name_kk, name_ru, search_key), family)


def texts_of(code: str, key: str, at: Offsets, family: str) -> Texts:
    """An entry's texts from what `prepare` made of its key."""
    folded = code.casefold()
    return Texts(code if folded == code else folded, key, *at, family)


def family_words(parents_keys: str) -> str:
    """Parents' search keys (code, names, keywords) as a query scans them."""
    return f" {_spaced(parents_keys)}" if parents_keys else ""


def tier(t: Texts, q: Query) -> Tier | None:
    """How the entry matches the query; None when it does not."""
    code = t.code
    if code.startswith(q.code):
        return Tier.CODE
    if "/" in code and (q.part in code or q.padded in code):
        return Tier.PART
    key, fam = t.key, t.family
    if len(q.words) == 1:  # the common case, while a word is typed: no generator
        word, head = q.words[0], q.first
        if word not in key and word not in fam:
            return None
        if head in key:
            return _own_tier(t, q)
        if fam and head in fam:
            return Tier.PARENT_WORDS
        return Tier.INSIDE if word in key else Tier.PARENT_INSIDE
    words = q.words
    # Most entries hold not every word anywhere: two scans a word tell them first.
    if not words or not all(w in key or w in fam for w in words):
        return None
    if all(h in key for h in q.heads):
        return _own_tier(t, q)
    if fam and all(h in key or h in fam for h in q.heads):
        return Tier.PARENT_WORDS
    if all(w in key for w in words):
        return Tier.INSIDE
    return Tier.PARENT_INSIDE


def _own_tier(t: Texts, q: Query) -> Tier:
    """The tier of an entry whose own texts hold the beginning of every word typed."""
    key, kw_at = t.key, t.kw_at
    for at in (t.kk_at, t.ru_at):
        end = at + len(q.phrase)
        if key.startswith(q.phrase, at) and (end == len(key) or key[end] == " "):
            return Tier.NAME
    keywords = kw_at < len(key)
    if keywords and key.find(q.keyword, kw_at) >= 0:
        return Tier.KEYWORD
    if key.startswith(q.first, t.kk_at) or key.startswith(q.first, t.ru_at):
        return Tier.NAME_START
    if not keywords:
        return Tier.WORDS
    if key.find(q.keyword_start, kw_at) >= 0:
        return Tier.KEYWORD_START
    if any(key.find(h, kw_at) >= 0 for h in q.heads):
        return Tier.KEYWORD_WORDS
    return Tier.WORDS
