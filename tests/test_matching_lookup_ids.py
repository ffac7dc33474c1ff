"""Migration v19: on PostgreSQL the person look-ups that filter the rows their index gives
(the first letters of the other name keys) select ids from the index alone (index-only
scans), and the search reads each person they found once; the rows a search gets are
the same as its look-ups' rows read whole. SQLite's statement is unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from models.db import is_postgres
from models.matching.candidates import collect, dated, pieces, statement
from models.matching.keys import Probe
from models.matching.prepared import run
from models.persons import create_person
from models.tables import User

# the look-ups of a probe born 01.01 that filter, and the index each reads
FILTERING = {"person_surname_key_birth_year",
             "person_birth_date_surname_key_name_key_patronymic_key",
             "person_name_key_birth_date_surname_key_patronymic_key",
             "person_patronymic_key_birth_date_surname_key_name_key"}
PROBE = {"surname": "Касымов", "given_name": "Нурлан", "patronymic": "Серикович",
         "birth_date": dt.date(1985, 1, 1)}


@pytest.fixture
def persons(db) -> None:
    who = User.create(login="registrar", role="administrator")
    for surname, given, patronymic, born in (
            ("Касымов", "Нурлан", "Серикович", dt.date(1985, 6, 3)),
            ("Касымова", "Айгуль", "Сериковна", dt.date(1985, 1, 1)),
            ("Ахметова", "Айгуль", "Болатовна", dt.date(1985, 1, 1)),
            ("Касенов", "Нурлан", "Ерланович", dt.date(1985, 1, 1)),
            ("Нурланов", "Ерлан", "Серикович", dt.date(1985, 11, 1)),
            ("Касымов", "Нурлан", "Серикович", dt.date(1958, 1, 1)),
            ("Омаров", "Нурлан", "Асанович", dt.date(1985, 7, 9))):
        create_person({"surname": surname, "given_name": given, "patronymic": patronymic,
                       "birth_date": born, "sex": "1"}, who)


def test_a_search_gets_its_lookups_rows(db, persons) -> None:
    """The statement's candidate rows are those of its look-ups, each run alone and
    read whole, on either engine."""
    p = Probe.from_dict(PROBE)
    keys = p.keys()
    whole = [(kind, *row) for kind, sql, params in pieces(p, keys, db.param)
             for row in db.execute_sql(sql, dated(params)).fetchall()]
    assert sum(kind == "c" for kind, *_ in whole) > 5
    sql, params = statement(p, keys)
    assert collect(run(db, sql, params)) == collect(whole)


def test_filtering_lookups_read_ids_from_their_indexes(db, persons) -> None:
    p = Probe.from_dict(PROBE)
    sql, params = statement(p)
    if not is_postgres(db):  # SQLite reads the rows as before (its entries end with the id)
        assert "ANY(ARRAY(" not in sql
        assert all(kind != "i" for kind, *_ in pieces(p, p.keys(), db.param, ids=False))
        return
    assert {kind for kind, *_ in pieces(p, p.keys(), db.param, ids=True)} >= {"i", "c"}
    included = dict(db.execute_sql(
        "SELECT indexname, substring(indexdef from 'INCLUDE \\((.*)\\)') FROM pg_indexes "
        "WHERE tablename = 'person'").fetchall())
    assert included["person_surname_key_birth_year"] == "birth_md, name_key, patronymic_key, id"
    assert all(included[name] == "id" for name in FILTERING - {"person_surname_key_birth_year"})
    db.execute_sql("VACUUM ANALYZE person")  # pages all-visible, as autovacuum leaves them
    db.execute_sql("SET enable_seqscan = off")  # a tiny table: ask what it would use
    db.execute_sql("SET enable_bitmapscan = off")
    plan = [r[0] for r in db.execute_sql("EXPLAIN " + sql, params).fetchall()]
    only = {line.split(" using ")[1].split()[0] for line in plan if "Index Only Scan" in line}
    assert FILTERING <= only, plan
    assert any("person_pkey" in line for line in plan), plan  # each person read once
    options = db.execute_sql("SELECT reloptions FROM pg_class WHERE relname = 'person'"
                             ).fetchone()[0]
    assert "autovacuum_vacuum_insert_scale_factor=0.01" in options
