"""Finding the person already in the register.

Candidates come from one statement of indexed lookups, each bounded by LIMIT, so a
search reads a few hundred index entries whatever the register's size and never
loads the register into memory. Each lookup is exact on two identification parts and
lets the others be anything, so a record with a slip in any one or two places is
still found by a lookup that its slips do not touch:

  IIN, or a valid IIN one slip away | surname root + birth year | surname root + birth
  month/day | given name + any date one slip from the birth date | patronymic + any
  such date | the birth date alone | given name (patronymic) + any day of the year
  when the date is 01.01 (the year alone known) | surname root + given name (nearest
  birth years first) | the same with surname and given name exchanged

(surname roots: every part of a double surname, without sex and reform endings; the
dates one slip away: models.matching.slips.date_slips). Each candidate is then scored
in Python (score.py) and the best `limit` returned. Pairs an operator already
declared "different" are left out. Legal entities: models.matching.legal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, NamedTuple

from models.db import is_postgres
from models.ids import iin_birth_date
from models.matching.far import FAR, far
from models.matching.keys import KEY_LENGTH, Probe, month_day
from models.matching.layout import wrong_layout
from models.matching.nicknames import full_keys
from models.matching.normalize import name_words, patronymic_stem, skeleton, surname_root
from models.matching.ownnames import Ranked, own_names
from models.matching.prepared import padded, run
from models.matching.score import (
    DEFAULT_THRESHOLDS,
    EXACT,
    NAMESAKE_CAP,
    POSSIBLE,
    PROBABLE,
    PersonSide,
    Verdict,
    band,
    score_person,
)
from models.matching.slips import date_slips, iin_neighbours, year_only
from models.matching.tables import PersonDistinct
from models.tables import Card, Person

ROUTE_LIMIT = 200  # rows one candidate query may return; a bound, not a tuning knob

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


def _q(name: str) -> str:
    return f'"{name}"'


_PERSON = _q(Person._meta.table_name)
_COLUMNS = ", ".join(_q(f.column_name) for f in _PERSON_COLUMNS)
_SELECT = f"SELECT {_COLUMNS} FROM {_PERSON} WHERE "
_IDS = f'SELECT "id" FROM {_PERSON} WHERE '  # a look-up's ids alone (statement)
_FILTER = "substr("  # in a look-up that filters the rows its index gives (_first_letters)
# One statement per search: each branch is a bounded indexed lookup (the index named
# in models.tables.Person.Meta serves it). Plain SQL text, because composing it with
# the query builder cost more than running it.
_LIMITS = {"surname_year": 100, "names": 60, "date": 150, "name_year": 100,
           "patronymic_year": 100}


class _Route(NamedTuple):
    name: str
    where: str  # with {p} for each of `params`
    params: list[Any]
    order: str = ""  # ORDER BY expression, with {p} for each of `order_params`
    order_params: tuple[Any, ...] = ()


def _marks(values: list[Any]) -> str:
    return ", ".join(["{p}"] * len(values))


def _first_letters(pairs: list[tuple[str, str]]) -> tuple[str, list[Any]]:
    """ AND (one of these columns begins as the probe's key does, or the surname goes
    on as it does after its first letter): a cheap filter on the rows an index gives,
    for look-ups that would otherwise bring every person born on a day. Nothing when
    the probe has none of these keys."""
    conds = list(dict.fromkeys((f'substr("{col}", 1, 1) = {{p}}', key[:1])
                               for col, key in pairs if key))
    conds += [(f'substr("{col}", 2, 2) = {{p}}', key[1:3]) for col, key in pairs
              if col == "surname_key" and len(key) >= 3]  # the first letter was the slip
    if not conds:
        return "", []
    return " AND (" + " OR ".join(c for c, _ in conds) + ")", [v for _, v in conds]


def _routes(probe: Probe, keys: dict[str, Any]) -> list[_Route]:
    """The lookups this probe's data make possible."""
    # Lists padded to a few lengths: few statement shapes to prepare (prepared.py).
    roots = padded([r for r in probe.surname_roots if len(r) >= 2], 3)
    sk = keys["surname_key"]
    nk, pk = keys["name_key"], keys["patronymic_key"]
    nk = nk if len(nk) >= 2 else ""  # an initial finds nothing by itself
    pk = pk if len(pk) >= 2 else ""
    born = probe.effective_birth_date
    out: list[_Route] = []
    if len(probe.iin) == 12:
        iins = padded([probe.iin, *iin_neighbours(probe.iin)], 8)
        out.append(_Route("iin", f'"iin" IN ({_marks(iins)})', iins))
    if born is not None:
        dates = padded(list(date_slips(born)), 16)
        md = month_day(born)
        if roots:
            letters = [("name_key", keys["name_key"]),
                       ("patronymic_key", keys["patronymic_key"]),
                       *(("name_key", k) for k in full_keys(nk))]  # Саша: Александр
            # given name and patronymic keyed into each other's fields
            swapped = [("name_key", skeleton(probe.names[2])),
                       ("patronymic_key", patronymic_stem(probe.names[1]))]
            if probe.names[1] and probe.names[2] and \
                    [k[:1] for _, k in swapped] != [k[:1] for _, k in letters]:
                letters += swapped
            extra, more = _first_letters(letters)
            out.append(_Route("surname_year", f'"surname_key" IN ({_marks(roots)}) AND '
                              f'"birth_year" = {{p}}{extra}', [*roots, born.year, *more],
                              'ABS("birth_md" - {p})', (md,)))
            out.append(_Route("surname_md", f'"surname_key" IN ({_marks(roots)}) AND '
                              '"birth_md" = {p}', [*roots, md]))
        if nk:
            extra, more = _first_letters([("surname_key", sk), ("patronymic_key", pk)])
            out.append(_Route("name_date", f'"name_key" = {{p}} AND "birth_date" IN '
                              f"({_marks(dates)}){extra}", [nk, *dates, *more]))
        if pk:
            extra, more = _first_letters([("surname_key", sk), ("name_key", nk)])
            out.append(_Route("patronymic_date", f'"patronymic_key" = {{p}} AND "birth_date" IN '
                              f"({_marks(dates)}){extra}", [pk, *dates, *more]))
        extra, more = _first_letters([("surname_key", sk), ("name_key", keys["name_key"]),
                                      ("patronymic_key", keys["patronymic_key"])])
        out.append(_Route("date", f'"birth_date" = {{p}}{extra}', [born, *more]))
        if year_only(born):
            # 01.01: often the year alone was known. The person is stored with the real
            # day, which no slip of 01.01 reaches: the given name (patronymic) and any
            # day of that year.
            year = [dt.date(born.year, 1, 1), dt.date(born.year, 12, 31)]
            for route, column, key, other in (("name_year", "name_key", nk, "patronymic_key"),
                                              ("patronymic_year", "patronymic_key", pk,
                                               "name_key")):
                if key:
                    extra, more = _first_letters([("surname_key", sk),
                                                  (other, pk if other == "patronymic_key"
                                                   else nk)])
                    out.append(_Route(route, f'"{column}" = {{p}} AND "birth_date" BETWEEN '
                                      f"{{p}} AND {{p}}{extra}", [key, *year, *more]))
    if roots and nk:
        where = f'"surname_key" IN ({_marks(roots)}) AND "name_key" = {{p}}'
        if born is not None:
            out.append(_Route("names", where, [*roots, nk], 'ABS("birth_year" - {p})',
                              (born.year,)))
        else:
            out.append(_Route("names_any", where, [*roots, nk]))
    swapped_root = surname_root(probe.names[1])
    swapped_name = probe.surname_skeleton[:KEY_LENGTH]
    if len(swapped_root) >= 2 and len(swapped_name) >= 2 and swapped_name != nk:
        out.append(_Route("swapped", '"surname_key" = {p} AND "name_key" = {p}',
                          [swapped_root, swapped_name]))
    return out


