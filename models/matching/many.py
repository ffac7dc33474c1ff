"""The searches of a batch of probes together: what an import asks for each card of a
batch, answered as find_candidates / find_legal_candidates answer each card alone.

On PostgreSQL each look-up of a search (candidates.pieces, legal.pieces) is sent once for
the whole batch: the probes' parameters go as arrays (unnest, the probe's position
first) and the look-up runs for each of them (LATERAL), with its own WHERE, ORDER BY and
LIMIT, so every probe gets the rows its own search would get. Probes whose look-up has
the same text (the same shape: lists are padded to a few lengths) share one statement,
prepared once per connection (prepared.py). The rows are then scored in Python per
probe by the same code as a search alone (candidates.ranked, legal.ranked).

SQLite has no LATERAL: there each probe's search is its one statement, as alone (an
in-process library has no round trip to save).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from models.db import is_postgres
from models.matching import candidates, legal
from models.matching.candidates import Candidate, Piece
from models.matching.keys import LegalProbe, Probe, legal_keys
from models.matching.legal import LegalCandidate
from models.matching.prepared import run
from models.tables import LegalEntity, Person

_MARK = re.compile(r"%s")


def _array(value: Any) -> str:
    """The array type a parameter's values travel in."""
    if isinstance(value, bool):
        raise TypeError("no flag is a search parameter")
    if isinstance(value, int):
        return "bigint[]"
    if isinstance(value, dt.date):
        return "date[]"
    if isinstance(value, str):
        return "text[]"
    raise TypeError(f"a search parameter of type {type(value).__name__}")


def lateral(piece_sql: str, types: Sequence[str]) -> str:
    """A look-up run for every probe of the arrays: its parameters read from the probe's
    row (v.p1 ...), the probe's position (v.i) first in every row it gives."""
    counter = iter(range(1, len(types) + 1))
    inner = _MARK.sub(lambda _: f"v.p{next(counter)}", piece_sql)
    arrays = ", ".join(f"%s::{t}" for t in ("bigint[]", *types))
    columns = ", ".join(["i", *(f"p{k}" for k in range(1, len(types) + 1))])
    return f"SELECT v.i, b.* FROM unnest({arrays}) AS v({columns}) CROSS JOIN LATERAL " \
        f"({inner}) b"


Found = tuple[dict[int, tuple], int, set[int]]  # candidate rows by id, namesakes, hidden


def run_found(db: Any, searches: list[list[Piece]]) -> list[Found]:
    """What each search's pieces find run alone (candidates.collect of their rows:
    the candidate rows by id, the first row of each kept, the namesake count, the ids
    declared different): one statement per look-up shape for them all. Each row goes
    straight to its search's dictionary (a few hundred thousand rows a package)."""
    found: list[dict[int, tuple]] = [{} for _ in searches]
    common = [0] * len(searches)
    hidden: list[set[int]] = [set() for _ in searches]
    groups: dict[tuple[str, str, tuple[str, ...]], list[tuple[int, list[Any]]]] = {}
    arrays: dict[tuple[type, ...], tuple[str, ...]] = {}  # the values' types -> arrays
    for i, pieces in enumerate(searches):
        for kind, sql, params in pieces:
            python = tuple(map(type, params))
            types = arrays.get(python)
            if types is None:
                types = arrays[python] = tuple(_array(v) for v in params)
            groups.setdefault((kind, sql, types), []).append((i, params))
    # The groups in the order their first rows would come in one search's list of rows
    # (the order candidates.collect reads them in): a person's first row is kept.
    for (kind, sql, types), members in groups.items():
        params: list[Any] = [[i for i, _ in members]]
        params += [[values[k] for _, values in members] for k in range(len(types))]
        rows = run(db, lateral(sql, types), params)
        if kind == "c":
            for row in rows:
                mine = found[row[0]]
                if row[1] not in mine:
                    mine[row[1]] = row[1:]
        elif kind == "n":
            for row in rows:
                common[row[0]] = int(row[1])
        else:
            for row in rows:
                hidden[row[0]].add(row[1])
    return list(zip(found, common, hidden, strict=True))


def _probes(values: Sequence[Mapping[str, Any] | Probe]) -> list[Probe]:
    return [v if isinstance(v, Probe) else Probe.from_dict(dict(v)) for v in values]


def _person_searches(probes: list[Probe], limit: int,
                     thresholds: Mapping[str, float] | None) -> list[list[Candidate]]:
    keys = [p.keys() for p in probes]
    if not is_postgres():
        return [candidates.ranked(p, k, candidates._fetch(p, k), limit, thresholds)
                for p, k in zip(probes, keys, strict=True)]
    db = Person._meta.database
    found = run_found(db, [candidates.pieces(p, k, db.param) for p, k in
                           zip(probes, keys, strict=True)])
    return [candidates.ranked(p, k, f, limit, thresholds)
            for p, k, f in zip(probes, keys, found, strict=True)]


def find_candidates_many(probes: Sequence[Mapping[str, Any] | Probe], limit: int = 10,
                         thresholds: Mapping[str, float] | None = None
                         ) -> list[list[Candidate]]:
    """find_candidates(probe, limit, thresholds) for each probe, in their order."""
    ps = _probes(probes)
    out: list[list[Candidate]] = [[] for _ in ps]
    if limit <= 0:
        return out
    asked = [i for i, p in enumerate(ps) if not p.empty]
    for i, found in zip(asked, _person_searches([ps[i] for i in asked], limit, thresholds),
                        strict=True):
        out[i] = found
    again = {i: m for i in asked if (m := candidates.mistyped(ps[i], out[i])) is not None}
    found_again = _person_searches(list(again.values()), limit, thresholds)
    for i, more in zip(again, found_again, strict=True):
        out[i] = candidates.with_layout(out[i], more, limit)
    return out


def find_legal_candidates_many(probes: Sequence[Mapping[str, Any] | LegalProbe],
                               limit: int = 10,
                               thresholds: Mapping[str, float] | None = None
                               ) -> list[list[LegalCandidate]]:
    """find_legal_candidates(probe, limit, thresholds) for each probe, in their order."""
    ps = [v if isinstance(v, LegalProbe) else LegalProbe.from_dict(dict(v)) for v in probes]
    out: list[list[LegalCandidate]] = [[] for _ in ps]
    if limit <= 0:
        return out
    asked = [i for i, p in enumerate(ps) if not p.empty]
    keys = {i: legal_keys(ps[i].name) for i in asked}
    fetch: Callable[[int], legal.Found]
    if is_postgres():
        db = LegalEntity._meta.database
        found = run_found(db, [legal.pieces(ps[i], keys[i], db.param) for i in asked])
        by_probe = {i: (rows, gone) for i, (rows, _, gone) in zip(asked, found, strict=True)}

        def fetch(i: int) -> legal.Found:
            return by_probe[i]
    else:
        def fetch(i: int) -> legal.Found:
            return legal._fetch(ps[i], keys[i])
    for i in asked:
        out[i] = legal.ranked(ps[i], keys[i], fetch(i), limit, thresholds)
    return out
