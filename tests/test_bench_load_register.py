"""The load bench's register: a Directorate's register at work (cards of its own, their
persons, log and journal counters) on both databases, where an operator's next save
takes the journal number after the copied ones."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from bench import bench_load, cardbank


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(cardbank, "CACHE", tmp_path / "cache")  # not the shared cache
    monkeypatch.setattr(bench_load, "POOL_CARDS", 20)
    return tmp_path


def test_the_register_starts_with_its_history(backend: str, cache: Path,
                                              request: pytest.FixtureRequest) -> None:
    from models import codebook
    from models.auditlog import Correction
    from models.cards import next_journal_no, register_card
    from models.db import open_database
    from models.tables import Card, User

    server = request.getfixturevalue("pg_server") if backend == "postgres" else None
    if backend == "postgres" and server is None:
        pytest.skip("PostgreSQL unavailable")
    pool = pickle.loads(bench_load.pool_file(cache).read_bytes())
    url, _ = bench_load.prepare(backend, cache, 2, server, history=40)
    db = open_database(url)
    try:
        codebook.reload()
        held = Card.select().count()
        assert held >= 40 and Correction.select().count() > held  # the log came along
        values = dict(pool[0], protocol_no="L000000001", without_protocol=False)
        year = values["journal_date"].year
        taken = {int(c.journal_no) for c in Card.select(Card.journal_no).where(
            (Card.authority == values["authority"]) & (Card.journal_date.year == year))}
        values["journal_no"] = next_journal_no(values["authority"], year)
        assert int(values["journal_no"]) not in taken
        card = register_card(values, User.get(User.login == "op000"),
                             journal_proposed=values["journal_no"])
        assert Card.select().count() == held + 1 and card.journal_no == values["journal_no"]
    finally:
        db.close_all() if hasattr(db, "close_all") else db.close()
