"""An export's records made by a second process (models.exchange.recorder) while the
first dispatches: the same package and the same log as one process makes, and a
failure of the second process leaves nothing half-done (the open transaction rolled
back, no package)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from models import audit, batchlog
from models.audit import Correction
from models.cards import register_card
from models.exchange import cardrows, recorder
from models.exchange import format as fmt
from models.exchange.common import ExchangeError
from models.exchange.export import export_cards, write_records
from models.exchange.tables import Package
from models.i18n import T
from models.tables import Card
from tests import registers
from tests.registers import Register
from tests.test_exchange import (
    DISPATCH_DAY,
    D,
    answer,
    fill_body,
    person_card,
    remove_and_correct,
    send,
)

tiers = registers.tiers
pytestmark = pytest.mark.skipif(not recorder.available(), reason="no fork on this system")


def _all_children() -> set[int]:
    me = os.getpid()
    return {int(p) for p in Path(f"/proc/{me}/task/{me}/children").read_text().split()}


_EARLIER: set[int] = set()  # this process's children before the test (a test PostgreSQL)


@pytest.fixture(autouse=True)
def _earlier_children() -> None:
    _EARLIER.clear()
    _EARLIER.update(_all_children())


def _children() -> list[int]:
    """The processes this test started that are still there (running or not reaped)."""
    return sorted(_all_children() - _EARLIER)


def _small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slices of two cards, transactions of four: several of each in a small register."""
    monkeypatch.setattr(batchlog, "SLICE", 2)
    monkeypatch.setattr(batchlog, "PER_TRANSACTION", 4)


def _log_rows(reg: Register) -> list[tuple[Any, ...]]:
    """The dispatch's log rows (their states hold the dispatch time: audit.verify checks
    them against the cards)."""
    with reg.use():
        return list(Correction.select(Correction.card, Correction.card_version,
                                      Correction.field_name, Correction.old_value,
                                      Correction.new_value)
                    .where(Correction.event == "dispatch").order_by(Correction.id).tuples())


