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
from dataclasses import dataclass
from enum import IntEnum

from models.text import fold

_NON_WORD = re.compile(r"[\W_]+")
NAMES_SEP = " | "  # a search key: "code kk ru | keyword; keyword" (codebooks/reading.py)


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

    __slots__ = ("code", "part", "padded", "words", "heads", "first", "mid_first", "whole",
                 "mid_whole", "keyword", "keyword_start")

    def __init__(self, code: str, words: tuple[str, ...]) -> None:
        self.code, self.words = code, words
        self.part = "/" + code  # an article part's number: "410/02" for "02"
        # ... typed without the card's leading zero: "2" for "410/02"
        self.padded = "/0" + code if len(code) == 1 and code.isdigit() else self.part
        self.heads = tuple(" " + w for w in words)  # a word's beginning
        phrase = "".join(self.heads)
        self.first = self.heads[0] if words else ""
        self.mid_first = "|" + self.first  # the Russian name's start
        self.whole = phrase + " "  # the words, whole, in their order
        self.mid_whole = "|" + self.whole
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


@dataclass(frozen=True, slots=True)
class Texts:
    """An entry's texts as a query scans them: words with a space before each."""

    code: str  # folded
    names: str  # " kk words | ru words "
    own: str  # names, then its keywords
    keywords: str  # " ; keyword words ; keyword words ;" ("" when none)
    family: str  # its parents' names and keywords ("" for an entry without parents)


def texts(code: str, name_kk: str, name_ru: str, search_key: str, family: str) -> Texts:
    """An entry's texts from its stored search key ("code kk ru | keywords", folded:
    models/codebook `_key`) and its parents' words (`family_words`)."""
    names_key, sep, keywords = search_key.rpartition(NAMES_SEP)
    if not sep:
        names_key, keywords = search_key, ""
    start = len(code) + 1
    middle = start + len(name_kk)
    if len(names_key) == middle + 1 + len(name_ru) and names_key[middle:middle + 1] == " ":
        flat = _spaced(names_key)
        names = f" {flat[start:middle]} | {flat[middle + 1:]} "
    else:  # a name whose folding changed its length (casefold of "ß"): fold it again
        names = f" {_spaced(fold(name_kk))} | {_spaced(fold(name_ru))} "
    words = ""
    if keywords:
        words = "".join(f" ; {' '.join(k.split())}"
                        for k in _spaced(keywords, keep=";").split(";")) + " ;"
    return Texts(code.casefold(), names, names + words if words else names, words, family)


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
    own, fam = t.own, t.family
    if len(q.words) == 1:  # the common case, while a word is typed: no generator
        word, head = q.words[0], q.first
        if word not in own and word not in fam:
            return None
        if head in own:
            return _own_tier(t, q)
        if fam and head in fam:
            return Tier.PARENT_WORDS
        return Tier.INSIDE if word in own else Tier.PARENT_INSIDE
    words = q.words
    # Most entries hold not every word anywhere: two scans a word tell them first.
    if not words or not all(w in own or w in fam for w in words):
        return None
    if all(h in own for h in q.heads):
        return _own_tier(t, q)
    if fam and all(h in own or h in fam for h in q.heads):
        return Tier.PARENT_WORDS
    if all(w in own for w in words):
        return Tier.INSIDE
    return Tier.PARENT_INSIDE


def _own_tier(t: Texts, q: Query) -> Tier:
    """The tier of an entry whose own texts hold the beginning of every word typed."""
    names, keywords = t.names, t.keywords
    if names.startswith(q.whole) or q.mid_whole in names:
        return Tier.NAME
    if keywords and q.keyword in keywords:
        return Tier.KEYWORD
    if names.startswith(q.first) or q.mid_first in names:
        return Tier.NAME_START
    if not keywords:
        return Tier.WORDS
    if q.keyword_start in keywords:
        return Tier.KEYWORD_START
    if any(h in keywords for h in q.heads):
        return Tier.KEYWORD_WORDS
    return Tier.WORDS
