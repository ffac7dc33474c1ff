"""Match keys stored with each person and legal entity, and the probe being searched.

`person_keys` / `legal_keys` are called by models.persons whenever a person or legal
entity is written, so the keys always follow the stored names. They are the columns
the candidate queries use (see candidates.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from models.digest import sha256
from models.ids import iin_birth_date, iin_sex, iin_valid, rnn_valid
from models.matching.cases import nominative
from models.matching.dates import LOOKALIKE_DIGITS, read_birth_date
from models.matching.normalize import (
    legal_word_keys,
    patronymic_stem,
    skeleton,
    surname_root,
    surname_roots,
)
from models.text import clean, find_control

KEY_LENGTH = 60  # the key columns' width; longer keys are cut (they still compare fine)
LEGAL_KEY_LENGTH = 120


def as_date(value: Any) -> dt.date | None:
    """A date from a date, a datetime or text as documents and operators write it
    (models.matching.dates: 15.06.1990, 15/06/90, 1990-06-15, 15061990, 00.00.1990
    and a bare year as 01.01 of it, a month above 12 read as day and month
    exchanged); None for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        return read_birth_date(value).date
    return None


def month_day(date: dt.date) -> int:
    """Birth month and day as one indexed number (March 12 -> 312)."""
    return date.month * 100 + date.day


def person_keys(surname: str, given_name: str, patronymic: str,
                birth_date: dt.date | str | None) -> dict[str, Any]:
    """Person columns holding the match keys for these identification data."""
    born = as_date(birth_date)
    return {
        "surname_key": surname_root(surname)[:KEY_LENGTH],
        "name_key": skeleton(given_name)[:KEY_LENGTH],
        "patronymic_key": patronymic_stem(patronymic)[:KEY_LENGTH],
        "birth_year": born.year if born else None,
        "birth_md": month_day(born) if born else None,
    }


def legal_keys(name: str) -> dict[str, Any]:
    """LegalEntity columns holding the match keys of its name: the words' keys run
    together (name_key), the same reversed (name_rkey: a slip at the start of the name
    leaves its end to find it by) and the words sorted (name_skey: word order)."""
    words = legal_word_keys(name)
    key = "".join(words)[:LEGAL_KEY_LENGTH]
    return {"name_key": key, "name_rkey": key[::-1],
            "name_skey": " ".join(sorted(words))[:LEGAL_KEY_LENGTH]}


VARIANT_MAX = 16  # longer keys keep an intact start or end that finds them (legal.py)


def legal_variants(key: str, longest: int = VARIANT_MAX) -> list[str]:
    """A name key and the key with each one letter left out: two keys one slip apart
    (a letter wrong, missing, extra, or two swapped) share a variant. Only for keys of
    at most `longest` letters; [] for others."""
    if not 3 <= len(key) <= longest:
        return []
    out = dict.fromkeys([key] + [key[:i] + key[i + 1:] for i in range(len(key))])
    return list(out)


_SPLIT = re.compile(r"[\s,;]+|(?<=\.)(?=\w)")  # "Касымов,Нурлан": a comma for a space
_INITIAL = re.compile(r"^\w{1,2}\.$")  # with its dot: Ли, Ю, О are Korean surnames
_SON_DAUGHTER = re.compile(r"^([ұу]лы|[қк]ызы|о[гғ]лы|uly|uli|[qk]yzy|[qk]izi|ogly|ogli)$",
                           re.IGNORECASE)
# A patronymic's endings as written in either script (Russian -ич / -вна / -ична,
# Kazakh -ұлы / -қызы and their Russian-keyboard and Latin spellings).
_PATRONYMIC_END = re.compile(r"(ич|вна|чна|[ұу]лы|[қк]ызы|оглы|ich|vna|chna|uly|uli"
                             r"|[qk]yzy|[qk]izi)$", re.IGNORECASE)


def _surname_first(words: list[str]) -> list[str]:
    """Whole-name words in the register's order, surname first: documents also write
    "Н.С. Касымов" (initials first) and "Нурлан Серикович Касымов" (name, patronymic,
    surname: a patronymic in the middle is the sign)."""
    for i in range(len(words) - 1, 0, -1):  # "Серік ұлы": one patronymic of two words
        if _SON_DAUGHTER.match(words[i]):
            words = [*words[:i - 1], words[i - 1] + words[i], *words[i + 1:]]
            break
    if _INITIAL.match(words[0]) and not _INITIAL.match(words[-1]):
        lead = 0
        while lead < len(words) and _INITIAL.match(words[lead]):
            lead += 1
        return words[lead:] + words[:lead]
    if len(words) == 3 and _PATRONYMIC_END.search(words[1]) and \
            not _PATRONYMIC_END.search(words[2]):
        return [words[2], words[0], words[1]]
    return words


def split_names(surname: str, given: str, patronymic: str) -> tuple[str, str, str]:
    """Names typed into fewer fields than they have: "Касымов Нурлан Серикович",
    "Касымов Н.С.", "Н.С. Касымов" or "Нурлан Серикович Касымов" in the surname field,
    "Нурлан Серикович" in the name field."""
    if not given and not patronymic:
        words = [w for w in _SPLIT.split(surname.strip()) if w]
        if len(words) >= 2:
            words = _surname_first(words)
            return words[0], words[1], " ".join(words[2:])
    if given and not patronymic:
        words = [w for w in _SPLIT.split(given.strip()) if w]
        if len(words) >= 2:
            return surname, words[0], " ".join(words[1:])
    return surname, given, patronymic