def _branch(route: _Route, p: str, select: str = _SELECT) -> str:
    order = f" ORDER BY {route.order.format(p=p)}" if route.order else ""
    limit = _LIMITS.get(route.name, ROUTE_LIMIT)
    return f"{select}{route.where.format(p=p)}{order} LIMIT {limit}"


Piece = tuple[str, str, list[Any]]  # kind ('c', 'i', 'n' or 's'), a SELECT with %s marks, params


def pieces(probe: Probe, keys: dict[str, Any], p: str, ids: bool = False) -> list[Piece]:
    """The look-ups of a search, each a SELECT of its own: the candidates ('c': the person
    columns), how many share the probe's surname and name ('n': one count, up to
    NAMESAKE_CAP) and the persons declared different from the probe ('s': their ids).
    With `ids`, a look-up that keeps only some of the rows its index gives (the first
    letters of other name keys) selects their ids alone ('i', `statement`).
    [] when there is nothing to look up by. `statement` sends them as one statement,
    models.matching.many a batch's together."""
    routes = _routes(probe, keys)
    if not routes:
        return []
    out: list[Piece] = [("i", _branch(r, p, _IDS), [*r.params, *r.order_params])
                        if ids and _FILTER in r.where else
                        ("c", _branch(r, p), [*r.params, *r.order_params]) for r in routes]
    if keys["surname_key"] and keys["name_key"]:
        out.append(("n", f"SELECT COUNT(*) FROM ({_NAMESAKES_ROWS.format(p=p)}) n",
                    [keys["surname_key"], keys["name_key"]]))
    distinct = _q(PersonDistinct._meta.table_name)
    out.append(("s", f'SELECT "person_id" FROM {distinct} WHERE "fingerprint" = {p}',
                [probe.fingerprint()]))
    if probe.person_id is not None:
        out.append(("s", f'SELECT "other_id" FROM {distinct} '
                    f'WHERE "person_id" = {p} AND "other_id" IS NOT NULL', [probe.person_id]))
        out.append(("s", f'SELECT "person_id" FROM {distinct} WHERE "other_id" = {p}',
                    [probe.person_id]))
    return out


