"""An import on PostgreSQL gives way to the operators keying beside it (pacing.py): the
pause it decides after each write transaction, what it counts as others at work, and
that an import paced by an operator saving meanwhile still decides every card as an
import alone does."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from models.cards import register_card
from models.exchange import intake, pacing
from models.exchange.export import export_cards
from models.exchange.pacing import MAX_PAUSE_S, MIN_SHARE, pause_for
from models.exchange.receive import receive
from models.tables import Card
from tests.test_corrections import people
from tests.test_exchange import DISPATCH_DAY, RECEIVED, D, person_card
from tests.test_exchange_batch import fill, known_persons, outcome, tiers, two_directorates
from tests.test_pg_trust import _drop_login_roles, in_transaction, psql, roles

__all__ = ["_drop_login_roles", "people", "roles", "tiers", "two_directorates"]


@pytest.fixture
def backend() -> str:
    return "postgres"


# --- the decision ----------------------------------------------------------------------

def test_nobody_else_at_work_no_pause() -> None:
    assert pause_for(0.2, 0) == 0.0
    assert pause_for(0.2, 0, slowdown=2.5) == 0.0  # a little slower than its best: noise


def test_more_operators_at_work_longer_pauses() -> None:
    pauses = [pause_for(0.1, n) for n in (1, 2, 4, 8, 16)]
    assert pauses == sorted(pauses) and pauses[0] > 0
    assert pause_for(0.1, 2) == pytest.approx(0.1)  # two at work: half the time each
    assert pause_for(0.2, 4) == pytest.approx(2 * pause_for(0.1, 4))  # proportional


def test_the_import_always_advances() -> None:
    crowd = pause_for(0.1, 10_000, slowdown=1000.0)
    assert crowd == pytest.approx(0.1 * (1 / MIN_SHARE - 1))  # works MIN_SHARE of the time
    assert pause_for(60.0, 10_000) == MAX_PAUSE_S  # a long turn: not a longer pause
    assert pause_for(-1.0, 50) == 0.0


def test_own_transactions_much_slower_mean_a_busy_server() -> None:
    # others unseen (a role without the count), yet its turns take 6 times its best
    assert pause_for(0.1, 0, slowdown=6.0) == pytest.approx(0.3)
    assert pause_for(0.1, 8, slowdown=6.0) == pause_for(0.1, 8)  # the larger signal counts


def test_slowdown_is_smoothed_and_ignores_other_work() -> None:
    lat = pacing.Latency()
    assert lat.observe(0.5, 0) == 1.0  # a batch's other records: not timed per card
    assert lat.observe(0.5, 1) == 1.0  # one card: the transaction's own cost, not timed
    assert lat.observe(0.25, 25) == 1.0  # the first turn: the measure
    noisy = [lat.observe(t, 25) for t in (0.5, 0.2, 0.45, 0.25)]
    assert max(noisy) < pacing.SLOW_FROM  # one slow turn now and then: no pause alone
    for _ in range(8):  # the server gets busy: every turn 10 times slower
        slow = lat.observe(2.5, 25)
    assert pause_for(0.1, 0, slow) > 0
    for _ in range(12):  # and free again
        fast = lat.observe(0.25, 25)
    assert pause_for(0.1, 0, fast) == 0


def test_a_register_growing_under_the_import_is_no_busy_server() -> None:
    lat = pacing.Latency()
    per_card = 0.004
    for _ in range(400):  # each card 0.5% dearer a turn: 7 times dearer at the end
        per_card *= 1.005
        slowdown = lat.observe(per_card * 25, 25)
        assert pause_for(0.1, 0, slowdown) == 0


# --- who is at work ------------------------------------------------------------------------

def test_a_login_role_counts_the_others_at_work(roles, db_url: str) -> None:
    """An operator sees only its own sessions' state: the database's function counts
    everyone's (and tells nothing else); the auditor, who imports nothing, may not."""
    with psql(db_url, "administrator") as admin:
        admin.execute("SELECT 1")  # at work: inside a transaction
        with psql(db_url, "operator") as op:
            op.execute(pacing.AT_WORK)
            assert op.fetchone()[0] == 0  # its own view: the other role's state is hidden
            op.execute("SELECT apcard_sessions_at_work()")
            assert op.fetchone()[0] >= 1
    with pytest.raises(psycopg2.Error, match="permission denied"), \
            psql(db_url, "auditor") as aud:
        aud.execute("SELECT apcard_sessions_at_work()")


