"""Migration v18: the person look-ups by birth date (everyone born on a 01.01, everyone of
a year with the probe's given name or patronymic) have indexes that carry the other name
keys; each look-up uses its index on either engine, and SQLite tests the first letters
of the other name keys on the index entries, before it reads a table row."""

from __future__ import annotations

import datetime as dt

import pytest

from models.db import is_postgres
from models.matching.candidates import _branch, _routes, dated
from models.matching.keys import Probe
from models.persons import create_person
from models.tables import User

DATE = "person_birth_date_surname_key_name_key_patronymic_key"
NAME = "person_name_key_birth_date_surname_key_patronymic_key"
PATRONYMIC = "person_patronymic_key_birth_date_surname_key_name_key"
# the look-ups of a probe born 01.01 and the index each reads
LOOKUPS = {"date": DATE, "name_year": NAME, "name_date": NAME,
           "patronymic_year": PATRONYMIC, "patronymic_date": PATRONYMIC}
PROBE = {"surname": "Касымов", "given_name": "Нурлан", "patronymic": "Серикович",
         "birth_date": dt.date(1985, 1, 1)}


def _statements(db) -> dict[str, tuple[str, list]]:
    p = Probe.from_dict(PROBE)
    return {r.name: (_branch(r, db.param), dated([*r.params, *r.order_params]))
            for r in _routes(p, p.keys())}


@pytest.fixture
def persons(db) -> None:
    who = User.create(login="registrar", role="administrator")
    for surname, given, patronymic, born in (
            ("Касымов", "Нурлан", "Серикович", dt.date(1985, 6, 3)),
            ("Ахметова", "Айгуль", "Болатовна", dt.date(1985, 1, 1)),
            ("Касенов", "Нурлан", "Ерланович", dt.date(1985, 1, 1))):
        create_person({"surname": surname, "given_name": given, "patronymic": patronymic,
                       "birth_date": born, "sex": "1"}, who)


def test_the_date_lookups_indexes_carry_the_name_keys(db) -> None:
    # their key columns (PostgreSQL's carry the id as an INCLUDE column too: v19)
    indexes = {i.name: [c for c in i.columns if c != "id"] for i in db.get_indexes("person")}
    assert indexes[DATE] == ["birth_date", "surname_key", "name_key", "patronymic_key"]
    assert indexes[NAME] == ["name_key", "birth_date", "surname_key", "patronymic_key"]
    assert indexes[PATRONYMIC] == ["patronymic_key", "birth_date", "surname_key", "name_key"]
    # each replaces the index of the same leading columns
    assert not {"person_birth_date", "person_name_key_birth_date",
                "person_patronymic_key_birth_date"} & set(indexes)


def test_each_date_lookup_uses_its_index(db, persons) -> None:
    statements = _statements(db)
    assert set(LOOKUPS) <= set(statements)
    if is_postgres(db):
        db.execute_sql("SET enable_seqscan = off")  # a tiny table: ask what it would use
    for route, index in LOOKUPS.items():
        sql, params = statements[route]
        explain = "EXPLAIN " if is_postgres(db) else "EXPLAIN QUERY PLAN "
        plan = " ".join(str(r[-1]) for r in db.execute_sql(explain + sql, params).fetchall())
        assert index in plan.split(), (route, plan)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # PostgreSQL filters a
def test_sqlite_reads_the_first_letters_from_the_index(db, persons) -> None:  # plain index
    """Every name key a look-up's filter compares is read from the index entry (the
    cursor the search seeks on), not from the table's row (PostgreSQL's plain index
    scan filters on the table's row)."""
    for route in LOOKUPS:
        sql, params = _statements(db)[route]
        code = [tuple(r) for r in db.execute_sql("EXPLAIN " + sql, params).fetchall()]
        index = next(r[2] for r in code if r[1].startswith("Seek"))  # its cursor
        tested = [code[i][2] for i in range(len(code) - 1)
                  if code[i][1] == "Column" and code[i + 1][1] == "Function"
                  and "substr" in str(code[i + 1][5])]
        assert tested and set(tested) == {index}, (route, tested, index)
