"""Whose card is it: the duplicate engine (models.matching) asked for a received card.

One exact candidate is linked; several exact ones, or a probable one, wait for an
operator (the import queue); possible ones or none make a new person (legal entity).

`route_keys` are the keys by which the engine finds a person (models.matching.candidates:
IIN, surname + birth year or month-day, name + birth year, swapped names) or a legal
entity (BIN, RNN, name key; not its 5-letter prefix route, which every firm of a common
first word shares). A batch whose cards are matched together must not miss a person
created by an earlier card of the same batch: a card sharing a route key with such a
person waits for the next batch, when that person is in the register and the engine
sees it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from models import matching
from models.card_schema import Subject

PERSON_KINDS = (Subject.INDIVIDUAL, Subject.ENTREPRENEUR)
LEGAL_KINDS = (Subject.LEGAL, Subject.ENTREPRENEUR)


@dataclass
class Links:
    person_id: int | None = None
    legal_id: int | None = None
    pending: bool = False
    candidates: list[dict[str, Any]] = field(default_factory=list)


def _pick(found: list[Any], attr: str) -> tuple[int | None, bool]:
    """(id to link, waits for an operator)."""
    exact = [c for c in found if c.band == matching.EXACT]
    if len(exact) == 1:
        return getattr(exact[0], attr), False
    return None, bool(exact) or any(c.band == matching.PROBABLE for c in found)


def thresholds(matching: Mapping[str, float]) -> tuple[int, dict[str, float]]:
    """(candidates wanted, band thresholds) from config's [matching]."""
    limit = int(matching.get("max_candidates", 10))
    return limit, {k: float(v) for k, v in matching.items() if k != "max_candidates"}


def find_links(values: dict[str, Any], kind: Subject | None,
               matching_cfg: Mapping[str, float], person: bool = True) -> Links:
    """Candidates for the card's person (unless `person` is False: it is known) and
    legal entity: a search each (one statement)."""

    def people(probes: list[dict[str, Any]], limit: int, th: dict[str, float]) -> list:
        return [matching.find_candidates(p, limit, th) for p in probes]

    def firms(probes: list[dict[str, Any]], limit: int, th: dict[str, float]) -> list:
        return [matching.find_legal_candidates(p, limit, th) for p in probes]

    return _links([(values, kind, person)], matching_cfg, people, firms)[0]


def find_links_many(cards: list[tuple[dict[str, Any], Subject | None, bool]],
                    matching_cfg: Mapping[str, float]) -> list[Links]:
    """find_links(values, kind, matching_cfg, person) for each card of a batch, the
    batch's searches sent together (models.matching.many)."""
    from models.matching.many import find_candidates_many, find_legal_candidates_many

    return _links(cards, matching_cfg, find_candidates_many, find_legal_candidates_many)


def _links(cards: list[tuple[dict[str, Any], Subject | None, bool]],
           matching_cfg: Mapping[str, float], people: Callable[..., list[list[Any]]],
           firms: Callable[..., list[list[Any]]]) -> list[Links]:
    limit, th = thresholds(matching_cfg)
    out = [Links() for _ in cards]
    asked = [i for i, (_, kind, person) in enumerate(cards) if person and kind in PERSON_KINDS]
    found = people([cards[i][0] for i in asked], limit, th)
    for i, cands in zip(asked, found, strict=True):
        out[i].person_id, out[i].pending = _pick(cands, "person_id")
        out[i].candidates += [{"kind": "person", "id": c.person_id, "score": c.score,
                               "band": c.band} for c in cands if c.band != matching.POSSIBLE]
    legal = [i for i, (_, kind, _) in enumerate(cards) if kind in LEGAL_KINDS]
    found_legal = firms([cards[i][0] for i in legal], limit, th)
    for i, cands in zip(legal, found_legal, strict=True):
        out[i].legal_id, wait = _pick(cands, "legal_entity_id")
        out[i].pending = out[i].pending or wait
        out[i].candidates += [{"kind": "legal", "id": c.legal_entity_id, "score": c.score,
                               "band": c.band} for c in cands if c.band != matching.POSSIBLE]
    return out


def person_route_keys(row: dict[str, Any]) -> frozenset[Hashable]:
    """Keys under which the engine could find a new person with these columns
    (models.persons.person_columns: names, birth date, IIN and their match keys)."""
    keys: set[Hashable] = set()
    sk, nk, born = row.get("surname_key"), row.get("name_key"), row.get("birth_date")
    if row.get("ref"):
        keys.add(("ref", row["ref"]))
    if row.get("iin"):
        keys.add(("iin", row["iin"]))
    if isinstance(born, dt.date):
        keys |= {("sy", sk, born.year), ("smd", sk, row.get("birth_md")),
                 ("ny", nk, born.year), ("sy", nk, born.year)}
    else:
        keys |= {("sn", sk, nk), ("sn", nk, sk)}
    return frozenset(keys)


def legal_route_keys(row: dict[str, Any]) -> frozenset[Hashable]:
    """The same for a new legal entity (models.persons.legal_columns)."""
    keys: set[Hashable] = {(name, row[name]) for name in ("bin", "rnn") if row.get(name)}
    if row.get("name_key"):
        keys.add(("ln", row["name_key"]))
    return frozenset(keys)


# Route keys that always make a card wait for a new person: the sender's person and the
# IIN link a card without a look at the names.
FIRM_KEYS = ("ref", "iin")


@dataclass
class Made:
    """The new persons (route key -> their columns) and legal entities (route keys) made
    by cards decided before a card that was matched without seeing them."""

    persons: dict[Hashable, list[dict[str, Any]]] = field(default_factory=dict)
    legal: set[Hashable] = field(default_factory=set)
    names: set[tuple[str, str]] = field(default_factory=set)  # (surname_key, name_key)

    def person(self, keys: frozenset[Hashable], row: dict[str, Any]) -> None:
        for key in keys:
            self.persons.setdefault(key, []).append(row)
        self.names.add((row.get("surname_key") or "", row.get("name_key") or ""))

    def add(self, other: Made) -> None:
        for key, rows in other.persons.items():
            self.persons.setdefault(key, []).extend(rows)
        self.legal |= other.legal
        self.names |= other.names

    def could_change(self, values: dict[str, Any], person_keys: frozenset[Hashable],
                     legal_keys: frozenset[Hashable], limits: Mapping[str, float]) -> bool:
        """Whether the engine, asked again now, could link the card otherwise: it shares
        a route key with a new entity, a firm key (FIRM_KEYS) with a new person, or a
        route key with a new person the engine could offer for it (matching.may_find),
        or the surname and name keys of a new person (its namesake count, which weighs
        in every score, moves)."""
        if legal_keys & self.legal:
            return True
        if person_keys and self.names:
            keys = matching.Probe.from_dict(values).keys()
            if (keys["surname_key"], keys["name_key"]) in self.names:
                return True
        shared = [k for k in person_keys if k in self.persons]
        if not shared:
            return False
        if any(isinstance(k, tuple) and k[0] in FIRM_KEYS for k in shared):
            return True
        rows = {id(r): r for k in shared for r in self.persons[k]}
        return matching.may_find(values, rows.values(), limits)
