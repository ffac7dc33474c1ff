"""Candidate search on a real database (SQLite and PostgreSQL): each variation kind,
ranking, "different person" decisions, "same person" corrections (§38), legal entities."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from models.ids import make_iin
from models.matching import (
    EXACT,
    POSSIBLE,
    PROBABLE,
    find_candidates,
    find_legal_candidates,
    namesakes,
    person_keys,
)
from models.matching.decisions import (
    are_distinct,
    link_same_person,
    record_distinct,
    record_legal_distinct,
    settle_fingerprint,
)
from models.matching.tables import PersonDistinct
from models.persons import create_legal_entity, create_person
from models.tables import Card, Person, PersonHistory, User

BORN = dt.date(1985, 3, 12)
IIN = make_iin(BORN, "1", 41)


def registrar() -> User:
    """The administrator who writes the test register's persons."""
    return User.get_or_none(User.login == "registrar") or User.create(
        login="registrar", role="administrator")


def person(surname: str, given: str, patronymic: str = "", born: dt.date | None = BORN,
           iin: str | None = None, sex: str = "1", **extra: Any) -> Person:
    return create_person({"surname": surname, "given_name": given, "patronymic": patronymic,
                          "birth_date": born, "iin": iin, "sex": sex, **extra}, registrar())


@pytest.fixture
def register(db) -> dict[str, Person]:
    """The person looked for, plus namesakes and look-alikes that must not win."""
    return {
        "target": person("Қасымов", "Нұрлан", "Серікұлы", iin=IIN, address="г. Алматы"),
        "namesake": person("Касымов", "Нурлан", "Ерланович", dt.date(1990, 7, 1)),
        "sister": person("Қасымова", "Айгүл", "Серікқызы", BORN, sex="2"),
        "other": person("Ахметов", "Ерлан", "Болатович", dt.date(1979, 10, 28)),
    }


def ids(cands: list) -> list[int]:
    return [c.person_id for c in cands]


def test_keys_are_stored_with_the_person(register: dict[str, Person]) -> None:
    p = Person.get_by_id(register["target"].id)
    assert (p.surname_key, p.name_key, p.patronymic_key, p.birth_year, p.birth_md) == (
        "kasim", "nurlan", "serik", 1985, 312)


VARIATIONS = {
    "exact": {"surname": "Қасымов", "given_name": "Нұрлан", "patronymic": "Серікұлы",
              "birth_date": BORN},
    "kazakh_letters_as_russian": {"surname": "Касымов", "given_name": "Нурлан",
                                  "patronymic": "Серикулы", "birth_date": BORN},
    "passport_latin": {"surname": "Kassymov", "given_name": "Nurlan",
                       "patronymic": "Serikuly", "birth_date": BORN},
    "latin_2021": {"surname": "Qasymov", "given_name": "Nūrlan", "birth_date": BORN},
    "latin_look_alikes": {"surname": "Kacымoв", "given_name": "Нурлан", "birth_date": BORN},
    "case_and_spaces": {"surname": "  ҚАСЫМОВ ", "given_name": "нұрлан", "birth_date": BORN},
    "russian_patronymic": {"surname": "Касымов", "given_name": "Нурлан",
                           "patronymic": "Серикович", "birth_date": BORN},
    "surname_typo": {"surname": "Касымрв", "given_name": "Нурлан", "birth_date": BORN},
    "name_typo": {"surname": "Касымов", "given_name": "Нурлна", "birth_date": BORN},
    "day_month_swapped": {"surname": "Касымов", "given_name": "Нурлан",
                          "birth_date": dt.date(1985, 12, 3)},
    "one_day_off": {"surname": "Касымов", "given_name": "Нурлан",
                    "birth_date": dt.date(1985, 3, 13)},
    "year_digit_slipped": {"surname": "Касымов", "given_name": "Нурлан",
                           "birth_date": dt.date(1983, 3, 12)},
    "one_year_off": {"surname": "Касымов", "given_name": "Нурлан",
                     "birth_date": dt.date(1986, 3, 12)},
    "surname_and_name_swapped": {"surname": "Нурлан", "given_name": "Касымов",
                                 "birth_date": BORN},
    "name_and_patronymic_swapped": {"surname": "Касымов", "given_name": "Серікұлы",
                                    "patronymic": "Нұрлан", "birth_date": BORN},
    "latin_keyboard_layout_and_a_day_off": {"surname": "Rfcsvjd", "given_name": "Yehkfy",
                                            "birth_date": dt.date(1985, 3, 13)},
    "iin_only": {"iin": IIN},
    "iin_with_garbled_name": {"surname": "Вомысак", "given_name": "Нарлун", "iin": IIN},
    "mistyped_iin": {"surname": "Касымов", "given_name": "Нурлан", "birth_date": BORN,
                     "iin": IIN[:11] + str((int(IIN[11]) + 1) % 10)},
}


