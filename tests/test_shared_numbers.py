"""Identification numbers held by more than one record: the administrator's list, until
every pair of a group is declared different."""

from __future__ import annotations

import datetime as dt

import pytest

from models.auth import add_user, os_account
from models.cards import register_card
from models.ids import make_iin
from models.matching.decisions import record_distinct
from models.shared_numbers import shared_numbers
from models.tables import Role
from tests.test_cli import run
from tests.test_validation import individual_card

BORN = dt.date(1988, 3, 12)
IIN = make_iin(BORN, "1", 4521)


@pytest.fixture
def admin(db, books):
    return add_user("boss", Role.ADMINISTRATOR, by=None, os_account_name=os_account())


def _two_people_one_number(admin):
    """The second card kept its own new person although its IIN is the first one's
    (the duplicates window left undecided)."""
    one = register_card(individual_card(surname="Сейткали", given_name="Марат", birth_date=BORN,
                                        iin=IIN, protocol_no="000000101", journal_no="00101"),
                        admin)
    two = register_card(individual_card(surname="Сейтқали", given_name="Мұрат",
                                        birth_date=dt.date(1988, 3, 21), iin=IIN,
                                        protocol_no="000000102", journal_no="00102"), admin)
    return one, two


def test_a_number_held_twice_is_listed_until_declared_different(admin) -> None:
    one, two = _two_people_one_number(admin)
    assert one.person_id != two.person_id
    [group] = shared_numbers()
    assert (group.kind, group.number, group.declared) == ("iin", IIN, 0)
    assert [(h.id, h.cards) for h in group.holders] == [(one.person_id, (one.id,)),
                                                        (two.person_id, (two.id,))]
    record_distinct(two.person_id, one.person_id, admin)
    assert shared_numbers() == []


def test_cli_lists_them_and_writes_csv(admin, cfg, capsys, tmp_path) -> None:
    one, two = _two_people_one_number(admin)
    code, out, err = run(cfg, ["persons", "shared"], capsys)
    assert code == 0, err
    assert f"ИИН {IIN}: записей 2" in out and f"карточки: {two.id}" in out
    assert "Номеров: 1, записей: 2" in out
    code, _, err = run(cfg, ["persons", "shared", "--csv", str(tmp_path / "s.csv")], capsys)
    assert code == 0, err
    lines = (tmp_path / "s.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("вид номера,номер") and len(lines) == 3
    assert f"{IIN},лицо,{one.person_id},Сейткали Марат" in lines[1]
