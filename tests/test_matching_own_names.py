"""Given names of their own (models.matching.ownnames): twins Марина and Мария are two
people, a typo of Мария is not, and the register's persons are what tells them apart."""

from __future__ import annotations

import datetime as dt

from models.matching import POSSIBLE, PROBABLE, find_candidates
from models.matching.ownnames import OWN_NAME_BEARERS, bearers, statement
from models.tables import Person
from tests.test_matching_search import _no_full_scan, _plan, person

BORN = dt.date(1957, 1, 29)


def many(given: str, sex: str, n: int = OWN_NAME_BEARERS) -> None:
    """`n` persons of other families who bear `given`."""
    for i in range(n):
        person("Петров" if sex == "1" else "Петрова", given, "", dt.date(1960 + i, 5, 3),
               sex=sex)


def search(given: str, sex: str = "2", surname: str = "Денисова",
           patronymic: str = "Григориевна") -> list:
    return find_candidates({"surname": surname, "given_name": given,
                            "patronymic": patronymic, "birth_date": BORN, "sex": sex})


def test_a_twin_with_a_name_alike_is_possible_not_probable(db) -> None:
    maria = person("Денисова", "Мария", "Григориевна", BORN, sex="2")
    many("Мария", "2")
    many("Марина", "2")
    cands = search("Марина")
    assert cands[0].person_id == maria.id
    assert cands[0].band == POSSIBLE and "name_differs" in cands[0].reasons


def test_a_typo_of_the_name_is_still_probable(db) -> None:
    maria = person("Денисова", "Мария", "Григориевна", BORN, sex="2")
    many("Мария", "2")
    many("Марина", "2")
    cands = search("Мраия")
    assert cands[0].person_id == maria.id and cands[0].band == PROBABLE


def test_a_name_the_register_hardly_knows_is_read_as_a_slip(db) -> None:
    """Without its bearers Марина may be a slip of Мария: probable, as before."""
    maria = person("Денисова", "Мария", "Григориевна", BORN, sex="2")
    many("Мария", "2")
    many("Марина", "2", OWN_NAME_BEARERS - 1)
    cands = search("Марина")
    assert cands[0].person_id == maria.id and cands[0].band == PROBABLE


def test_a_name_of_the_other_sex_is_a_slip(db) -> None:
    """Евгени is Евгений's key, a man's name: keyed for a woman it is her Евгения."""
    her = person("Денисова", "Евгения", "Григориевна", BORN, sex="2")
    many("Евгения", "2")
    many("Евгений", "1")
    cands = search("Евгени")
    assert cands[0].person_id == her.id and cands[0].band == PROBABLE


def test_kazakh_letters_lost_are_a_slip_whatever_they_spell(db) -> None:
    """Сағат without its ғ reads Саат, which is also how Саят is keyed."""
    him = person("Қыдыров", "Сағат", "Абайұлы", BORN, sex="1")
    many("Сағат", "1")
    many("Саят", "1")
    cands = search("Саат", sex="1", surname="Қыдыров", patronymic="Абайұлы")
    assert cands[0].person_id == him.id and cands[0].band == PROBABLE
    assert Person.select().count() == 2 * OWN_NAME_BEARERS + 1



def test_bearers_are_counted_by_sex_on_an_index(db) -> None:
    many("Мария", "2", 3)
    many("Марина", "1", 2)
    assert bearers([("maria", "2"), ("marina", "2"), ("marina", "")]) == {
        ("maria", "2"): 3, ("marina", "2"): 0, ("marina", ""): 2}
    sql, args = statement([("maria", "2"), ("marina", "")], db.param)
    _no_full_scan(db, _plan(db, sql, args), "person")