@pytest.mark.parametrize("kind", VARIATIONS)
def test_each_variation_finds_the_person_first(register: dict[str, Person], kind: str) -> None:
    cands = find_candidates(VARIATIONS[kind])
    assert cands, f"{kind}: nobody found"
    assert cands[0].person_id == register["target"].id, (kind, cands)
    assert cands[0].band in (EXACT, PROBABLE)


def test_a_typo_and_the_birth_year_alone_still_find_the_person_first(
        register: dict[str, Person]) -> None:
    """01.01 keyed because only the year was known, and a slip in the surname: no key
    of the person is met exactly but the given name, the patronymic and the year."""
    cands = find_candidates({"surname": "Касымрв", "given_name": "Нурлан",
                             "patronymic": "Серикович", "birth_date": dt.date(1985, 1, 1)})
    assert cands and cands[0].person_id == register["target"].id
    assert "date_year_only" in cands[0].reasons


def test_birth_date_is_read_from_a_valid_iin(db) -> None:
    p = person("Касымов", "Нурлан", "", BORN, iin=None)
    cands = find_candidates({"surname": "Kassymov", "given_name": "Nurlan", "iin": IIN})
    assert cands[0].person_id == p.id and cands[0].band == EXACT


def test_iin_puts_the_true_person_first_among_namesakes(db) -> None:
    for day in range(1, 8):
        person("Касымов", "Нурлан", "", dt.date(1985, 3, day))
    true = person("Касымов", "Нурлан", "", dt.date(1991, 1, 1), iin=IIN)
    cands = find_candidates({"surname": "Касымов", "given_name": "Нурлан",
                             "birth_date": BORN, "iin": IIN})
    assert cands[0].person_id == true.id and cands[0].band == EXACT


def test_an_iin_held_under_other_names_is_shown_but_not_exact(db) -> None:
    """A slip in the IIN often gives another person's valid number: the holder is
    offered, the person with the names and birth date too, neither as "exact"."""
    holder = person("Жумабаев", "Бекзат", "", dt.date(1985, 3, 12), iin=IIN)
    named = person("Касымов", "Нурлан", "Серикович", BORN, iin=make_iin(BORN, "1", 51))
    cands = find_candidates({"surname": "Касымов", "given_name": "Нурлан",
                             "patronymic": "Серикович", "birth_date": BORN, "iin": IIN})
    by_id = {c.person_id: c for c in cands}
    assert {holder.id, named.id} <= set(by_id)
    assert EXACT not in {by_id[holder.id].band, by_id[named.id].band}
    assert "names_differ" in by_id[holder.id].reasons


def test_different_valid_iins_are_not_the_same_person(register: dict[str, Person]) -> None:
    other_iin = make_iin(BORN, "1", 7342)
    cands = find_candidates({**VARIATIONS["exact"], "iin": other_iin})
    top = {c.person_id: c for c in cands}[register["target"].id]
    assert top.band not in (EXACT, PROBABLE) and "iin_differs" in top.reasons


