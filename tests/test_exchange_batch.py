"""An import matches its cards a batch at a time, ahead of the writing (worker
processes), and decides exactly as the same package imported one card at a time would:
the same cards linked to the same persons, the same probable matches waiting for an
operator, the same faulty cards returned; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from models.cards import register_card
from models.exchange import checker, intake
from models.exchange.checker import Checkers, check_records, check_values
from models.exchange.export import export_cards
from models.exchange.receive import receive
from models.exchange.tables import CardOrigin, ImportQueue, PackageCard
from models.tables import Card, LegalEntity, Person
from tests import registers
from tests.registers import CENTRAL, DIRECTORATE, Register, write_config
from tests.test_exchange import DISPATCH_DAY, RECEIVED, D, person_card
from tests.test_validation import legal_card

tiers = registers.tiers

NEW_MAN = {"surname": "Жұмабаев", "given_name": "Асхат", "patronymic": "Болатұлы",
           "birth_date": D(1992, 5, 5), "iin": None, "sex": "1"}


class Ahead(Checkers):
    """Batches checked when submitted, two ahead of the writing, as worker processes
    check them: a batch is matched before the batches in front of it are written."""

    def __init__(self, cfg: Any, job: Any, records_expected: int) -> None:
        super().__init__(cfg, job, 0)
        self.depth = 2

    @property
    def parallel(self) -> bool:
        return True

    def submit(self, records: list[dict[str, Any]], prior: Any = None) -> Any:
        done = check_records(records, self.job, prior)
        return lambda: done


def known_persons(reg: Register) -> None:
    """What the receiving Directorate knows before the package: the man of card 2 with
    his IIN, and Қасымов keyed without an IIN (a probable match for a slip)."""
    with reg.use():
        register_card(person_card(2, protocol_no="501", journal_no="91"), reg.user,
                      today=DISPATCH_DAY)
        register_card(person_card(0, iin=None, protocol_no="502", journal_no="92"), reg.user,
                      today=DISPATCH_DAY)


def fill(body: Register) -> None:
    """Cards whose persons are new, known exactly, probable, the same new person keyed
    twice as two persons at the body, a legal entity twice, and a faulty card."""
    cards = [person_card(0), person_card(3), person_card(1),  # 0 and 3: one IIN
             person_card(2),  # exact: known at the Directorate
             person_card(0, birth_date=D(1985, 12, 3), iin=None),  # probable
             individual(NEW_MAN, 10), individual(NEW_MAN, 11),  # a new man, twice
             legal_card(protocol_no="800000001"), legal_card(protocol_no="800000002"),
             person_card(4), individual({**NEW_MAN, "given_name": "Асқат"}, 12),
             person_card(1, protocol_no="000000777")]
    with body.use():
        for values in cards:
            register_card(values, body.user, today=DISPATCH_DAY)
        # a card keyed by an older program: no line 5, a penalty the article does not allow
        Card.create(**{**person_card(7), "official_name": None, "main_penalty": "03"},
                    status="registered", created_by=body.user)


def individual(who: dict[str, Any], n: int) -> dict[str, Any]:
    return person_card(n, **who)


def outcome(reg: Register) -> dict[str, Any]:
    """Per uid: the result, the reasons, whose card it became and the candidates a
    waiting card offers; persons named by their data and the uids of their cards."""
    with reg.use():
        cards: dict[int, list[str]] = {}
        for o in CardOrigin.select():
            cards.setdefault(o.card.person_id or -o.card.legal_entity_id, []).append(o.uid)

        def who(person_id: int | None, legal_id: int | None = None) -> tuple | None:
            if person_id:
                p = Person.get_by_id(person_id)
                return (p.surname, p.given_name, p.birth_date, p.iin,
                        sorted(cards.get(person_id, [])))
            if legal_id:
                e = LegalEntity.get_by_id(legal_id)
                return (e.name, e.bin, sorted(cards.get(-legal_id, [])))
            return None

        out: dict[str, Any] = {}
        for item in PackageCard.select().order_by(PackageCard.uid):
            card = Card.get_by_id(item.card_id) if item.card_id else None
            q = ImportQueue.get_or_none(ImportQueue.item == item.id)
            offered = sorted((c["kind"], c["band"], c["score"],
                              who(c["id"]) if c["kind"] == "person" else who(None, c["id"]))
                             for c in json.loads(q.candidates)) if q else []
            out[item.uid] = (item.result, item.reasons,
                             who(card.person_id, card.legal_entity_id) if card else None,
                             offered)
        return out


@pytest.fixture
def two_directorates(tiers, tmp_path: Path):
    """The test's Directorate and a second one on the other database of the backend."""
    other = tiers["central"]
    second = Register("dir2", other.url, write_config(tmp_path / "dir2", other.url,
                                                      "directorate", DIRECTORATE, CENTRAL))
    second.user = other.user
    yield tiers["body"], tiers["dir"], second
    second.close()


