"""Finding the legal entity already in the register.

Lookups, each indexed and bounded: the BIN, or a valid BIN one slip away; the RNN;
the name's key (its significant words run together: no legal form, quotes, case or
spelling differences); the same words in any order; and the keys next to the name's
key in index order, forwards and reversed (name_rkey): a slip late in the name leaves
its start to find it by, a slip early in it its end, a word left off at the end (or
start) leaves the rest as a prefix (suffix); and, for short names, whose start and end
are too short to tell, the key with any one letter left out (LegalNameVariant). Scored in score.py: a name alone is at
most "probable"; a BIN or RNN settles it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from models.matching.candidates import CardSummary, Piece, _rank, earlier_cards
from models.matching.keys import VARIANT_MAX, LegalProbe, legal_keys, legal_variants
from models.matching.normalize import legal_word_keys
from models.matching.prepared import padded, run
from models.matching.score import OTHER_MARKS, Verdict, legal_name_sim, score_legal
from models.matching.slips import iin_neighbours
from models.matching.tables import LegalDistinct, LegalNameVariant
from models.tables import LegalEntity

NEIGHBOURS = 15  # index neighbours read on each side of the name's key (and reversed)
EXACT_LIMIT = 50
VARIANT_LIMIT = 100

_COLUMNS = ("id", "name", "bin", "rnn", "address", "name_key", "name_skey")


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


def _branches(p: LegalProbe, keys: dict[str, str], mark: str) -> list[tuple[str, list]]:
    table = f'"{LegalEntity._meta.table_name}"'
    select = "SELECT " + ", ".join(f'"{c}"' for c in _COLUMNS) + f" FROM {table} WHERE "
    out: list[tuple[str, list]] = []
    if len(p.bin) == 12:
        bins = padded([p.bin, *iin_neighbours(p.bin)], 8)
        out.append((f'{select}"bin" IN ({", ".join([mark] * len(bins))}) LIMIT {EXACT_LIMIT}',
                    bins))
    if len(p.rnn) == 12:
        out.append((f'{select}"rnn" = {mark} LIMIT {EXACT_LIMIT}', [p.rnn]))
    key, rkey, skey = keys["name_key"], keys["name_rkey"], keys["name_skey"]
    variants = padded(legal_variants(key, VARIANT_MAX + 1), 6)
    if variants:
        inner = (f'SELECT "legal_entity_id" FROM "{LegalNameVariant._meta.table_name}" '
                 f'WHERE "variant" IN ({", ".join([mark] * len(variants))}) '
                 f"LIMIT {VARIANT_LIMIT}")
        out.append((f'{select}"id" IN ({inner})', variants))
    if key:
        out.append((f'{select}"name_key" = {mark} LIMIT {EXACT_LIMIT}', [key]))
        if skey != key:
            out.append((f'{select}"name_skey" = {mark} LIMIT {EXACT_LIMIT}', [skey]))
        for column, value in (("name_key", key), ("name_rkey", rkey)):
            out.append((f'{select}"{column}" > {mark} ORDER BY "{column}" '
                        f"LIMIT {NEIGHBOURS}", [value]))
            out.append((f'{select}"{column}" < {mark} ORDER BY "{column}" DESC '
                        f"LIMIT {NEIGHBOURS}", [value]))
    return out


def pieces(p: LegalProbe, keys: dict[str, str], mark: str) -> list[Piece]:
    """The look-ups of a search, each a SELECT of its own: the candidates ('c': _COLUMNS)
    and the entities declared different from the probe ('s': their ids); [] when there is
    nothing to look up by."""
    branches = _branches(p, keys, mark)
    if not branches:
        return []
    out: list[Piece] = [("c", text, values) for text, values in branches]
    distinct = f'"{LegalDistinct._meta.table_name}"'
    out.append(("s", f'SELECT "legal_entity_id" FROM {distinct} WHERE "fingerprint" = {mark}',
                [p.fingerprint()]))
    if p.legal_entity_id is not None:
        out.append(("s", f'SELECT "other_id" FROM {distinct} '
                    f'WHERE "legal_entity_id" = {mark} AND "other_id" IS NOT NULL',
                    [p.legal_entity_id]))
        out.append(("s", f'SELECT "legal_entity_id" FROM {distinct} WHERE "other_id" = {mark}',
                    [p.legal_entity_id]))
    return out


def statement(p: LegalProbe, keys: dict[str, str] | None = None) -> tuple[str, list]:
    """The one SQL statement (and its parameters) a search sends: its pieces' rows, kind
    first. Each piece in parentheses: PostgreSQL and SQLite both allow ORDER BY / LIMIT
    inside a UNION member only as a subquery."""
    found = pieces(p, legal_keys(p.name) if keys is None else keys,
                   LegalEntity._meta.database.param)
    if not found:
        return "", []
    nulls = ", " + ", ".join(["NULL"] * (len(_COLUMNS) - 1))
    parts = [f"SELECT '{kind}'{' AS k' if not i else ''}, b{i}.*{nulls if kind != 'c' else ''} "
             f"FROM ({text}) b{i}" for i, (kind, text, _) in enumerate(found)]
    return " UNION ALL ".join(parts), [v for _, _, values in found for v in values]


Found = tuple[dict[int, tuple], set[int]]  # candidate rows by id, the ids declared different


def collect(rows: list[tuple]) -> Found:
    found: dict[int, tuple] = {}
    hidden: set[int] = set()
    for kind, *row in rows:
        if kind == "s":
            hidden.add(row[0])
        else:
            found.setdefault(row[0], tuple(row))
    return found, hidden


def _fetch(p: LegalProbe, keys: dict[str, str]) -> Found:
    sql, params = statement(p, keys)
    if not sql:
        return {}, set()
    return collect(run(LegalEntity._meta.database, sql, params))


def _initials(name: str) -> list[str]:
    return [w for w in legal_word_keys(name) if len(w) == 1 and not w.isdigit()]


def find_legal_candidates(probe: Mapping[str, Any] | LegalProbe, limit: int = 10,
                          thresholds: Mapping[str, float] | None = None
                          ) -> list[LegalCandidate]:
    """Legal entities that may be the probe (name / legal_name, bin, rnn,
    legal_entity_id), best first, at most `limit`."""
    p = probe if isinstance(probe, LegalProbe) else LegalProbe.from_dict(dict(probe))
    if p.empty or limit <= 0:
        return []
    keys = legal_keys(p.name)
    return ranked(p, keys, _fetch(p, keys), limit, thresholds)


def ranked(p: LegalProbe, keys: dict[str, str], fetched: Found, limit: int,
           thresholds: Mapping[str, float] | None) -> list[LegalCandidate]:
    """The candidates of a search's rows (`collect`), scored, best first."""
    rows, gone = fetched
    if p.legal_entity_id is not None:
        rows.pop(p.legal_entity_id, None)
    if not rows:
        return []

    mine = _initials(p.name)

    def judge(r: tuple) -> Verdict:
        s = legal_name_sim(keys["name_key"], r[5], keys["name_skey"], r[6])
        if s is not None and mine and len(mine) > 1 and _initials(r[1]) not in ([], mine):
            s *= OTHER_MARKS  # the same initials in another order: Ө.А. is not А.Ө.
        return score_legal(s, p.bin, r[2] or "", p.rnn, r[3] or "")

    return [LegalCandidate(r[0], round(v.score, 4), b, r[1], r[2], r[3], r[4] or "", v.reasons)
            for v, b, r in _rank(rows.values(), judge, thresholds, gone, limit)]

