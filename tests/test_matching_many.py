"""The searches of a batch together (models.matching.many, as an import asks them) answer
exactly as each search alone: the same candidates, in the same order, with the same
scores, bands and reasons, over a varied register (slips, namesakes, double surnames,
missing dates, IIN routes, pairs declared different, names in the Latin keyboard
layout, legal entities); on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from models.ids import make_iin
from models.matching import EXACT, POSSIBLE, PROBABLE, find_candidates, find_legal_candidates
from models.matching.decisions import record_distinct, record_legal_distinct
from models.matching.many import find_candidates_many, find_legal_candidates_many, lateral
from models.persons import create_legal_entity
from models.tables import Person, User
from tests.test_matching_search import VARIATIONS, _no_full_scan, _plan, person, registrar

BORN = dt.date(1985, 3, 12)
IIN = make_iin(BORN, "1", 41)


def varied_register() -> dict[str, Person]:
    """Persons a batch of probes meets in many ways; two pairs declared different."""
    user = User.create(login="decider")
    out = {
        "target": person("Қасымов", "Нұрлан", "Серікұлы", iin=IIN),
        "namesake": person("Касымов", "Нурлан", "Ерланович", dt.date(1990, 7, 1)),
        "twin_day": person("Касымов", "Нурлан", "", dt.date(1985, 3, 13)),
        "sister": person("Қасымова", "Айгүл", "Серікқызы", BORN, sex="2"),
        "double": person("Иванова-Петрова", "Анна", "Сергеевна", dt.date(1970, 5, 20), sex="2"),
        "no_date": person("Ахметов", "Ерлан", "Болатович", None),
        "year_only": person("Сейтқали", "Дина", "Маратқызы", dt.date(1977, 8, 19), sex="2"),
        "iin_only": person("Омаров", "Бауыржан", "", dt.date(1991, 2, 3),
                           iin=make_iin(dt.date(1991, 2, 3), "1", 7)),
    }
    for year in range(1960, 1990):  # a very common name
        person("Иванов", "Сергей", "", dt.date(year, 6, 1))
    record_distinct(out["target"], out["twin_day"], user)
    record_distinct(out["namesake"], {"surname": "Касымов", "given_name": "Нурлан",
                                      "birth_date": dt.date(1990, 7, 2)}, user)
    return out


def probes(reg: dict[str, Person]) -> list[dict[str, Any]]:
    return [*VARIATIONS.values(),
            {"surname": "Касымов", "given_name": "Нурлан", "birth_date": dt.date(1990, 7, 2)},
            {"surname": "Касымов", "given_name": "Нурлан", "birth_date": dt.date(1985, 3, 13),
             "person_id": reg["twin_day"].id},
            {"surname": "Петрова", "given_name": "Анна", "birth_date": dt.date(1970, 5, 20)},
            {"surname": "Иванова Петрова", "given_name": "Ана", "birth_date": dt.date(1970, 5, 2)},
            {"surname": "Ахметов", "given_name": "Ерлан", "patronymic": "Болатович"},
            {"surname": "Ахметов", "given_name": "Ерлан", "birth_date": dt.date(1979, 10, 28)},
            {"surname": "Сейтқали", "given_name": "Дина", "patronymic": "Маратқызы",
             "birth_date": dt.date(1977, 1, 1)},
            {"surname": "Сейткалиева", "given_name": "Дина", "birth_date": dt.date(1977, 1, 1),
             "sex": "2"},
            {"iin": reg["iin_only"].iin},
            {"surname": "Омаров", "iin": reg["iin_only"].iin[:11] + "0"},
            {"surname": "Иванов", "given_name": "Сергей", "birth_date": dt.date(1975, 6, 2)},
            {"surname": "Иванов", "given_name": "Сергей", "birth_date": dt.date(1975, 1, 6)},
            {"surname": "Иванов", "given_name": "Сергей"},
            {"surname": "Сергей", "given_name": "Иванов", "birth_date": dt.date(1966, 6, 1)},
            {"surname": "Ybrjkftd", "given_name": "Nbveh", "birth_date": dt.date(2001, 1, 1)},
            {"surname": "Нөмірсіз"},
            {},
            {"surname": "Қасымов", "given_name": "Нұрлан", "patronymic": "Серікұлы",
             "birth_date": BORN}]  # the same probe twice in a batch


def test_a_batch_finds_what_each_search_alone_finds(db) -> None:
    reg = varied_register()
    asked = probes(reg)
    alone = [find_candidates(p) for p in asked]
    assert find_candidates_many(asked) == alone
    # the answers are varied enough to tell: every band, hidden pairs and empty ones
    bands = {c.band for found in alone for c in found}
    assert bands == {EXACT, PROBABLE, POSSIBLE}
    assert sum(1 for found in alone if not found) >= 2
    assert reg["twin_day"].id not in [c.person_id for c in alone[len(VARIATIONS) + 1]]
    assert "keyboard_layout" in {r for found in alone for c in found for r in c.reasons}
    # other limits and thresholds are those of the searches alone too
    th = {EXACT: 0.99, PROBABLE: 0.9, POSSIBLE: 0.6}
    assert find_candidates_many(asked, 2, th) == [find_candidates(p, 2, th) for p in asked]
    assert find_candidates_many(asked, 0) == [[] for _ in asked]
    assert find_candidates_many([]) == []


def test_a_batch_of_legal_entities_finds_what_each_search_alone_finds(db) -> None:
    user = registrar()
    firms = [create_legal_entity(v, user) for v in (
        {"legal_name": "ТОО «Береке-2005»", "bin": "940140000385"},
        {"legal_name": "ТОО «Береке»"},
        {"legal_name": "АО «Строй Береке»", "rnn": "271800059535"},
        {"legal_name": "ИП Ө.А. Сапар"},
        {"legal_name": "ИП А.Ө. Сапар"},
        {"legal_name": "ТОО «Алматы Құрылыс Сервис»"})]
    record_legal_distinct(firms[0], firms[1], user)
    asked: list[dict[str, Any]] = [
        {"name": "Береке 2005", "bin": "940140000385"}, {"name": "Береке"},
        {"name": "Береке", "legal_entity_id": firms[0].id}, {"name": "Строй Берек"},
        {"name": "Сервис", "rnn": "271800059535"}, {"name": "ИП Ө.А. Сапар"},
        {"name": "Алматы Курылыс Сервис"}, {"bin": "940140000386"}, {"name": "Жоқ"}, {}]
    alone = [find_legal_candidates(p) for p in asked]
    assert find_legal_candidates_many(asked) == alone
    assert sum(1 for found in alone if found) >= 6
    assert firms[1].id not in [c.legal_entity_id for c in alone[2]]


def test_a_batch_lookup_uses_an_index(db) -> None:
    """On PostgreSQL a look-up for the whole batch still reads the person table only
    through its indexes (the look-ups themselves: test_matching_search)."""
    from models.db import is_postgres
    from models.matching.candidates import pieces
    from models.matching.keys import Probe
    from models.matching.many import _array

    if not is_postgres():
        pytest.skip("SQLite runs each search alone")
    varied_register()
    probe = Probe.from_dict(VARIATIONS["exact"])
    for _kind, sql, params in pieces(probe, probe.keys(), "%s"):
        types = [_array(v) for v in params]
        text = lateral(sql, types)
        _no_full_scan(db, _plan(db, text, [[0], *([v] for v in params)]), "person")
