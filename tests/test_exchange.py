"""The data bank's flows (§11, §12): a body's cards go to the Directorate and on to the
central bank in packages, acknowledgements come back; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from models.audit import Correction
from models.cards import register_card
from models.corrections import correct_card, remove_card
from models.db import database_proxy
from models.exchange import format as fmt
from models.exchange.common import ExchangeError
from models.exchange.export import export_cards, reexport
from models.exchange.queue import decide, waiting
from models.exchange.receive import receive
from models.exchange.tables import CardOrigin, Package, PackageCard
from models.ids import make_iin
from models.tables import Card, Person
from tests import registers
from tests.registers import Register
from tests.test_validation import individual_card, legal_card

D = dt.date
DISPATCH_DAY = D(2025, 3, 10)
RECEIVED = D(2025, 3, 11)

PEOPLE = [("Қасымов", "Ерлан", "Нұрланұлы", D(1985, 3, 12), "1"),
          ("Иванова", "Ольга", "Сергеевна", D(1990, 7, 1), "2"),
          ("Омаров", "Дархан", "Серікұлы", D(1979, 11, 23), "1")]


tiers = registers.tiers


def person_card(n: int, **over):
    surname, name, patronymic, born, sex = PEOPLE[n % len(PEOPLE)]
    values = {"surname": surname, "given_name": name, "patronymic": patronymic,
              "birth_date": born, "sex": sex, "iin": make_iin(born, sex, 100 + n % 3),
              "protocol_no": f"{700000 + n:09d}", "journal_no": f"{n + 1:05d}"}
    return individual_card(**{**values, **over})


def fill_body(reg: Register, n: int = 5) -> list[int]:
    with reg.use():
        ids = [register_card(person_card(i), reg.user, today=DISPATCH_DAY).id for i in range(n)]
        ids.append(register_card(legal_card(protocol_no="800000001"), reg.user,
                                 today=DISPATCH_DAY).id)
    return ids


def remove_and_correct(reg: Register, removed: int, corrected: int) -> None:
    """A removal and a correction with their reasons, as an administrator makes them
    (inside `reg.use()`)."""
    remove_card(removed, reg.user, "06", "внесена с нарушением Инструкции",
                today=D(2025, 3, 18))
    card = Card.get_by_id(corrected)
    correct_card(card.id, {"fine_collected": card.fine_imposed}, reg.user, "04",
                 "взыскание подтверждено", expected_version=card.version,
                 today=D(2025, 3, 18))


def send(src, dst, tmp: Path, today: dt.date = DISPATCH_DAY, received: dt.date = RECEIVED):
    """Export at `src`, import at `dst` (writing its acknowledgement); returns both."""
    with src.use():
        written = export_cards(src.cfg, src.user, tmp, today=today)
    with dst.use():
        got = receive(dst.cfg, dst.user, written.path, today=received, ack_dir=tmp)
    return written, got


def answer(reg, got, today: dt.date = RECEIVED):
    with reg.use():
        return receive(reg.cfg, reg.user, got.ack.path, today=today)


def statuses(reg) -> dict[int, str]:
    with reg.use():
        return {c.id: c.status for c in Card.select(Card.id, Card.status)}


def test_round_trip_body_directorate_central_and_back(tiers, tmp_path: Path) -> None:
    body, dr, central = tiers["body"], tiers["dir"], tiers["central"]
    ids = fill_body(body)
    written, got = send(body, dr, tmp_path)
    assert written.records == len(ids) and written.by_action == {"register": len(ids)}
    assert got.results["accepted"] == len(ids) and got.pending == 0
    # the three persons of the body's cards stay three persons at the Directorate
    with dr.use():
        assert Person.select().count() == 3
        assert {o.uid for o in CardOrigin.select()} == {f"BODY-685:{i}" for i in ids}
    assert set(statuses(body).values()) == {"dispatched"}
    back = answer(body, got)
    assert back.results["accepted"] == len(ids)
    assert set(statuses(body).values()) == {"accepted"}
    # the Directorate forwards to the central bank under the body's uids
    up, got2 = send(dr, central, tmp_path, today=RECEIVED, received=RECEIVED)
    assert up.records == len(ids) and got2.results["accepted"] == len(ids)
    with central.use():
        assert {o.uid for o in CardOrigin.select()} == {f"BODY-685:{i}" for i in ids}
        assert {o.source for o in CardOrigin.select()} == {"DIR-75"}
    answer(dr, got2)
    assert set(statuses(dr).values()) == {"accepted"}
    # nothing new: the next package is empty
    with body.use():
        again = export_cards(body.cfg, body.user, tmp_path, today=D(2025, 3, 20))
    assert again.records == 0


def test_same_package_twice_changes_nothing(tiers, tmp_path: Path) -> None:
    body, dr = tiers["body"], tiers["dir"]
    fill_body(body, 3)
    written, got = send(body, dr, tmp_path)
    with dr.use():
        before = (Card.select().count(), Person.select().count(), PackageCard.select().count())
        twice = receive(dr.cfg, dr.user, written.path, today=RECEIVED, ack_dir=tmp_path)
        after = (Card.select().count(), Person.select().count(), PackageCard.select().count())
    assert twice.already and before == after
    # the acknowledgement twice too
    answer(body, got)
    with body.use():
        rows = Correction.select().count()
        assert receive(body.cfg, body.user, got.ack.path, today=RECEIVED).already
        assert Correction.select().count() == rows


def test_reexport_is_identical_after_later_corrections(tiers, tmp_path: Path) -> None:
    body = tiers["body"]
    ids = fill_body(body, 2)
    with body.use():
        first = export_cards(body.cfg, body.user, tmp_path / "a.jsonl", today=DISPATCH_DAY)
        card = Card.get_by_id(ids[0])
        correct_card(card.id, {"address": "Алматы, Абая 2"}, body.user, "04", "опечатка",
                     expected_version=card.version, today=DISPATCH_DAY)
        again = reexport(first.ident, tmp_path / "b.jsonl")
        second = export_cards(body.cfg, body.user, tmp_path / "c.jsonl", today=D(2025, 3, 20))
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert again.manifest["data_sha256"] == first.manifest["data_sha256"]
    rec = next(fmt.records(second.path))
    assert (rec["action"], rec["values"]["address"]) == ("correct", "Алматы, Абая 2")
    assert rec["reasons"]["address"] == {"code": "04", "text": "опечатка"}


@pytest.mark.parametrize("damage", ["byte", "line", "manifest"])
def test_tampered_package_is_rejected_whole(tiers, tmp_path: Path, damage: str) -> None:
    body, dr = tiers["body"], tiers["dir"]
    fill_body(body, 3)
    with body.use():
        written = export_cards(body.cfg, body.user, tmp_path, today=DISPATCH_DAY)
    lines = written.path.read_text(encoding="utf-8").splitlines(keepends=True)
    if damage == "byte":
        assert "Қасымов" in lines[1]
        lines[1] = lines[1].replace("Қасымов", "Касымов")
    elif damage == "line":
        del lines[-1]
    else:
        head = json.loads(lines[0])
        head["receiver"]["code"] = "DIR-99"
        lines[0] = fmt.dumps(head) + "\n"
    written.path.write_text("".join(lines), encoding="utf-8")
    with dr.use():
        with pytest.raises(ExchangeError):
            receive(dr.cfg, dr.user, written.path, today=RECEIVED, ack_dir=tmp_path)
        assert Card.select().count() == 0 and Package.select().count() == 0


def test_faulty_card_comes_back_with_reason_and_deadline(tiers, tmp_path: Path) -> None:
    body, dr = tiers["body"], tiers["dir"]
    fill_body(body, 2)
    with body.use():
        # a card keyed by an older program: no line 5, penalty the article does not allow
        bad = Card.create(**{**person_card(7), "official_name": None, "main_penalty": "03"},
                          status="registered", created_by=body.user)
    written, got = send(body, dr, tmp_path)
    assert got.results == {"accepted": 3, "returned": 1}
    with dr.use():
        item = PackageCard.get(PackageCard.uid == f"BODY-685:{bad.id}")
        assert item.result == "returned" and item.card_id is None
        assert item.return_due == D(2025, 3, 14)  # 3 working days from Tuesday the 11th
    back = answer(body, got)
    assert back.results == {"accepted": 3, "returned": 1}
    with body.use():
        card = Card.get_by_id(bad.id)
        assert card.status == "returned"
        row = (Correction.select().where((Correction.card == bad.id)
                                         & (Correction.new_value == "returned")).get())
        assert row.reason_code == "01" and "DIR-75 (14.03.2025)" in row.reason_text
        assert "5:" in row.reason_text  # line 5 named with its problem
        # corrected, it goes again with the next dispatch and is accepted
        correct_card(bad.id, {"official_name": "Сейтов А.Б.", "main_penalty": "02"},
                     body.user, "01", "исправлено по возврату", expected_version=card.version,
                     today=D(2025, 3, 19))
    written2, got2 = send(body, dr, tmp_path, today=D(2025, 3, 20), received=D(2025, 3, 21))
    assert written2.by_action == {"correct": 1} and got2.results == {"accepted": 1}
    answer(body, got2)
    assert statuses(body)[bad.id] == "accepted"


def test_removal_and_correction_are_carried_with_their_reasons(tiers, tmp_path: Path) -> None:
    body, dr = tiers["body"], tiers["dir"]
    ids = fill_body(body, 3)
    _, got = send(body, dr, tmp_path)
    answer(body, got)
    with body.use():
        remove_and_correct(body, ids[0], ids[1])
    written, got2 = send(body, dr, tmp_path, today=D(2025, 3, 20), received=D(2025, 3, 21))
    assert written.by_action == {"correct": 1, "remove": 1}
    assert got2.results == {"removed": 1, "accepted": 1}
    with dr.use():
        gone = CardOrigin.get(CardOrigin.uid == f"BODY-685:{ids[0]}").card
        assert gone.status == "removed"
        row = Correction.get((Correction.card == gone.id) & (Correction.field_name == "status"))
        assert (row.reason_code, row.reason_text) == ("06", "внесена с нарушением Инструкции")
        fixed = CardOrigin.get(CardOrigin.uid == f"BODY-685:{ids[1]}").card
        assert fixed.fine_collected == fixed.fine_imposed
        row = Correction.get((Correction.card == fixed.id)
                             & (Correction.field_name == "fine_collected"))
        assert (row.reason_code, row.reason_text) == ("04", "взыскание подтверждено")
    answer(body, got2)


def test_an_export_seals_a_dispatch_only_when_cards_went(tiers, tmp_path: Path) -> None:
    body, dr = tiers["body"], tiers["dir"]
    ids = fill_body(body, 3)

    def seals() -> list[str]:
        with body.use():
            return [r[0] for r in database_proxy.obj.execute_sql(
                "SELECT source FROM seal ORDER BY id").fetchall()]

    _, got = send(body, dr, tmp_path)
    assert seals().count("dispatch") == 1 and seals()[-1] == "export"
    answer(body, got)
    with body.use():
        remove_card(ids[0], body.user, "06", "внесена с нарушением Инструкции",
                    today=D(2025, 3, 18))
    before = seals()
    written, _ = send(body, dr, tmp_path, today=D(2025, 3, 20), received=D(2025, 3, 21))
    assert written.by_action == {"remove": 1} and written.dispatched == 0
    assert seals()[len(before):] == ["export"]  # nothing went: no dispatch sealed

def test_probable_match_waits_for_the_operator(tiers, tmp_path: Path) -> None:
    body, dr = tiers["body"], tiers["dir"]
    with dr.use():  # the Directorate knows the person already, keyed without an IIN
        known = register_card(person_card(0, iin=None, protocol_no="555", journal_no="9"),
                              dr.user, today=DISPATCH_DAY).person_id
    with body.use():  # the body keys her with a day-month slip
        register_card(person_card(0, birth_date=D(1985, 12, 3), iin=None), body.user,
                      today=DISPATCH_DAY)
    _, got = send(body, dr, tmp_path)
    assert got.pending == 1 and got.ack is None  # nothing decided: nothing to answer
    with dr.use():
        [w] = waiting()
        assert [c.id for c in w.candidates] == [known]
        out = decide(dr.cfg, w.id, "same", dr.user, person_id=known, today=RECEIVED)
        assert out.result == "accepted" and Card.get_by_id(out.card_id).person_id == known
        assert waiting() == []


def test_operator_cannot_import_corrections_of_registered_cards(tiers, tmp_path: Path) -> None:
    from models.auth import add_user
    from models.tables import Role

    body, dr = tiers["body"], tiers["dir"]
    ids = fill_body(body, 1)
    send(body, dr, tmp_path)
    with body.use():
        card = Card.get_by_id(ids[0])
        correct_card(card.id, {"address": "Алматы, Абая 3"}, body.user, "04", "адрес",
                     expected_version=card.version, today=D(2025, 3, 18))
        written = export_cards(body.cfg, body.user, tmp_path, today=D(2025, 3, 20))
    with dr.use():
        clerk = add_user("clerk", Role.OPERATOR, by=dr.user)
        with pytest.raises(ExchangeError):
            receive(dr.cfg, clerk, written.path, today=D(2025, 3, 21))
        assert not Package.select().where(Package.ident == written.ident).exists()


def test_cli_contract(tiers, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_cli import run

    body, dr = tiers["body"], tiers["dir"]
    fill_body(body, 2)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, out, err = run(body.cfg, ["export", "--out", str(out_dir), "--any-day"], capsys)
    assert code == 0, err
    path = Path(out.strip())
    assert path.parent == out_dir and path.name == "BODY-685-DIR-75-000001.jsonl"
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(path.read_bytes()[:-40] + b"\n")
    code, out, err = run(dr.cfg, ["import", str(broken)], capsys)
    assert (code, out) == (1, "") and err.count("\n") == 1 and "SHA-256" in err
    code, out, err = run(dr.cfg, ["import", str(path)], capsys)
    assert code == 0, err
    ack = Path(out.strip())
    assert ack.name == "DIR-75-BODY-685-A000001.jsonl" and ack.exists()
    code, out, err = run(dr.cfg, ["import", str(path)], capsys)
    assert (code, out) == (0, "") and "уже введён" in err
    code, out, err = run(dr.cfg, ["--lang", "kk", "import", str(path)], capsys)
    assert (code, out) == (0, "") and "бұрын енгізілген" in err
    code, out, err = run(body.cfg, ["import", str(ack)], capsys)
    assert code == 0, err
    # a package for someone else, or none: exit 1, one line
    code, out, err = run(body.cfg, ["import", str(path)], capsys)
    assert code == 1 and err.count("\n") == 1 and "DIR-75" in err
    code, _, err = run(dr.cfg, ["import", str(tmp_path / "missing.jsonl")], capsys)
    assert code == 1 and err.count("\n") == 1


@pytest.mark.parametrize(("line", "message"), [
    ('tier = "region"', "organisation.tier: допустимо: body, directorate, central"),
    ('code = "dir 75"', "organisation.code: нужно 1-32 заглавных латинских буквы"),
])
def test_config_checks_tier_and_code(tmp_path: Path, line: str, message: str) -> None:
    from models.config import ConfigError, load_config
    from tests.conftest import ROOT

    key = line.split()[0]
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    lines = [line if raw.startswith(f"{key} =") else raw for raw in text.splitlines()]
    (tmp_path / "config.toml").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path / "config.toml")


def test_register_keeps_its_code(tiers, tmp_path: Path) -> None:
    body = tiers["body"]
    with body.use():
        export_cards(body.cfg, body.user, tmp_path, today=DISPATCH_DAY)
        body.cfg.org_code = "BODY-686"  # config edited afterwards: the cards sent carry 685
        with pytest.raises(ExchangeError, match="BODY-685"):
            export_cards(body.cfg, body.user, tmp_path, today=D(2025, 3, 20))


def test_large_package_checked_by_worker_processes(tiers, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The same outcome when batches are checked ahead by worker processes: the persons
    of a batch written meanwhile are not made twice."""
    from models.exchange import checker, intake

    monkeypatch.setattr(checker, "PARALLEL_FROM", 1)
    monkeypatch.setattr(intake, "BATCH", 4)
    monkeypatch.setattr(intake, "BATCH_SQLITE", 4)
    monkeypatch.setattr(intake, "ANALYSE_FROM", 4)
    monkeypatch.setattr(intake, "WRITE", 2)
    body, dr = tiers["body"], tiers["dir"]
    ids = fill_body(body, 14)
    _, got = send(body, dr, tmp_path)
    assert got.results == {"accepted": len(ids)}
    with dr.use():
        assert Person.select().count() == 3
        assert Card.select().count() == len(ids)
        if dr.url.startswith("postgres"):  # the tables were analysed as the cards came in
            [(rows,)] = dr.db.execute_sql("SELECT reltuples FROM pg_class "
                                          "WHERE oid = 'card'::regclass").fetchall()
            assert rows >= 4


def test_the_senders_decisions_travel_with_the_person(tiers, tmp_path: Path) -> None:
    """A probable duplicate decided at the Directorate is not asked again at the central
    bank: the Directorate's cards of one person come to one person there."""
    body, dr, central = tiers["body"], tiers["dir"], tiers["central"]
    with dr.use():
        register_card(person_card(0, iin=None, protocol_no="555", journal_no="9"), dr.user,
                      today=DISPATCH_DAY)
    with body.use():
        register_card(person_card(0, birth_date=D(1985, 12, 3), iin=None), body.user,
                      today=DISPATCH_DAY)
    send(body, dr, tmp_path)
    with dr.use():
        [w] = waiting()
        decide(dr.cfg, w.id, "same", dr.user, person_id=w.candidates[0].id, today=RECEIVED)
    _, got = send(dr, central, tmp_path, today=RECEIVED, received=RECEIVED)
    assert got.results == {"accepted": 2} and got.pending == 0
    with central.use():
        assert Person.select().count() == 1