def _copy(path: str, to: str) -> None:
    """A register copied over another, through SQLite (connections stay open on it)."""
    src, dst = sqlite3.connect(path), sqlite3.connect(to)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _package(written: Any) -> tuple[dict[str, Any], bytes]:
    """The manifest without what tells the moment (period end, the log's head) and the
    data's bytes."""
    head, _, data = written.path.read_bytes().partition(b"\n")
    manifest = json.loads(head)
    del manifest["period"]["to"], manifest["audit_seal"]
    return manifest, data


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_second_process_writes_what_one_process_writes(tiers, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    body, dr = tiers["body"], tiers["dir"]
    ids = fill_body(body, 5)
    _, got = send(body, dr, tmp_path)
    answer(body, got)
    with body.use():  # a removal and a correction with their reasons, and new cards
        remove_and_correct(body, ids[0], ids[1])
        for n in range(5):
            register_card(person_card(n, protocol_no=f"{710000 + n:09d}",
                                      journal_no=f"{20 + n:05d}"), body.user,
                          today=DISPATCH_DAY)
    path = body.url[len("sqlite:///"):]
    _copy(path, str(tmp_path / "before.db"))
    _small_slices(monkeypatch)
    out: dict[bool, tuple[Any, ...]] = {}
    logged_before = len(_log_rows(body))
    for second in (False, True):
        if second:  # the register as it was before the first export
            _copy(str(tmp_path / "before.db"), path)
        folder = tmp_path / f"out-{second}"
        folder.mkdir()
        with body.use():
            written = export_cards(body.cfg, body.user, folder, today=D(2025, 3, 20),
                                   second_process=second)
            assert audit.verify().ok
            statuses = sorted(Card.select(Card.status).tuples())
        assert not _children()  # the second process ended and was reaped
        out[second] = (_package(written), written.records, written.by_action,
                       written.dispatched, statuses, _log_rows(body)[logged_before:])
    assert out[True] == out[False]
    (_, data), records, by_action, dispatched, _, logged = out[True]
    assert records == 7 and by_action == {"correct": 1, "register": 5, "remove": 1}
    assert dispatched == 6 and len(logged) == 6  # the corrected card and the new ones
    assert data.count(b"\n") == 7 and "взыскание подтверждено".encode() in data


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_killed_second_process_rolls_the_dispatch_back(tiers, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    body = tiers["body"]
    fill_body(body, 5)
    monkeypatch.setattr(batchlog, "SLICE", 2)  # one transaction of three slices
    killed: list[int] = []

    def kill(done: int, total: int) -> None:
        if killed:
            return
        (pid,) = _children()
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)
        while Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z":  # dead, not reaped
            time.sleep(0.01)

    out = tmp_path / "out"
    out.mkdir()
    with body.use():
        logged = Correction.select().count()
        with pytest.raises(ExchangeError, match="Второй процесс"):
            export_cards(body.cfg, body.user, out, today=DISPATCH_DAY, progress=kill)
        assert killed and not _children()
        # the transaction open then rolled back: nothing dispatched, nothing logged
        assert {s for (s,) in Card.select(Card.status).tuples()} == {"registered"}
        assert Correction.select().count() == logged
        assert Package.select().count() == 0 and not list(out.iterdir())
        assert audit.verify().ok
        again = export_cards(body.cfg, body.user, out, today=DISPATCH_DAY)
        assert again.records == 6 and again.dispatched == 6
        assert audit.verify().ok


def _failing(writer: fmt.PackageWriter, names: list[str], rows: list[tuple[Any, ...]],
             plan: list[Any]) -> None:
    if plan:
        raise ExchangeError(T("жазу қатесі", "ошибка записи"))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_error_in_the_second_process_is_raised_in_the_first(tiers, tmp_path: Path
                                                                ) -> None:
    body = tiers["body"]
    fill_body(body, 2)
    writer = fmt.PackageWriter(tmp_path / "p.jsonl")
    with body.use():
        cards = cardrows.fetch(c for (c,) in Card.select(Card.id).tuples())
        proc = recorder.RecordProcess(writer, _failing)
    try:
        proc.send(list(cardrows.COLUMNS), list(cards.values()), [])
        proc.send(list(cardrows.COLUMNS), list(cards.values()), [(1, "u", None)])
        with pytest.raises(ExchangeError) as err:
            proc.finish()
        assert err.value.message == T("жазу қатесі", "ошибка записи")  # the same refusal
    finally:
        proc.close()
        writer.discard()
    assert not _children()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_values_other_drivers_give_travel_to_the_second_process(tiers, tmp_path: Path
                                                                 ) -> None:
    """PostgreSQL's driver gives dates as dates (not marshalled: pickled)."""
    body = tiers["body"]
    ids = fill_body(body, 3)
    with body.use():
        cards = cardrows.fetch(ids)
    rows = [tuple(dt.date.fromisoformat(v) if isinstance(v, str) and len(v) == 10
                  and v[4] == "-" else v for v in row) for row in cards.values()]
    assert any(isinstance(v, dt.date) for row in rows for v in row)
    plan = [(r[0], f"BODY-685:{r[0]}", None, "register", None, None) for r in rows]
    texts = []
    for second in (False, True):
        writer = fmt.PackageWriter(tmp_path / f"p{second}.jsonl")
        with body.use():
            if second:
                proc = recorder.RecordProcess(writer, write_records)
                try:
                    proc.send(list(cardrows.COLUMNS), rows, plan)
                    proc.finish()
                finally:
                    proc.close()
            else:
                write_records(writer, list(cardrows.COLUMNS), rows, plan)
        writer.finish({"kind": "cards"})
        texts.append(writer.target.read_bytes())
    assert texts[0] == texts[1] and texts[0].count(b"\n") == 5  # the manifest, 4 cards