def test_an_iin_one_slip_off_under_the_same_names_is_probable(register: dict[str, Person]
                                                              ) -> None:
    """The 11th digit is not covered by the check digit: a slip there gives a valid IIN.
    Names, patronymic and birth date all equal make it the same person mistyped."""
    slipped = make_iin(BORN, "1", 42)  # 41 is the target's serial
    cands = find_candidates({**VARIATIONS["exact"], "iin": slipped})
    top = cands[0]
    assert top.person_id == register["target"].id
    assert top.band == PROBABLE and "iin_near" in top.reasons


def test_a_namesake_with_another_birth_date_is_not_probable(register: dict[str, Person]) -> None:
    cands = find_candidates({"surname": "Касымов", "given_name": "Нурлан",
                             "birth_date": dt.date(1971, 11, 25)})
    assert all(c.band not in (EXACT, PROBABLE) for c in cands)


def test_nobody_similar_gives_no_candidates(register: dict[str, Person]) -> None:
    assert find_candidates({"surname": "Бондаренко", "given_name": "Олег",
                            "birth_date": dt.date(1960, 1, 1)}) == []
    assert find_candidates({}) == []


def test_limit_and_order(db) -> None:
    for day in range(1, 20):
        person("Касымов", "Нурлан", "", dt.date(1985, 3, day))
    cands = find_candidates({"surname": "Касымов", "given_name": "Нурлан",
                             "birth_date": dt.date(1985, 3, 10)}, limit=5)
    assert len(cands) == 5
    assert [c.score for c in cands] == sorted((c.score for c in cands), reverse=True)
    assert cands[0].birth_date == dt.date(1985, 3, 10)


def test_namesakes_are_counted_on_the_index_up_to_a_cap(db) -> None:
    for day in range(1, 6):
        person("Иванов", "Иван", "", dt.date(1980, 1, day))
    keys = person_keys("Иванов", "Иван", "", None)
    assert namesakes(keys) == 5
    assert namesakes({**keys, "name_key": ""}) == 0


def test_the_card_linked_person_is_not_offered_to_itself(register: dict[str, Person]) -> None:
    probe = {**VARIATIONS["exact"], "person_id": register["target"].id}
    assert register["target"].id not in ids(find_candidates(probe))


def test_earlier_cards_come_with_a_candidate(register: dict[str, Person]) -> None:
    target = register["target"]
    Card.create(person=target, status="registered", article="434", part="01",
                main_penalty="02", fine_imposed=36920, offence_date=dt.date(2024, 5, 1))
    Card.create(person=target, status="executed", article="610", part="02",
                offence_date=dt.date(2025, 1, 9))
    cand = find_candidates(VARIATIONS["exact"])[0]
    cards = cand.cards()
    assert [(c.article, c.status) for c in cards] == [("610", "executed"),
                                                      ("434", "registered")]
    assert cards[1].fine_imposed == 36920 and cards[1].main_penalty == "02"


# --- "a different person" -------------------------------------------------------------

def test_different_person_pair_is_not_offered_again(register: dict[str, Person]) -> None:
    user = User.create(login="op1")
    new = person("Касымов", "Нурлан", "", dt.date(1985, 3, 13))
    probe = {**VARIATIONS["exact"], "birth_date": dt.date(1985, 3, 13), "person_id": new.id}
    assert register["target"].id in ids(find_candidates(probe))
    d = record_distinct(register["target"], new, user)
    assert (d.decided_by.id, d.decided_at is not None) == (user.id, True)
    assert are_distinct(new, register["target"])
    assert register["target"].id not in ids(find_candidates(probe))
    # deciding again keeps one row
    record_distinct(new.id, register["target"].id, user)
    assert PersonDistinct.select().count() == 1


def test_different_person_before_the_card_person_exists(register: dict[str, Person]) -> None:
    user = User.create(login="op2")
    typed = {"surname": "Касымов", "given_name": "Нурлан", "birth_date": BORN}
    record_distinct(register["target"], typed, user)
    assert register["target"].id not in ids(find_candidates(typed))
    # the same person keyed in Kazakh letters has the same fingerprint
    kk = {"surname": "Қасымов", "given_name": "Нұрлан", "birth_date": BORN}
    assert register["target"].id not in ids(find_candidates(kk))
    new = person("Касымов", "Нурлан")
    assert settle_fingerprint(typed, new) == 1
    assert are_distinct(new, register["target"])
    # someone else typing these data still gets the candidate when the data differ
    assert register["target"].id in ids(find_candidates({**typed, "patronymic": "Серикович"}))


