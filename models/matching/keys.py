"""Match keys stored with each person and legal entity, and the probe being searched.

`person_keys` / `legal_keys` are called by models.persons whenever a person or legal
entity is written, so the keys always follow the stored names. They are the columns
the candidate queries use (see candidates.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from models.ids import iin_birth_date, iin_sex, iin_valid, rnn_valid
from models.matching.normalize import legal_name_key, patronymic_stem, skeleton
from models.text import clean, find_control

KEY_LENGTH = 60  # the key columns' width; longer keys are cut (they still compare fine)
LEGAL_KEY_LENGTH = 120


def as_date(value: Any) -> dt.date | None:
    """A date from a date, a datetime or an ISO string; None for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def month_day(date: dt.date) -> int:
    """Birth month and day as one indexed number (March 12 -> 312)."""
    return date.month * 100 + date.day


def person_keys(surname: str, given_name: str, patronymic: str,
                birth_date: dt.date | str | None) -> dict[str, Any]:
    """Person columns holding the match keys for these identification data."""
    born = as_date(birth_date)
    return {
        "surname_key": skeleton(surname)[:KEY_LENGTH],
        "name_key": skeleton(given_name)[:KEY_LENGTH],
        "patronymic_key": patronymic_stem(patronymic)[:KEY_LENGTH],
        "birth_year": born.year if born else None,
        "birth_md": month_day(born) if born else None,
    }


def legal_keys(name: str) -> dict[str, Any]:
    """LegalEntity columns holding the match key of its name."""
    return {"name_key": legal_name_key(name)[:LEGAL_KEY_LENGTH]}


def _text(value: Any) -> str:
    """Probe text: controls (a pasted escape) never reach a query or a screen."""
    if value is None:
        return ""
    text = clean(str(value))
    return "" if find_control(text) is not None else text


def _digits(value: Any) -> str:
    return "".join(ch for ch in str(value or "") if ch.isdigit())[:12]


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
            sex=_text(data.get("sex"))[:1],
            person_id=int(person_id) if isinstance(person_id, int | str) and
            str(person_id).isdigit() else None,
        )

    @property
    def iin_ok(self) -> bool:
        return iin_valid(self.iin)

    @property
    def effective_birth_date(self) -> dt.date | None:
        """The typed birth date, else the one a valid IIN encodes."""
        if self.birth_date is not None:
            return self.birth_date
        return iin_birth_date(self.iin) if self.iin_ok else None

    @property
    def effective_sex(self) -> str:
        if self.sex in ("1", "2"):
            return self.sex
        return (iin_sex(self.iin) or "") if self.iin_ok else ""

    @property
    def empty(self) -> bool:
        return not (self.surname or self.given_name or self.iin)

    @cached_property
    def _keys(self) -> dict[str, Any]:
        return person_keys(self.surname, self.given_name, self.patronymic,
                           self.effective_birth_date)

    def keys(self) -> dict[str, Any]:
        return dict(self._keys)

    def fingerprint(self) -> str:
        """Stable id of these identification data, for "different person" decisions
        taken before the new person exists (spelling variants give the same one)."""
        k = self.keys()
        born = self.effective_birth_date
        raw = "|".join((k["surname_key"], k["name_key"], k["patronymic_key"],
                        born.isoformat() if born else "", self.iin))
        return hashlib.sha256(raw.encode()).hexdigest()[:40]


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
        raw = "|".join((legal_keys(self.name)["name_key"], self.bin, self.rnn))
        return hashlib.sha256(raw.encode()).hexdigest()[:40]
