"""A person asked for by the name they are called by (Саша for Александр): found first,
"probable" at most, and never taken for a twin brother with a name of his own."""

from __future__ import annotations

import datetime as dt

import pytest

from models.matching import EXACT, POSSIBLE, PROBABLE, find_candidates
from models.matching.nicknames import NICKNAME_SIM, full_keys, nickname_sim
from models.matching.normalize import skeleton
from tests.test_matching_search import person

BORN = dt.date(1971, 11, 23)


@pytest.fixture
def twins(db) -> dict[str, int]:
    return {
        "Александр": person("Соколов", "Александр", "Александрович", BORN).id,
        "Иван": person("Соколов", "Иван", "Александрович", BORN).id,
        "Наталья": person("Морозова", "Наталья", "Анатольевна", BORN, sex="2").id,
    }


def found(surname: str, given: str, born: dt.date, patronymic: str = "") -> list:
    return find_candidates({"surname": surname, "given_name": given,
                            "patronymic": patronymic, "birth_date": born})


@pytest.mark.parametrize("given, born, who", [
    ("Саша", BORN, "Александр"),
    ("Саша", dt.date(1971, 11, 24), "Александр"),   # and a slip in the day
    ("Саня", dt.date(1971, 11, 22), "Александр"),
    ("Ваня", dt.date(1971, 11, 24), "Иван"),
])
def test_a_familiar_form_finds_the_full_name_first(twins: dict[str, int], given: str,
                                                    born: dt.date, who: str) -> None:
    cands = found("Соколов", given, born)
    assert cands and cands[0].person_id == twins[who]
    assert cands[0].band in (PROBABLE, POSSIBLE) and cands[0].band != EXACT
    brother = [c for c in cands if c.person_id != twins[who]]
    assert all(c.band == POSSIBLE or c.score < cands[0].score for c in brother)


def test_a_woman_by_her_familiar_name(twins: dict[str, int]) -> None:
    cands = found("Морозова", "Наташа", dt.date(1971, 11, 25), "Анатольевна")
    assert cands and cands[0].person_id == twins["Наталья"]


def test_another_name_is_still_another_person(twins: dict[str, int]) -> None:
    # Петя is no form of Александр or Иван: no "probable" for either brother
    assert all(c.band == POSSIBLE for c in found("Соколов", "Петя", BORN, "Александрович"))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_nickname_keys(backend: str) -> None:
    sasha, alexander = skeleton("Саша"), skeleton("Александр")
    assert nickname_sim(sasha, alexander, 0.0) == nickname_sim(alexander, sasha, 0.0) \
        == NICKNAME_SIM
    assert nickname_sim(skeleton("Лёша"), skeleton("Алексей"), 0.1) == \
        nickname_sim(skeleton("Леша"), skeleton("Алексей"), 0.1) == NICKNAME_SIM
    assert nickname_sim(sasha, skeleton("Иван"), 0.0) == 0.0
    assert nickname_sim(sasha, alexander, 0.95) == 0.95 and nickname_sim(sasha, "", None) is None
    assert set(full_keys(sasha)) == {alexander, skeleton("Александра")}
    assert full_keys(alexander) == ()