# --- "same person" with a correction ---------------------------------------------------

def test_same_person_correction_keeps_history(register: dict[str, Person]) -> None:
    from models.permissions import PermissionDenied

    user = User.create(login="admin3", role="administrator")
    target = register["target"]
    card = {"surname": "Касымов", "given_name": "Нұрлан", "patronymic": "Серікұлы",
            "birth_date": BORN, "address": "г. Астана, ул. Абая 1"}
    operator = User.create(login="op3", role="operator")
    with pytest.raises(PermissionDenied):  # §38: correcting is not an operator's
        link_same_person(target, card, operator, correct=["address"], reason="паспорт")
    assert link_same_person(target, card, operator, correct=[]) == []  # linking is
    with pytest.raises(ValueError):
        link_same_person(target, card, user, correct=["address"])  # no reason given
    rows = link_same_person(target, card, user, correct=["address", "surname"],
                            reason="паспорт / паспорт")
    assert {r.field_name for r in rows} == {"address", "surname"}
    p = Person.get_by_id(target.id)
    assert (p.address, p.surname) == ("г. Астана, ул. Абая 1", "Касымов")
    hist = {h.field_name: h for h in PersonHistory.select().where(PersonHistory.person == p)}
    assert hist["address"].old_value == "г. Алматы"
    assert hist["address"].changed_by.id == user.id and hist["address"].reason
    assert p.surname_key == "kasim"  # keys follow the corrected name
    assert link_same_person(target, card, user, correct=[]) == []  # linking alone: no write


def test_same_person_correction_of_birth_date_moves_the_keys(register: dict[str, Person]) -> None:
    target = register["target"]
    link_same_person(target, {"birth_date": dt.date(1985, 12, 3)}, registrar(), ["birth_date"],
                     reason="ДҚ / УЛ")
    p = Person.get_by_id(target.id)
    assert (p.birth_year, p.birth_md) == (1985, 1203)
    found = find_candidates({"surname": "Касымов", "given_name": "Нурлан",
                             "birth_date": dt.date(1985, 12, 3)})
    assert found[0].person_id == target.id and found[0].band == EXACT


# --- legal entities ---------------------------------------------------------------------

def test_legal_entity_by_bin_rnn_and_name(db) -> None:
    le = create_legal_entity({"legal_name": "ТОО «Береке-2005»", "bin": "940140000385",
                              "rnn": "271800059535"}, registrar())
    other = create_legal_entity({"legal_name": "ТОО «Береке Строй»", "bin": "990140004654"},
                                registrar())
    assert find_legal_candidates({"bin": "940140000385"})[0].band == EXACT
    assert find_legal_candidates({"rnn": "271800059535"})[0].legal_entity_id == le.id
    by_name = find_legal_candidates({"name": '"Береке 2005" ЖШС'})
    assert by_name[0].legal_entity_id == le.id and by_name[0].band == PROBABLE
    # A name one letter off, no number: offered first, but another firm may bear it.
    slipped = find_legal_candidates({"name": "ТОО Берене-2005"})
    assert slipped[0].legal_entity_id == le.id and slipped[0].band == POSSIBLE
    wrong_bin = find_legal_candidates({"name": "Береке-2005", "bin": "990140004654"})
    assert wrong_bin[0].legal_entity_id == other.id
    record_legal_distinct(le, other, None)
    probe = {"name": "Береке 2005", "legal_entity_id": other.id}
    assert le.id not in [c.legal_entity_id for c in find_legal_candidates(probe)]


# --- the register is searched in the database --------------------------------------------

