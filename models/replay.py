"""The data against the log: every row of a logged table must be what the log says it
became after its last change (the `state` digest of that log row). A row the log does
not know was inserted around it; a row the log says exists and is gone was deleted
around it; a row whose digest differs was changed around it (a database owner with the
triggers off, a restored backup, a hand edit of the file).

Each table is read in id order in batches, beside the last log row of each of its rows
(also in id order), so a register of a million persons is checked in constant memory.
The digest is computed here, in Python, from the values the driver reads: a database
that lies about its own functions cannot make a changed row look unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import peewee as pw

from models import logpath
from models.auditlog import Correction
from models.db import database_proxy
from models.i18n import T

BATCH = 2000


@dataclass(frozen=True)
class DataProblem:
    table: str
    row_id: int
    log_row: int | None  # the last log row about it (None: the log never saw it)
    message: T


def _db() -> pw.Database:
    return database_proxy.obj


def _rows(table: str, volatile: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    """(id, state) of every row of `table`, in id order."""
    db, last = _db(), 0
    q = f'SELECT * FROM "{table}" WHERE id > {db.param} ORDER BY id LIMIT {BATCH}'
    while True:
        cur = db.execute_sql(q, (last,))
        names = [d[0] for d in cur.description]
        batch = cur.fetchall()
        if not batch:
            return
        for values in batch:
            row = dict(zip(names, values, strict=True))
            rid = row.pop("id")
            for name in volatile:
                row.pop(name, None)
            yield rid, logpath.state(row)
        last = batch[-1][names.index("id")]


def _logged(entity: str) -> Iterator[tuple[int, int, str | None]]:
    """(entity id, last log row, its state) of every row the log knows, in id order."""
    last = -1
    while True:
        latest = (Correction.select(Correction.entity_id, pw.fn.MAX(Correction.id).alias("m"))
                  .where((Correction.entity == entity) & (Correction.fmt == 2)
                         & (Correction.entity_id > last))
                  .group_by(Correction.entity_id).order_by(Correction.entity_id)
                  .limit(BATCH).tuples())
        pairs = list(latest)
        if not pairs:
            return
        states = dict(Correction.select(Correction.id, Correction.state)
                      .where(Correction.id.in_([m for _, m in pairs])).tuples())
        for eid, m in pairs:
            yield eid, m, states.get(m)
        last = pairs[-1][0]


def check_table(table: str, entity: str, volatile: tuple[str, ...]) -> Iterator[DataProblem]:
    """The rows of one table at fault, in id order."""
    data, log = _rows(table, volatile), _logged(entity)
    row = next(data, None)
    seen = next(log, None)
    while row is not None or seen is not None:
        rid = row[0] if row is not None else 2**63
        eid = seen[0] if seen is not None else 2**63
        if rid < eid:  # a row the log never saw
            yield DataProblem(table, rid, None, T(
                "{t} {id} жолы журналда жоқ: журналды айналып қосылған",
                "Строки {t} {id} нет в журнале: добавлена в обход журнала"
            ).format(t=table, id=rid))
            row = next(data, None)
            continue
        assert seen is not None
        if eid < rid:  # the log knows a row that is gone
            if seen[2] is not None:
                yield DataProblem(table, eid, seen[1], T(
                    "{t} {id} жолы жоқ, ал журнал ({n} жазба) оны жойылды демейді",
                    "Строки {t} {id} нет, а по журналу (запись {n}) она не удалялась"
                ).format(t=table, id=eid, n=seen[1]))
            seen = next(log, None)
            continue
        assert row is not None
        if seen[2] is None:
            yield DataProblem(table, rid, seen[1], T(
                "{t} {id} жолы журнал бойынша жойылған ({n} жазба), бірақ бар",
                "Строка {t} {id} по журналу удалена (запись {n}), но она есть"
            ).format(t=table, id=rid, n=seen[1]))
        elif seen[2] != row[1]:
            yield DataProblem(table, rid, seen[1], T(
                "{t} {id} жолы журналдағы соңғы күйінен ({n} жазба) өзгеше: журналды "
                "айналып өзгертілген",
                "Строка {t} {id} отличается от последнего состояния в журнале (запись {n}): "
                "изменена в обход журнала"
            ).format(t=table, id=rid, n=seen[1]))
        row, seen = next(data, None), next(log, None)


def check_data(limit: int = 20) -> tuple[list[DataProblem], int]:
    """Up to `limit` problems over every logged table, and how many rows were checked."""
    from models.migrations.v0010_logged_path import LOGGED

    problems: list[DataProblem] = []
    tables = set(_db().get_tables())
    checked = 0
    for table, how in LOGGED.items():
        if table not in tables:
            continue
        for problem in check_table(table, how.entity, how.volatile):
            problems.append(problem)
            if len(problems) >= limit:
                return problems, checked
        checked += _db().execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    return problems, checked