def statement(probe: Probe, keys: dict[str, Any] | None = None) -> tuple[str, list[Any]]:
    """The one SQL statement (and its parameters) a search sends: its rows are its
    pieces' (kind first, padded with NULLs to the person columns), so a search is one
    round trip to the server. ("", []) when there is nothing to look up by."""
    keys = probe.keys() if keys is None else keys
    found = pieces(probe, keys, Person._meta.database.param, ids=is_postgres())
    if not found:
        return "", []
    nulls = ", " + ", ".join(["NULL"] * (len(_PERSON_COLUMNS) - 1))
    rows = [f for f in found if f[0] != "i"]
    parts = [f"SELECT '{kind}', r{i}.*{nulls if kind != 'c' else ''} FROM ({sql}) r{i}"
             for i, (kind, sql, _) in enumerate(rows)]
    params = [v for _, _, values in rows for v in values]
    ids = [(sql, values) for kind, sql, values in found if kind == "i"]
    if ids:
        # PostgreSQL: the ids of the look-ups that filter, from their indexes alone
        # (index-only scans, migration v19); each person they found then read once.
        parts.insert(0, f"SELECT 'c', {_COLUMNS} FROM {_PERSON} WHERE \"id\" = ANY(ARRAY("
                     + " UNION ALL ".join(f"({sql})" for sql, _ in ids) + "))")
        params = [v for _, values in ids for v in values] + params
    parts[0] = parts[0].replace("',", "' AS k,", 1)
    return " UNION ALL ".join(parts), dated(params)


def dated(params: list[Any]) -> list[Any]:
    """Dates as ISO text on SQLite (Person is bound to the proxy; the engine behind it)."""
    if is_postgres():
        return params
    return [v.isoformat() if isinstance(v, dt.date) else v for v in params]


Found = tuple[dict[int, tuple], int, set[int]]  # candidate rows by id, namesakes, hidden


def collect(rows: Iterable[tuple]) -> Found:
    """Candidate rows by id, the namesake count, the ids declared different, from the
    rows of a search's pieces (kind first)."""
    found: dict[int, tuple] = {}
    common, hidden = 0, set()
    for kind, *row in rows:
        if kind == "n":
            common = int(row[0])
        elif kind == "s":
            hidden.add(row[0])
        elif row[0] not in found:
            born = row[4]
            if isinstance(born, str):  # SQLite hands back text
                born = dt.date.fromisoformat(born)
            found[row[0]] = (*row[:4], born, *row[5:])
    return found, common, hidden


def _fetch(probe: Probe, keys: dict[str, Any]) -> Found:
    """Candidate rows by id, the namesake count, the ids declared different."""
    sql, params = statement(probe, keys)
    if not sql:
        return {}, 0, set()
    return collect(run(Person._meta.database, sql, params))