def _text(value: Any) -> str:
    """Probe text: controls (a pasted escape) never reach a query or a screen."""
    if value is None:
        return ""
    text = clean(str(value))
    return "" if find_control(text) is not None else text


def _digits(value: Any) -> str:
    """An identification number's digits; letters a scan puts for digits (О, l, З) read
    as them when that makes the twelve, and a first 0 a spreadsheet dropped put back."""
    text = str(value or "")
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) != 12:
        read = "".join(ch for ch in text.translate(LOOKALIKE_DIGITS) if ch.isdigit())
        digits = read if len(read) == 12 else digits
    return with_lost_zero(digits)[:12]


def with_lost_zero(digits: str) -> str:
    """Eleven digits that are a valid number with a 0 before them: a spreadsheet took
    the IIN of someone born in 2000-2009 for a number and dropped its first digit."""
    return "0" + digits if len(digits) == 11 and digits.isdigit() and iin_valid("0" + digits) \
        else digits


# The sex as documents write it: 1 / 2, М / Ж, ер / әйел, M / F.
_SEX = {"1": "1", "м": "1", "m": "1", "е": "1", "2": "2", "ж": "2", "f": "2", "w": "2",
        "ә": "2", "а": "2"}


def read_sex(value: Any) -> str:
    """"1", "2", or "" when the text names no sex (its first letter decides: мужской,
    ер, male; женский, әйел, female)."""
    text = _text(value).strip().casefold()
    return _SEX.get(text[:1], "") if text else ""


@dataclass(frozen=True)
class Probe:
    """What the operator (or a batch file) knows about the person being looked for."""

    surname: str = ""
    given_name: str = ""
    patronymic: str = ""
    birth_date: dt.date | None = None
    iin: str = ""
    sex: str = ""
    person_id: int | None = None  # the person the card is already linked to, if any

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Probe:
        """Accepts card field names (given_name) and the CLI's (name); ignores others."""
        person_id = data.get("person_id")
        return cls(
            surname=_text(data.get("surname")),
            given_name=_text(data.get("given_name", data.get("name"))),
            patronymic=_text(data.get("patronymic")),
            birth_date=as_date(data.get("birth_date")),
            iin=_digits(data.get("iin")),
            sex=read_sex(data.get("sex")),
            person_id=int(person_id) if isinstance(person_id, int | str) and
            str(person_id).isdigit() else None,
        )

    @property
    def iin_ok(self) -> bool:
        return iin_valid(self.iin)

    @property
    def effective_birth_date(self) -> dt.date | None:
        """The typed birth date, else the one the IIN encodes (a mistyped IIN still
        holds the date, or a date one slip away from it)."""
        if self.birth_date is not None:
            return self.birth_date
        return iin_birth_date(self.iin) if len(self.iin) == 12 else None

    @property
    def effective_sex(self) -> str:
        if self.sex in ("1", "2"):
            return self.sex
        return (iin_sex(self.iin) or "") if self.iin_ok else ""

    @property
    def empty(self) -> bool:
        return not (self.surname or self.given_name or self.iin)

    @cached_property
    def names(self) -> tuple[str, str, str]:
        """Surname, given name and patronymic, split when typed into one field, and in
        the nominative when copied from a sentence in another case (cases.py)."""
        return nominative(*split_names(self.surname, self.given_name, self.patronymic))

    @cached_property
    def _keys(self) -> dict[str, Any]:
        return person_keys(*self.names, self.effective_birth_date)

    @cached_property
    def surname_roots(self) -> tuple[str, ...]:
        """Indexed keys the surname may be stored under (each part of a double one)."""
        roots = surname_roots(self.names[0])
        return roots[:3] if roots else ()

    @cached_property
    def surname_skeleton(self) -> str:
        return skeleton(self.names[0])

    def keys(self) -> dict[str, Any]:
        return dict(self._keys)

    def fingerprint(self) -> str:
        """Stable id of these identification data, for "different person" decisions
        taken before the new person exists (spelling variants give the same one)."""
        k = self.keys()
        born = self.effective_birth_date
        raw = "|".join((self.surname_skeleton[:KEY_LENGTH], k["name_key"], k["patronymic_key"],
                        born.isoformat() if born else "", self.iin))
        return sha256(raw.encode()).hexdigest()[:40]


@dataclass(frozen=True)
class LegalProbe:
    name: str = ""
    bin: str = ""
    rnn: str = ""
    legal_entity_id: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LegalProbe:
        le_id = data.get("legal_entity_id")
        return cls(name=_text(data.get("name", data.get("legal_name"))),
                   bin=_digits(data.get("bin")), rnn=_digits(data.get("rnn")),
                   legal_entity_id=int(le_id) if isinstance(le_id, int) else None)

    @property
    def bin_ok(self) -> bool:
        return iin_valid(self.bin)

    @property
    def rnn_ok(self) -> bool:
        return rnn_valid(self.rnn)

    @property
    def empty(self) -> bool:
        return not (self.name or self.bin or self.rnn)

    def fingerprint(self) -> str:
        raw = "|".join(("".join(legal_word_keys(self.name))[:LEGAL_KEY_LENGTH], self.bin,
                        self.rnn))
        return sha256(raw.encode()).hexdigest()[:40]
