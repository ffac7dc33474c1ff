"""Quarterly reconciliation (§9): statements of the quarter exchanged between a body and
its Directorate; no difference after a clean exchange, then exactly the planted ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models.cards import register_card
from models.corrections import correct_card
from models.exchange.tables import CardOrigin
from models.reconcile import due_date, quarter_bounds, reconcile, write_csv, write_statement
from models.tables import Card
from tests import registers
from tests.test_exchange import answer, fill_body, person_card, send

D = dt.date


tiers = registers.tiers


def both_ways(body, dr, tmp: Path):
    """The Directorate's statement compared at the body, and the body's at the Directorate."""
    with dr.use():
        for_body = write_statement(dr.cfg, dr.user, "2025Q1", "BODY-685", tmp)
    with body.use():
        at_body = reconcile(body.cfg, body.user, "2025Q1", for_body)
        for_dir = write_statement(body.cfg, body.user, "2025Q1", "DIR-75", tmp)
    with dr.use():
        at_dir = reconcile(dr.cfg, dr.user, "2025Q1", for_dir)
    return at_body, at_dir


def test_quarters() -> None:
    assert quarter_bounds("2025Q1") == (D(2025, 1, 1), D(2025, 3, 31))
    assert quarter_bounds("2024q4") == (D(2024, 10, 1), D(2024, 12, 31))
    assert due_date("2025Q4") == D(2026, 1, 10)


def test_no_difference_then_exactly_the_planted_ones(tiers, tmp_path: Path) -> None:
    body, dr = tiers["body"], tiers["dir"]
    ids = fill_body(body, 4)
    _, got = send(body, dr, tmp_path)
    answer(body, got)
    at_body, at_dir = both_ways(body, dr, tmp_path)
    assert at_body.same and at_dir.same, (at_body.differences, at_dir.differences)
    assert at_body.mine["state"]["live"] == at_body.theirs["state"]["live"] == len(ids)
    # planted: a faulty card (returned), one not dispatched yet, one corrected at the
    # Directorate by its own administrator
    with body.use():
        bad = Card.create(**{**person_card(9), "official_name": None}, status="registered",
                          created_by=body.user)
    _, got2 = send(body, dr, tmp_path, today=D(2025, 3, 20), received=D(2025, 3, 21))
    answer(body, got2)
    with body.use():
        late = register_card(person_card(11), body.user, today=D(2025, 3, 21))
    with dr.use():
        held = CardOrigin.get(CardOrigin.uid == f"BODY-685:{ids[0]}").card
        correct_card(held.id, {"address": "Алматы, Абая 99"}, dr.user, "04", "уточнено",
                     expected_version=held.version, today=D(2025, 3, 21))
    at_body, at_dir = both_ways(body, dr, tmp_path)
    found = {d.uid: d for d in at_body.differences}
    assert set(found) == {f"BODY-685:{i}" for i in (bad.id, late.id, ids[0])}
    assert found[f"BODY-685:{bad.id}"].cause.ru.startswith("Возвращена Управлением")
    assert found[f"BODY-685:{late.id}"].cause.ru.startswith("Ещё не отправлена")
    assert found[f"BODY-685:{ids[0]}"].lines == ["14.1"]
    assert {d.uid for d in at_dir.differences} == set(found)
    write_csv(at_body, tmp_path / "r.csv", "ru")
    text = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert f"BODY-685:{bad.id}" in text and "Возвращена Управлением" in text


def test_cli(tiers, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_cli import run

    body, dr = tiers["body"], tiers["dir"]
    fill_body(body, 2)
    _, got = send(body, dr, tmp_path)
    answer(body, got)
    code, out, err = run(dr.cfg, ["reconcile", "--quarter", "2025Q1", "--write-statement",
                                  "--for", "BODY-685", "--out", str(tmp_path)], capsys)
    assert code == 0, err
    statement = Path(out.strip())
    code, out, err = run(body.cfg, ["reconcile", "--quarter", "2025Q1", "--with",
                                    str(statement), "--csv", str(tmp_path / "r.csv")], capsys)
    assert code == 0, err
    assert "Расхождений нет" in out and (tmp_path / "r.csv").exists()
    code, out, err = run(body.cfg, ["--lang", "kk", "reconcile", "--quarter", "2025Q1",
                                    "--with", str(statement)], capsys)
    assert code == 0 and "Айырмашылық жоқ" in out and "тоқсанын салыстыру" in out, err
    code, _, err = run(body.cfg, ["--lang", "kk", "reconcile", "--quarter", "2025Q1"], capsys)
    assert code == 2 and "беріңіз" in err
    code, _, err = run(body.cfg, ["reconcile", "--quarter", "2025Q2", "--with",
                                  str(statement)], capsys)
    assert code == 1 and err.count("\n") == 1
    code, _, err = run(body.cfg, ["reconcile", "--quarter", "2025", "--with",
                                  str(statement)], capsys)
    assert code == 1 and "2025Q1" in err