_NAMESAKES_ROWS = (f"SELECT 1 FROM {_PERSON} WHERE \"surname_key\" = {{p}} "
                   f"AND \"name_key\" = {{p}} LIMIT {NAMESAKE_CAP}")
_NAMESAKES = f"SELECT COUNT(*) FROM ({_NAMESAKES_ROWS}) n"


def namesakes(keys: dict[str, Any]) -> int:
    """How many persons share the probe's surname and name keys, counted up to
    NAMESAKE_CAP on the (surname_key, name_key) index: "very common name" needs no more."""
    if not keys["surname_key"] or not keys["name_key"]:
        return 0
    db = Person._meta.database
    row = db.execute_sql(_NAMESAKES.format(p=db.param),
                         (keys["surname_key"], keys["name_key"])).fetchone()
    return int(row[0]) if row else 0


def _rank(rows: Iterable[tuple], judge: Callable[[tuple], Verdict],
          thresholds: Mapping[str, float] | None, hidden: set[int], limit: int | None
          ) -> Ranked:
    """Score rows (id first), keep those with a band and not hidden (declared
    different by an operator), best first."""
    th = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    scored = []
    for row in rows:
        if row[0] in hidden:
            continue
        verdict = judge(row)
        b = band(verdict, th)
        if b is not None:
            scored.append((verdict, b, row))
    scored.sort(key=lambda s: (-s[0].score, s[2][0]))
    return scored[:limit]


@lru_cache(maxsize=65536)
def _parts(surname: str) -> tuple[str, ...]:
    """Skeletons of a double surname's parts; () for a surname of one word."""
    words = name_words(surname)
    return tuple(skeleton(w) for w in words) if len(words) > 1 else ()


def find_candidates(probe: Mapping[str, Any] | Probe, limit: int = 10,
                    thresholds: Mapping[str, float] | None = None) -> list[Candidate]:
    """Persons of the register who may be the probe, best first, at most `limit`.

    `probe` holds card field names: surname, given_name (or name), patronymic,
    birth_date (date or ISO text), iin, sex, and person_id when the card is already
    linked to someone (that person is not offered, nor those declared different).
    `thresholds` is Config.matching (exact / probable / possible); below "possible"
    a candidate is not returned. models.matching.many.find_candidates_many answers the
    same for a batch of probes.
    """
    p = probe if isinstance(probe, Probe) else Probe.from_dict(dict(probe))
    if p.empty or limit <= 0:
        return []
    found = _search(p, limit, thresholds)
    meant = mistyped(p, found)
    if meant is None:
        return found
    return with_layout(found, _search(meant, limit, thresholds), limit)


def mistyped(p: Probe, found: list[Candidate]) -> Probe | None:
    """The probe to search again with names typed with the Latin keyboard layout on
    (Rhfdxtyrj for Кравченко) read as the Cyrillic keys they were meant for; None when
    the first search found an exact or probable candidate, or no name reads otherwise."""
    if found and found[0].band in (EXACT, PROBABLE):
        return None
    meant = {f: wrong_layout(getattr(p, f)) for f in ("surname", "given_name", "patronymic")}
    if not any(meant.values()):
        return None
    return replace(p, **{f: v for f, v in meant.items() if v})


def with_layout(found: list[Candidate], again: list[Candidate], limit: int) -> list[Candidate]:
    """The candidates of both searches (`mistyped`), the better score of each kept."""
    best = {c.person_id: c for c in found}
    for c in again:
        if c.person_id not in best or c.score > best[c.person_id].score:
            best[c.person_id] = replace(c, reasons=(*c.reasons, "keyboard_layout"))
    return sorted(best.values(), key=lambda c: (-c.score, c.person_id))[:limit]


