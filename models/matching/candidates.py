"""Finding the person (or legal entity) already in the register.

Candidates come from a handful of indexed queries, each bounded by LIMIT, so a
search reads a few hundred index entries whatever the register's size and never
loads the register into memory:

  IIN exact | surname key + birth year | surname key + birth month/day |
  name key + birth date (or day/month swapped) | surname and name swapped |
  surname key + name key (when no birth date is known)

Each candidate is then scored in Python (score.py) and the best `limit` returned.
Pairs an operator already declared "different" are left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from models.db import is_postgres
from models.matching.keys import LegalProbe, Probe, legal_keys
from models.matching.normalize import legal_name_words
from models.matching.score import (
    DEFAULT_THRESHOLDS,
    NAMESAKE_CAP,
    PersonSide,
    Verdict,
    band,
    legal_name_sim,
    score_legal,
    score_person,
    swapped_date,
)
from models.matching.tables import LegalDistinct, PersonDistinct
from models.tables import Card, LegalEntity, Person

ROUTE_LIMIT = 200  # rows one candidate query may return; a bound, not a tuning knob
LEGAL_PREFIX = 5  # legal names: candidates also share this many key characters

_PERSON_COLUMNS = (Person.id, Person.surname, Person.given_name, Person.patronymic,
                   Person.birth_date, Person.iin, Person.sex, Person.address, Person.ref,
                   Person.surname_key, Person.name_key, Person.patronymic_key)


@dataclass(frozen=True)
class CardSummary:
    """One earlier card of a candidate, as the duplicates panel lists it."""

    card_id: int
    date: dt.date | None  # offence date, else decision date
    article: str
    part: str
    paragraph: str
    main_penalty: str
    fine_imposed: int | None
    status: str
    protocol_no: str


def earlier_cards(*, person_id: int | None = None, legal_entity_id: int | None = None,
                  limit: int = 20) -> list[CardSummary]:
    """The latest cards of a person or legal entity (newest first)."""
    q = Card.select(Card.id, Card.offence_date, Card.decision_date, Card.article, Card.part,
                    Card.paragraph, Card.main_penalty, Card.fine_imposed, Card.status,
                    Card.protocol_no)
    q = q.where(Card.person == person_id) if person_id is not None else \
        q.where(Card.legal_entity == legal_entity_id)
    q = q.order_by(Card.offence_date.desc(nulls="LAST"), Card.id.desc()).limit(limit)
    return [CardSummary(c.id, c.offence_date or c.decision_date, c.article or "", c.part or "",
                        c.paragraph or "", c.main_penalty or "", c.fine_imposed, c.status,
                        c.protocol_no or "") for c in q]


@dataclass(frozen=True)
class Candidate:
    person_id: int
    score: float
    band: str  # exact | probable | possible
    surname: str
    given_name: str
    patronymic: str
    birth_date: dt.date | None
    iin: str | None
    sex: str
    address: str
    ref: str | None
    reasons: tuple[str, ...] = field(default=())

    def cards(self, limit: int = 20) -> list[CardSummary]:
        """Earlier cards, read only when asked (the panel shows them, a batch does not)."""
        return earlier_cards(person_id=self.person_id, limit=limit)


@dataclass(frozen=True)
class LegalCandidate:
    legal_entity_id: int
    score: float
    band: str
    name: str
    bin: str | None
    rnn: str | None
    address: str
    reasons: tuple[str, ...] = field(default=())

    def cards(self, limit: int = 20) -> list[CardSummary]:
        return earlier_cards(legal_entity_id=self.legal_entity_id, limit=limit)


def _q(name: str) -> str:
    return f'"{name}"'


_PERSON = _q(Person._meta.table_name)
_SELECT = "SELECT " + ", ".join(_q(f.column_name) for f in _PERSON_COLUMNS) + \
    f" FROM {_PERSON} WHERE "
# One statement per search: each branch is a bounded indexed lookup (the index named
# in models.tables.Person.Meta serves it). Plain SQL text, because composing it with
# the query builder cost more than running it.
_ROUTES = {
    "iin": '"iin" = {p}',
    "surname_year": '"surname_key" = {p} AND "birth_year" = {p}',
    "surname_md": '"surname_key" = {p} AND "birth_md" = {p}',
    "name_date": '"name_key" = {p} AND "birth_date" IN ({p}, {p}, {p}, {p})',
    "names": '"surname_key" = {p} AND "name_key" = {p}',
}


def _routes(probe: Probe, keys: dict[str, Any]) -> list[tuple[str, tuple]]:
    sk, nk = keys["surname_key"], keys["name_key"]
    born = probe.effective_birth_date
    routes: list[tuple[str, tuple]] = []
    if len(probe.iin) == 12:
        routes.append(("iin", (probe.iin,)))
    if sk and born is not None:
        routes.append(("surname_year", (sk, keys["birth_year"])))
        routes.append(("surname_md", (sk, keys["birth_md"])))
    if nk and born is not None:
        # ±1 day here too: across a month or year end the other routes cannot see it.
        routes.append(("name_date", (nk, born, swapped_date(born) or born,
                                     born - dt.timedelta(days=1), born + dt.timedelta(days=1))))
    if sk and nk:
        if born is None:
            routes.append(("names", (sk, nk)))
        if sk != nk:
            routes.append(("names", (nk, sk)))  # surname and name typed into each other
    return routes


def _fetch_rows(probe: Probe, keys: dict[str, Any]) -> dict[int, tuple]:
    routes = _routes(probe, keys)
    if not routes:
        return {}
    db = Person._meta.database
    p = db.param
    sql = " UNION ALL ".join(
        f"SELECT * FROM ({_SELECT}{_ROUTES[name].format(p=p)} LIMIT {ROUTE_LIMIT}) r{i}"
        for i, (name, _) in enumerate(routes))
    params = [v.isoformat() if isinstance(v, dt.date) and not is_postgres(db) else v
              for _, values in routes for v in values]
    rows: dict[int, tuple] = {}
    for row in db.execute_sql(sql, params).fetchall():
        if row[0] not in rows:
            born = row[4]
            if isinstance(born, str):  # SQLite hands back text
                born = dt.date.fromisoformat(born)
            rows[row[0]] = (*row[:4], born, *row[5:])
    return rows


_NAMESAKES = (f"SELECT COUNT(*) FROM (SELECT 1 FROM {_PERSON} WHERE \"surname_key\" = {{p}} "
              f"AND \"name_key\" = {{p}} LIMIT {NAMESAKE_CAP}) n")


def namesakes(keys: dict[str, Any]) -> int:
    """How many persons share the probe's surname and name keys, counted up to
    NAMESAKE_CAP on the (surname_key, name_key) index: "very common name" needs no more."""
    if not keys["surname_key"] or not keys["name_key"]:
        return 0
    db = Person._meta.database
    row = db.execute_sql(_NAMESAKES.format(p=db.param),
                         (keys["surname_key"], keys["name_key"])).fetchone()
    return int(row[0]) if row else 0


def _suppressed(model: type, owner: str, ids: list[int], fingerprint: str,
                self_id: int | None) -> set[int]:
    """Candidates an operator already declared different from the probe: by the typed
    data's fingerprint, or from the person (entity) the card is linked to. `model` is
    PersonDistinct or LegalDistinct, `owner` its first column."""
    if not ids:
        return set()
    db = model._meta.database
    p = db.param
    col = f'"{owner}_id"'
    marks = ", ".join([p] * len(ids))
    sql = (f'SELECT {col}, "other_id" FROM {_q(model._meta.table_name)} '
           f'WHERE ("fingerprint" = {p} AND {col} IN ({marks}))')
    params: list[Any] = [fingerprint, *ids]
    if self_id is not None:
        sql += (f' OR ({col} = {p} AND "other_id" IN ({marks}))'
                f' OR ("other_id" = {p} AND {col} IN ({marks}))')
        params += [self_id, *ids, self_id, *ids]
    return {b if a == self_id else a for a, b in db.execute_sql(sql, params).fetchall()}


def _rank(rows: Iterable[tuple], judge: Callable[[tuple], Verdict],
          thresholds: Mapping[str, float] | None,
          hidden: Callable[[list[int]], set[int]], limit: int
          ) -> list[tuple[Verdict, str, tuple]]:
    """Score rows (id first), keep those with a band and not hidden, best first."""
    th = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    scored = []
    for row in rows:
        verdict = judge(row)
        b = band(verdict, th)
        if b is not None:
            scored.append((verdict, b, row))
    gone = hidden([r[0] for _, _, r in scored])
    scored = [s for s in scored if s[2][0] not in gone]
    scored.sort(key=lambda s: (-s[0].score, s[2][0]))
    return scored[:limit]


def find_candidates(probe: Mapping[str, Any] | Probe, limit: int = 10,
                    thresholds: Mapping[str, float] | None = None) -> list[Candidate]:
    """Persons of the register who may be the probe, best first, at most `limit`.

    `probe` holds card field names: surname, given_name (or name), patronymic,
    birth_date (date or ISO text), iin, sex, and person_id when the card is already
    linked to someone (that person is not offered, nor those declared different).
    `thresholds` is Config.matching (exact / probable / possible); below "possible"
    a candidate is not returned.
    """
    p = probe if isinstance(probe, Probe) else Probe.from_dict(dict(probe))
    if p.empty or limit <= 0:
        return []
    keys = p.keys()
    rows = _fetch_rows(p, keys)
    if p.person_id is not None:
        rows.pop(p.person_id, None)
    if not rows:
        return []
    side = PersonSide(keys["surname_key"], keys["name_key"], keys["patronymic_key"],
                      p.effective_birth_date, p.iin, p.effective_sex)
    common = namesakes(keys)

    def judge(r: tuple) -> Verdict:
        return score_person(side, PersonSide(r[9], r[10], r[11], r[4], r[5] or "", r[6] or ""),
                            common)

    def hidden(ids: list[int]) -> set[int]:
        return _suppressed(PersonDistinct, "person", ids, p.fingerprint(), p.person_id)

    return [Candidate(r[0], round(v.score, 4), b, r[1], r[2], r[3], r[4], r[5], r[6] or "",
                      r[7] or "", r[8], v.reasons)
            for v, b, r in _rank(rows.values(), judge, thresholds, hidden, limit)]


def find_legal_candidates(probe: Mapping[str, Any] | LegalProbe, limit: int = 10,
                          thresholds: Mapping[str, float] | None = None
                          ) -> list[LegalCandidate]:
    """Legal entities that may be the probe (name / legal_name, bin, rnn,
    legal_entity_id), by BIN, RNN, name key and name-key prefix."""
    p = probe if isinstance(probe, LegalProbe) else LegalProbe.from_dict(dict(probe))
    if p.empty or limit <= 0:
        return []
    key = legal_keys(p.name)["name_key"]
    cols = (LegalEntity.id, LegalEntity.name, LegalEntity.bin, LegalEntity.rnn,
            LegalEntity.address, LegalEntity.name_key)
    base = LegalEntity.select(*cols)
    queries = []
    if len(p.bin) == 12:
        queries.append(base.where(LegalEntity.bin == p.bin))
    if len(p.rnn) == 12:
        queries.append(base.where(LegalEntity.rnn == p.rnn))
    if key:
        queries.append(base.where(LegalEntity.name_key == key))
        prefix = key[:LEGAL_PREFIX]
        # A range, not LIKE: both engines use the index for it whatever the collation.
        queries.append(base.where((LegalEntity.name_key >= prefix) &
                                  (LegalEntity.name_key < prefix + "\x7f")))
    rows: dict[int, tuple] = {}
    for q in queries:
        for row in q.limit(ROUTE_LIMIT).tuples():
            rows.setdefault(row[0], row)
    if p.legal_entity_id is not None:
        rows.pop(p.legal_entity_id, None)
    words = " ".join(legal_name_words(p.name))

    def judge(r: tuple) -> Verdict:
        s = legal_name_sim(key, r[5], words, " ".join(legal_name_words(r[1])))
        return score_legal(s, p.bin, r[2] or "", p.rnn, r[3] or "")

    def hidden(ids: list[int]) -> set[int]:
        return _suppressed(LegalDistinct, "legal_entity", ids, p.fingerprint(),
                           p.legal_entity_id)

    return [LegalCandidate(r[0], round(v.score, 4), b, r[1], r[2], r[3], r[4] or "", v.reasons)
            for v, b, r in _rank(rows.values(), judge, thresholds, hidden, limit)]