def _plan(db, sql: str, args: list) -> str:
    from models.db import is_postgres

    if is_postgres(db):
        db.execute_sql("SET enable_seqscan = off")  # tiny tables: ask what it could use
        return " ".join(r[0] for r in db.execute_sql("EXPLAIN " + sql, args).fetchall())
    return " ".join(str(r[-1]) for r in db.execute_sql("EXPLAIN QUERY PLAN " + sql,
                                                       args).fetchall())


def _no_full_scan(db, plan: str, table: str) -> None:
    from models.db import is_postgres

    if is_postgres(db):
        assert "Index" in plan and "Seq Scan" not in plan, plan
    else:
        assert f"SEARCH {table} USING" in plan and f"SCAN {table}" not in plan, plan


@pytest.mark.parametrize("probe", [
    {"surname": "Касымов", "given_name": "Нурлан", "patronymic": "Серикович",
     "birth_date": BORN, "iin": IIN},
    {"surname": "Иванова-Петрова", "given_name": "Анна"},
    {"surname": "Касымов Н.С.", "birth_date": BORN},
    {"iin": IIN[:11] + "0"},
    {"surname": "Касымов", "given_name": "Серикович", "patronymic": "Нурлан",
     "birth_date": dt.date(1985, 1, 1)},
], ids=["everything", "no_date", "one_field", "iin_only", "year_only_swapped"])
def test_every_candidate_query_uses_an_index(db, probe: dict) -> None:
    """No lookup of a search reads the whole person table (EXPLAIN on either engine)."""
    from models.matching.candidates import _NAMESAKES, statement
    from models.matching.keys import Probe

    person("Касымов", "Нурлан")
    sql, args = statement(Probe.from_dict(probe))
    assert sql
    _no_full_scan(db, _plan(db, sql, args), "person")
    _no_full_scan(db, _plan(db, _NAMESAKES.format(p=db.param), ["kasim", "nurlan"]), "person")


def test_every_legal_candidate_query_uses_an_index(db) -> None:
    from models.matching.keys import LegalProbe
    from models.matching.legal import statement

    create_legal_entity({"legal_name": "ТОО «Береке-2005»", "bin": "940140000385"},
                        registrar())
    sql, args = statement(LegalProbe.from_dict({"name": "Строй Береке", "bin": "940140000385",
                                                 "rnn": "271800059535"}))
    _no_full_scan(db, _plan(db, sql, args), "legal_entity")


def test_a_search_shape_is_prepared_once(register: dict[str, Person]) -> None:
    """On PostgreSQL a search's statement is parsed and planned once per connection and
    shape (models.matching.prepared); the answers are those of the plain statement."""
    from models.db import database_proxy, is_postgres
    from models.matching.candidates import statement
    from models.matching.keys import Probe

    probes = [VARIATIONS["exact"], VARIATIONS["one_day_off"], VARIATIONS["surname_typo"]]
    found = [find_candidates(p)[0].person_id for p in probes]
    assert found == [register["target"].id] * 3
    sql, params = statement(Probe.from_dict(probes[0]))
    plain = {r[1] for r in database_proxy.execute_sql(sql, params).fetchall() if r[0] == "c"}
    assert register["target"].id in plain
    if is_postgres():
        names = [r[0] for r in database_proxy.execute_sql(
            "SELECT name FROM pg_prepared_statements WHERE left(name, 9) = 'apcard_m_'")]
        assert 1 <= len(names) <= 2  # three searches, one or two shapes


def test_a_married_name_with_a_date_slip_is_found_under_a_common_name(db) -> None:
    """A woman keyed under her new (here: common) surname with a day's slip in the date:
    the namesakes of that surname say nothing about her under her registered one."""
    her = person("Цветкова", "Дарья", "Антоновна", dt.date(1973, 12, 25), sex="2")
    for year in range(1950, 1990):  # many women registered as Панова Дарья
        person("Панова", "Дарья", "", dt.date(year, 6, 1), sex="2")
    cands = find_candidates({"surname": "Панова", "given_name": "Дарья",
                             "patronymic": "Антоновна", "birth_date": dt.date(1973, 12, 24),
                             "sex": "2"})
    assert cands and cands[0].person_id == her.id and cands[0].band == POSSIBLE
