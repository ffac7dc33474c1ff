"""Given names of their own: what tells twins Марина and Мария from a typo.

Марина and Мария are a letter or two apart, as a typo is; only the register knows that
thousands of persons bear each. The score reads a given name alike the candidate's as a
slip (score.NAME_ALIKE); a search whose "exact" or "probable" candidates include such a
reading asks the register, in one more look-up, how many persons of the candidate's sex
bear each of the two names, and judges the candidate again with both names their own.
A register's slips of a name are each borne by a few (its operators' typos), and a
name of one sex keyed for a person of the other (Евгени for Евгения) is a slip for her.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from models.matching.prepared import run
from models.matching.score import DEFAULT_THRESHOLDS, EXACT, NAME_ALIKE, PROBABLE, Verdict, band
from models.tables import Person

OWN_NAME_BEARERS = 20  # of the first SAMPLE bearers of a name, this many of the sex
SAMPLE = 100

Ranked = list[tuple[Verdict, str, tuple]]  # verdict, band, candidate row; best first
_NAME_KEY, _SEX = 10, 6  # in a candidate row (candidates._PERSON_COLUMNS)


def statement(pairs: list[tuple[str, str]], p: str) -> tuple[str, list[str]]:
    """The look-up of `bearers` (one row per pair, its position first) and its parameters."""
    table = f'"{Person._meta.table_name}"'
    sql = " UNION ALL ".join(
        f'SELECT {i} AS n, COUNT(*) FROM (SELECT "sex" FROM {table} WHERE "name_key" = {p} '
        f"LIMIT {SAMPLE}) b{i}" + (f' WHERE "sex" = {p}' if sex else "")
        for i, (_, sex) in enumerate(pairs))
    return sql, [v for k, sex in pairs for v in ((k, sex) if sex else (k,))]


def bearers(asked: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """For each (name key, sex): how many of the first SAMPLE persons bearing the name
    key (on the index that begins with it) are of that sex (of any, for sex "")."""
    pairs = sorted({(k, s) for k, s in asked if k})
    if not pairs:
        return {}
    db = Person._meta.database
    sql, params = statement(pairs, db.param)
    return {pairs[i]: int(n) for i, n in run(db, sql, params)}


def own_names(name_key: str, scored: Ranked, judge: Callable[..., Verdict],
              thresholds: Mapping[str, float] | None) -> Ranked:
    """`scored` (the probe's given name key `name_key`) with each "exact" or "probable"
    candidate that is so only because its given name was read as a slip of the probe's
    judged again when both names are names of their own; best first again."""
    doubtful = [i for i, (v, b, _) in enumerate(scored)
                if b in (EXACT, PROBABLE) and NAME_ALIKE in v.reasons]
    if not doubtful:
        return scored
    sexes = {i: scored[i][2][_SEX] if scored[i][2][_SEX] in ("1", "2") else ""
             for i in doubtful}
    count = bearers([(k, sexes[i]) for i in doubtful
                     for k in (name_key, scored[i][2][_NAME_KEY])])
    th = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    out = list(scored)
    for i in doubtful:
        row = scored[i][2]
        if all(count.get((k, sexes[i]), 0) >= OWN_NAME_BEARERS
               for k in (name_key, row[_NAME_KEY])):
            again = judge(row, True)
            out[i] = (again, band(again, th) or "", row)
    out = [s for s in out if s[1]]
    out.sort(key=lambda s: (-s[0].score, s[2][0]))
    return out


__all__ = ["OWN_NAME_BEARERS", "Ranked", "bearers", "own_names", "statement"]