def test_batch_import_decides_as_card_by_card(two_directorates, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    body, batched, single = two_directorates
    fill(body)
    with body.use():
        written = export_cards(body.cfg, body.user, tmp_path, today=DISPATCH_DAY)
    for reg in (batched, single):
        known_persons(reg)
    monkeypatch.setattr(intake, "WRITE", 2)
    # one card at a time: each matched after every card before it is written
    monkeypatch.setattr(intake, "BATCH", 1)
    monkeypatch.setattr(intake, "BATCH_SQLITE", 1)
    with single.use():
        one = receive(single.cfg, single.user, written.path, today=RECEIVED)
    # batches of 3 matched two batches ahead of the writing
    monkeypatch.setattr(intake, "BATCH", 3)
    monkeypatch.setattr(intake, "BATCH_SQLITE", 3)
    monkeypatch.setattr(intake, "Checkers", Ahead)
    validated: list[str] = []
    checked: list[str] = []
    real_validate, real_check = check_values, check_records

    def validate(rec: dict[str, Any], today: Any) -> Any:
        validated.append(rec["uid"])
        return real_validate(rec, today)

    def check(records: list[dict[str, Any]], job: Any, prior: Any = None) -> Any:
        checked.extend(r["uid"] for r in records)
        return real_check(records, job, prior)

    monkeypatch.setattr(checker, "check_values", validate)
    monkeypatch.setattr(sys.modules[__name__], "check_records", check)
    with batched.use():
        many = receive(batched.cfg, batched.user, written.path, today=RECEIVED)
    assert many.results == one.results == {"accepted": 10, "pending": 2, "returned": 1}
    # cards that waited for a later batch were looked up again, not validated again
    assert len(checked) > len(set(checked)) == 13
    assert sorted(validated) == sorted(set(checked))
    expected = outcome(single)
    assert outcome(batched) == expected
    uid = {n: f"BODY-685:{n}" for n in range(1, 14)}

    def person_of(n: int) -> tuple:
        return expected[uid[n]][2]

    # one IIN, two persons at the body: one person here (the known Қасымов, exact)
    assert person_of(1) == person_of(2) and person_of(1)[3] is None
    assert person_of(3) == person_of(10) == person_of(12)  # Иванова, new here, three cards
    assert person_of(3)[4] == [uid[10], uid[12], uid[3]]
    assert person_of(4)[3] == "791123301022"  # Омаров, known here with his IIN
    # the new man keyed twice as two persons at the body: one new person here
    assert person_of(6) == person_of(7) and person_of(6)[4] == [uid[6], uid[7]]
    assert expected[uid[8]][2] == expected[uid[9]][2]  # one legal entity for its BIN
    # probable matches wait for an operator: the slip of Қасымов's birth date, and
    # Асқат, who may be the new man of the same package
    assert expected[uid[5]][0] == "pending" and expected[uid[5]][3][0][1] == "probable"
    assert [c[3][4] for c in expected[uid[11]][3]] == [[uid[6], uid[7]]]
    result, reasons, linked, _ = expected[uid[13]]
    assert (result, linked) == ("returned", None)
    assert {r["line"] for r in json.loads(reasons)} == {"5", "11.1"}
    with batched.use():
        assert Person.select().count() == 2 + 2  # the two known, Иванова, the new man
        assert LegalEntity.select().count() == 1
        before = (Card.select().count(), Person.select().count(),
                  PackageCard.select().count(), ImportQueue.select().count())
        again = receive(batched.cfg, batched.user, written.path, today=RECEIVED)
        after = (Card.select().count(), Person.select().count(),
                 PackageCard.select().count(), ImportQueue.select().count())
    assert again.already and before == after


def _columns(**over: Any) -> dict[str, Any]:
    from models.persons import person_columns

    return person_columns({**{k: v for k, v in person_card(0).items()
                              if k in ("surname", "given_name", "patronymic", "birth_date",
                                       "iin", "sex")}, **over})


def test_may_find_says_which_new_persons_could_change_a_match() -> None:
    from models.matching import may_find

    probe = {"surname": "Қасымов", "given_name": "Ерлан", "patronymic": "Нұрланұлы",
             "birth_date": D(1985, 3, 12), "sex": "1"}
    other = _columns(surname="Омаров", given_name="Дархан", patronymic="Серікұлы",
                     birth_date=D(1985, 7, 1), iin=None)
    slip = _columns(surname="Касымов", birth_date=D(1985, 3, 21), iin=None)
    namesake = _columns(patronymic="Серікұлы", birth_date=D(1950, 1, 9), iin=None)
    assert not may_find(probe, [other])  # same birth year, nothing else: never offered
    assert may_find(probe, [other, slip])  # a slip of the name and date: offered
    assert may_find(probe, [namesake])  # not offered, but the namesake count moves
    # typed with the Latin layout on: the person it was meant for could be offered
    assert may_find({**probe, "surname": "Rfcsvjd"}, [_columns(surname="Касымов", iin=None)])


def test_iin_neighbours_are_the_valid_numbers_one_slip_away() -> None:
    import random

    from models.ids import iin_valid
    from models.matching.slips import iin_neighbours

    def every(iin: str) -> tuple[str, ...]:
        near = [iin[:i] + d + iin[i + 1:] for i in range(12) for d in "0123456789"
                if d != iin[i]]
        near += [iin[:i] + iin[i + 1] + iin[i] + iin[i + 2:] for i in range(11)
                 if iin[i] != iin[i + 1]]
        return tuple(dict.fromkeys(n for n in near if iin_valid(n) and n != iin))

    rng = random.Random(7)
    for _ in range(300):
        iin = "".join(rng.choice("0123456789") for _ in range(12))
        assert iin_neighbours(iin) == every(iin)
    assert iin_neighbours("٨٥٠٣١٢٣٠٠١٢٣") == ()  # no ASCII digit: none is one slip away