def test_the_imports_own_sessions_are_not_counted(db, db_url: str) -> None:
    from tests.conftest import _server_from_url

    server = _server_from_url(db_url)
    pacer = pacing.Pacer(db, on=True)
    assert not pacer.blind  # it sees every session: its own latency is no signal
    quiet = pacer.others()
    conn = psycopg2.connect(host=server.host, port=server.port, user="postgres",
                            dbname=db.database, connect_timeout=5,
                            application_name=pacing.IMPORT_APP)
    with in_transaction(conn, {}) as cur:
        cur.execute("SELECT 1")  # a checking process of the import, at work
        assert pacer.others() == quiet
    conn = psycopg2.connect(host=server.host, port=server.port, user="postgres",
                            dbname=db.database, connect_timeout=5)
    with in_transaction(conn, {}) as cur:
        cur.execute("SELECT 1")  # an operator, at work
        assert pacer.others() == quiet + 1


# --- an import beside an operator ----------------------------------------------------------

class Recorded(pacing.Pacer):
    seen: list[tuple[int, float]] = []

    def turned(self, txn_s: float, cards: int) -> float:
        self.busy = self.others()
        pause = super().turned(txn_s, cards)
        Recorded.seen.append((self.busy, pause))
        return pause


def test_an_import_beside_an_operator_gives_way_and_decides_the_same(
        two_directorates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body, paced, alone = two_directorates
    fill(body)
    with body.use():
        written = export_cards(body.cfg, body.user, tmp_path, today=DISPATCH_DAY)
    for reg in (paced, alone):
        known_persons(reg)
    monkeypatch.setattr(intake, "WRITE", 2)  # many turns, a pause after each
    monkeypatch.setattr(intake, "BATCH", 3)
    monkeypatch.setattr(pacing, "MAX_PAUSE_S", 0.05)
    with alone.use():
        one = receive(alone.cfg, alone.user, written.path, today=RECEIVED)

    monkeypatch.setattr(intake, "Pacer", Recorded)
    Recorded.seen = []
    done, saved, failed = threading.Event(), [], []

    def operator(user: Any) -> None:  # keys and saves cards until the import is done
        n = 0
        try:
            while not done.is_set() or n < 3:
                n += 1
                card = register_card(person_card(
                    0, surname="Оператордың", given_name="Жаңа", iin=None,
                    birth_date=D(1970, 1, 1 + n % 28), protocol_no=f"{900000 + n:09d}",
                    journal_no=f"{500 + n:05d}"), user, today=DISPATCH_DAY)
                saved.append(card.id)
        except Exception as exc:  # the test fails on it below
            failed.append(exc)

    with paced.use():
        keying = threading.Thread(target=operator, args=(paced.user,))
        keying.start()
        try:
            many = receive(paced.cfg, paced.user, written.path, today=RECEIVED)
        finally:
            done.set()
            keying.join(60)
        assert not failed
        kept = Card.select().where(Card.protocol_no.startswith("0009")).count()
    assert many.results == one.results
    assert outcome(paced) == outcome(alone)
    assert kept == len(saved) >= 3  # every save of the operator is there, once
    # it saw the operator at work and paused for it
    assert any(busy > 0 and pause > 0 for busy, pause in Recorded.seen)


# --- how many new cards a write transaction holds ---------------------------------------

class Turns(pacing.Pacer):
    """Each turn's new cards and whether another session was at work after it."""

    seen: list[tuple[int, int]] = []

    def turned(self, txn_s: float, cards: int) -> float:
        pause = super().turned(txn_s, cards)
        Turns.seen.append((cards, 0 if self.alone else 1))
        return pause


def test_alone_a_batch_is_one_transaction_beside_an_operator_write_at_a_time(
        two_directorates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body, paced, alone = two_directorates
    fill(body)
    with body.use():
        written = export_cards(body.cfg, body.user, tmp_path, today=DISPATCH_DAY)
    monkeypatch.setattr(intake, "WRITE", 2)
    monkeypatch.setattr(intake, "BATCH", 6)
    monkeypatch.setattr(pacing, "MAX_PAUSE_S", 0.01)
    monkeypatch.setattr(intake, "Pacer", Turns)
    Turns.seen = []
    time.sleep(pacing.WINDOW_MS / 1000 + 0.2)  # the set-up's sessions no longer at work
    with alone.use():
        one = receive(alone.cfg, alone.user, written.path, today=RECEIVED)
    # after the first turn (nobody counted yet) a batch's new cards go in one turn
    assert max(cards for cards, _ in Turns.seen) > intake.WRITE
    assert all(busy == 0 for _, busy in Turns.seen)

    Turns.seen = []
    from tests.conftest import _server_from_url

    server = _server_from_url(paced.url)
    conn = psycopg2.connect(host=server.host, port=server.port, user="postgres",
                            dbname=paced.db.database, connect_timeout=5)
    with paced.use(), in_transaction(conn, {}) as cur:
        cur.execute("SELECT 1")  # an operator's session at work (inside a transaction)
        many = receive(paced.cfg, paced.user, written.path, today=RECEIVED)
    assert Turns.seen and all(busy == 1 for _, busy in Turns.seen)
    assert all(cards <= intake.WRITE for cards, _ in Turns.seen)
    assert many.results == one.results
    assert outcome(paced) == outcome(alone)