def may_find(probe: Mapping[str, Any] | Probe, persons: Iterable[Mapping[str, Any]],
             thresholds: Mapping[str, float] | None = None) -> bool:
    """Could find_candidates(probe) answer otherwise were these persons (columns as
    models.persons.person_columns writes them) in the register? True when one of them
    shares the probe's surname and name keys (the namesake count moves) or would score
    a band against it (at the highest score a namesake count allows, names typed in
    the wrong keyboard layout included); False means none of them could be offered.
    An import that matched a batch of cards together asks this of the new persons made
    by the cards before each one, and matches again only the cards it says True for."""
    p = probe if isinstance(probe, Probe) else Probe.from_dict(dict(probe))
    if p.empty:
        return False
    rows = [(0, r.get("surname") or "", r.get("given_name") or "", r.get("patronymic") or "",
             r.get("birth_date"), r.get("iin"), r.get("sex"), r.get("address"), r.get("ref"),
             r.get("surname_key") or "", r.get("name_key") or "",
             r.get("patronymic_key") or "") for r in persons]
    keys = p.keys()
    if any((r[9], r[10]) == (keys["surname_key"], keys["name_key"]) for r in rows):
        return True
    probes = [p]
    meant = {f: wrong_layout(getattr(p, f)) for f in ("surname", "given_name", "patronymic")}
    if any(meant.values()):
        probes.append(replace(p, **{f: v for f, v in meant.items() if v}))
    return any(_rank(rows, _judge(q, q.keys(), 0, thresholds), thresholds, set(), 1)
               for q in probes)


def _iin_date(iin: str, typed: dt.date) -> dt.date | None:
    """The birth date an IIN's first six digits give; with its seventh (the century
    and sex) mistyped, in the typed date's century."""
    if len(iin) != 12:
        return None
    born = iin_birth_date(iin)
    if born is None and iin[:6].isdigit():
        try:
            born = dt.date(typed.year // 100 * 100 + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
        except ValueError:
            return None
    return born


def _judge(p: Probe, keys: dict[str, Any], common: int,
           thresholds: Mapping[str, float] | None) -> Callable[..., Verdict]:
    """How a candidate row (_PERSON_COLUMNS) scores against the probe."""
    side = PersonSide(p.surname_skeleton, keys["name_key"], keys["patronymic_key"],
                      p.effective_birth_date, p.iin, p.effective_sex,
                      _parts(p.names[0]), keys["surname_key"], p.names[:2],
                      p.birth_date is None and bool(p.iin),
                      (skeleton(p.names[2])[:KEY_LENGTH], patronymic_stem(p.names[1])[:KEY_LENGTH])
                      if p.names[1] and p.names[2] else ())

    floor = {**DEFAULT_THRESHOLDS, **(thresholds or {})}[POSSIBLE]
    # A typed birth date that the IIN's first six digits contradict: one of the two is
    # wrong, and either may be. The candidate is judged by each, the better kept.
    by_iin = _iin_date(p.iin, p.birth_date) if p.birth_date is not None else None
    other = side._replace(birth_date=by_iin, from_iin=True) \
        if by_iin is not None and by_iin != p.birth_date else None

    def judge(r: tuple, own_name: bool = False) -> Verdict:
        cand = PersonSide(skeleton(r[1]), r[10], r[11], r[4], r[5] or "", r[6] or "",
                          _parts(r[1]), r[9], (r[1], r[2]))
        if far(side, cand, floor) and (other is None or far(other, cand, floor)):
            return FAR  # what score_person would answer, told from upper bounds
        verdict = score_person(side, cand, common, floor, own_name)
        if other is not None and verdict.score < 1.0:
            again = score_person(other, cand, common, floor, own_name)
            if again.score > verdict.score:
                # never "exact": the typed date is still another
                return again._replace(perfect=False,
                                      reasons=(*again.reasons, "date_from_iin"))
        return verdict

    return judge


def _search(p: Probe, limit: int, thresholds: Mapping[str, float] | None) -> list[Candidate]:
    keys = p.keys()
    return ranked(p, keys, _fetch(p, keys), limit, thresholds)


def ranked(p: Probe, keys: dict[str, Any], fetched: Found, limit: int,
           thresholds: Mapping[str, float] | None) -> list[Candidate]:
    """The candidates of a search's rows (`collect`), scored, best first."""
    rows, common, gone = fetched
    if p.person_id is not None:
        rows.pop(p.person_id, None)
    if not rows:
        return []
    judge = _judge(p, keys, common, thresholds)
    scored = _rank(rows.values(), judge, thresholds, gone, None)
    scored = own_names(keys["name_key"], scored, judge, thresholds)[:limit]
    return [Candidate(r[0], round(v.score, 4), b, r[1], r[2], r[3], r[4], r[5], r[6] or "",
                      r[7] or "", r[8], v.reasons)
            for v, b, r in scored]
