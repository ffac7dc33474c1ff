"""A dispatch of many cards is logged as the per-row triggers log one card (SQLite writes
the chunk's rows in one statement, models/batchlog.py; PostgreSQL's triggers write
them), the log proves it, and a dispatch made around the log is refused or shows in
`apcard audit verify`. The package's fast card reader gives what the models give."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import peewee as pw
import pytest

from models import audit, logpath
from models.auditlog import Correction
from models.cards import row_edition
from models.corrections import correct_card, dispatch_due
from models.db import database_proxy
from models.exchange import cardrows
from models.exchange import format as fmt
from models.tables import Card, card_values
from tests.test_corrections import ADMIN_DAY, make_card, people  # noqa: F401
from tests.test_lifecycle import DISPATCH_DAYS, D
from tests.test_validation import legal_card

DAY = D(2025, 3, 10)  # a dispatch day


def _state_now(card_id: int) -> str:
    """The card's state as the data check (models.replay) digests it."""
    cur = database_proxy.obj.execute_sql("SELECT * FROM card WHERE id = " + str(card_id))
    row = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    row.pop("id")
    return logpath.state(row)


def test_a_batch_dispatch_logs_each_card_as_its_triggers_do(people, backend: str  # noqa: F811
                                                             ) -> None:
    op, admin = people["operator"], people["administrator"]
    cards = [make_card(op, journal_no=f"0000{i}") for i in range(1, 4)]
    assert dispatch_due(op, DISPATCH_DAYS, today=DAY) == 3
    sent = Card.get_by_id(cards[0].id)
    correct_card(sent.id, {"protocol_no": "77"}, admin, "04", "описка", expected_version=2,
                 today=D(2025, 3, 11))
    before = Card.get_by_id(sent.id).dispatched_at
    assert dispatch_due(op, DISPATCH_DAYS, today=D(2025, 3, 20)) == 1  # the corrected one
    for card in cards:
        now = Card.get_by_id(card.id)
        assert now.status == "dispatched"
        rows = list(Correction.select().where((Correction.card == card.id)
                                              & (Correction.card_version == now.version)
                                              & (Correction.event == "dispatch"))
                    .order_by(Correction.id))
        old_status = "corrected" if card.id == sent.id else "registered"
        assert (rows[0].old_value, rows[0].new_value) == (old_status, "dispatched")
        if backend == "sqlite":  # one row: the dispatch time is in its state
            assert [r.field_name for r in rows] == ["status"]
        else:  # PostgreSQL's triggers: a row per column
            # (the time is to the second: sent again within it, the time did not change)
            again = card.id == sent.id and now.dispatched_at == before
            assert [r.field_name for r in rows] == ["status"] + (
                [] if again else ["dispatched_at"])
            if not again:
                norm = logpath.norm  # (PostgreSQL's text of a time has a T)
                assert norm(rows[1].new_value) == str(now.dispatched_at)
                assert norm(rows[1].old_value) == (str(before) if card.id == sent.id else None)
        for r in rows:
            assert (r.entity, r.entity_id, r.fmt, r.line) == ("card", card.id, 2, "")
            assert r.user_id == op.id and r.db_user and r.reason_code is None
            assert r.reason_text == "" and r.state == _state_now(card.id)
    verdict = audit.verify()
    assert verdict.ok, verdict


def _raw(db_url: str) -> sqlite3.Connection:
    """The sqlite3 shell's view of the file: no apcard functions."""
    return sqlite3.connect(db_url[len("sqlite:///"):], isolation_level=None)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_dispatch_around_the_log_is_refused_or_seen(people, db_url: str) -> None:  # noqa: F811
    """The attacker: an operator with a shell and the register's file."""
    op = people["operator"]
    a, b = make_card(op, journal_no="00001"), make_card(op, journal_no="00002")
    db = database_proxy.obj
    # The sqlite3 shell: the triggers call functions it does not have.
    raw = _raw(db_url)
    with pytest.raises(sqlite3.OperationalError, match="apcard_"):
        raw.execute("UPDATE card SET status = 'dispatched', version = version + 1 "
                    f"WHERE id = {a.id}")
    raw.close()
    # A program with apcard's functions claiming a batch may only dispatch (a reason
    # given, for the rule of reasons to let the change through).
    with logpath.context(batch="dispatch", reason="x"), pytest.raises(
            pw.IntegrityError, match="nothing but a dispatch"):
        db.execute_sql("UPDATE card SET surname = 'Other', version = version + 1 "
                       f"WHERE id = {a.id}")
    with logpath.context(batch="dispatch", reason="x"), pytest.raises(
            pw.IntegrityError, match="nothing but a dispatch"):
        db.execute_sql("UPDATE card SET status = 'removed', version = version + 1 "
                       f"WHERE id = {a.id}")
    # ... with or without a reason (the rule of reasons stands aside for a batch: this
    # one refuses all it would), nor a dispatch that changes more than a dispatch does.
    for reason in ({}, {"reason": "x"}):
        for change in ("surname = 'Other'", "status = 'dispatched', surname = 'Other'",
                       "status = 'dispatched', executed_at = '2025-03-10 10:00:00'",
                       "status = 'accepted'", "executed_at = '2025-03-10 10:00:00'"):
            with logpath.context(batch="dispatch", **reason), pytest.raises(
                    pw.IntegrityError, match="nothing but a dispatch"):
                db.execute_sql(f"UPDATE card SET {change}, version = version + 1 "
                               f"WHERE id = {a.id}")
    # Without `batch`, the rule of reasons as ever.
    with pytest.raises(pw.IntegrityError, match="needs a reason"):
        db.execute_sql("UPDATE card SET surname = 'Other', version = version + 1 "
                       f"WHERE id = {a.id}")
    assert audit.verify().ok
    # ... and a dispatch it makes without the log rows shows in the data check.
    with logpath.context(batch="dispatch"):
        db.execute_sql("UPDATE card SET status = 'dispatched', dispatched_at = "
                       f"'2025-03-10 10:00:00', version = version + 1 WHERE id = {a.id}")
    verdict = audit.verify()
    assert verdict.chain.ok and [(p.table, p.row_id) for p in verdict.data_problems] == [
        ("card", a.id)]
    # A batch's log row edited afterwards (the log's guard dropped) breaks the chain.
    dispatch_due(op, DISPATCH_DAYS, today=DAY)
    row = (Correction.select().where((Correction.card == b.id)
                                     & (Correction.field_name == "status")
                                     & (Correction.event == "dispatch")).get())
    raw = _raw(db_url)
    raw.execute("DROP TRIGGER correction_no_update")
    raw.execute(f"UPDATE correction SET old_value = 'draft' WHERE id = {row.id}")
    raw.close()
    assert audit.verify().chain.broken_id == row.id



@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_one_row_per_dispatched_card_keeps_the_log_tamper_evident(people,  # noqa: F811
                                                                  db_url: str) -> None:
    """SQLite logs a dispatched card in one row (its status; the dispatch time is in
    the row's state). The attacker: the file's owner with the sqlite3 shell, who drops
    whatever trigger stands in the way."""
    op = people["operator"]
    a, b, c = (make_card(op, journal_no=f"0000{i}") for i in range(1, 4))
    assert dispatch_due(op, DISPATCH_DAYS, today=DAY) == 3
    assert audit.verify().ok
    rows = list(Correction.select().where(Correction.event == "dispatch")
                .order_by(Correction.id))
    assert [(r.card_id, r.field_name) for r in rows] == [
        (a.id, "status"), (b.id, "status"), (c.id, "status")]  # one row each
    mine = {r.card_id: r for r in rows}
    raw = _raw(db_url)
    for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                               "tbl_name IN ('card', 'correction')").fetchall():
        raw.execute(f'DROP TRIGGER "{name}"')
    # The dispatch time changed without a log row: the row's state no longer fits.
    (was,) = raw.execute(f"SELECT dispatched_at FROM card WHERE id = {a.id}").fetchone()
    raw.execute(f"UPDATE card SET dispatched_at = '2025-01-01 08:00:00' WHERE id = {a.id}")
    verdict = audit.verify()
    assert verdict.chain.ok and [(p.table, p.row_id) for p in verdict.data_problems] == [
        ("card", a.id)]
    raw.execute(f"UPDATE card SET dispatched_at = '{was}' WHERE id = {a.id}")
    assert audit.verify().ok
    # A row added at the head, chained as apcard would, saying the card is otherwise.
    head = audit.head()
    forged = (head.row + 1, "card", b.id, b.id, mine[b.id].card_version, "dispatch", "",
              "status", "registered", "dispatched", None, "", op.id, None, "x",
              "2025-03-10 10:00:00", "sha256:" + "0" * 64, head.hash)
    raw.execute("INSERT INTO correction (id, entity, entity_id, card_id, card_version, event, "
                "line, field_name, old_value, new_value, reason_code, reason_text, user_id, "
                "target_user_id, db_user, created_at, state, prev_hash, row_hash, fmt) "
                "VALUES (" + ", ".join("?" * 20) + ")",
                (*forged, logpath.hash_values(forged), 2))
    verdict = audit.verify()
    assert verdict.chain.ok and [(p.table, p.row_id) for p in verdict.data_problems] == [
        ("card", b.id)]
    raw.execute(f"DELETE FROM correction WHERE id = {head.row + 1}")
    assert audit.verify().ok
    # A dispatch's row edited, or deleted: the chain breaks there.
    row = mine[c.id]
    raw.execute(f"UPDATE correction SET old_value = 'corrected' WHERE id = {row.id}")
    assert audit.verify().chain.broken_id == row.id
    raw.execute(f"UPDATE correction SET old_value = 'registered' WHERE id = {row.id}")
    assert audit.verify().ok
    raw.execute(f"DELETE FROM correction WHERE id = {mine[b.id].id}")
    assert audit.verify().chain.broken_id == mine[b.id].id + 1
    raw.close()


def test_the_package_reader_encodes_as_the_models_do(people, backend: str) -> None:  # noqa: F811
    op = people["operator"]
    make_card(op, journal_no="00001")
    make_card(op, **legal_card(journal_no="00003"))
    ids = [c.id for c in Card.select(Card.id)]
    rows = cardrows.fetch(ids)
    assert sorted(rows) == sorted(ids)
    for cid in ids:
        values = card_values(Card.get_by_id(cid))
        assert cardrows.encode(rows[cid]) == fmt.encode_values(values)
        assert cardrows.encode_json(rows[cid]) == fmt.dumps(fmt.encode_values(values))
        assert cardrows.edition(rows[cid]) == row_edition(values)
    # A flag set, a flag clear, a zero amount, an empty text, as each driver reads them.
    at = {n: len(cardrows.HEAD) + i for i, n in enumerate(cardrows.NAMES)}
    for flag in (True, False):
        raw = list(rows[ids[0]])
        raw[at["without_protocol"]] = flag if backend == "postgres" else int(flag)
        raw[at["fine_imposed"]] = 0
        raw[at["paragraph"]] = ""
        values = {**card_values(Card.get_by_id(ids[0])), "without_protocol": flag,
                  "fine_imposed": 0, "paragraph": ""}
        assert cardrows.encode(tuple(raw)) == fmt.encode_values(values)
        assert cardrows.encode_json(tuple(raw)) == fmt.dumps(fmt.encode_values(values))
    # Texts JSON must escape, a date read as a date, an amount as text: the same bytes.
    raw = list(rows[ids[0]])
    raw[at["surname"]] = 'Ә"\\\n\t\x01\u2028 «й»'
    raw[at["offence_date"]] = dt.date(2025, 3, 1)
    raw[at["fine_imposed"]] = "15000"
    text = cardrows.encode_json(tuple(raw))
    assert text == fmt.dumps(cardrows.encode(tuple(raw)))
    assert json.loads(text)["surname"] == 'Ә"\\\n\t\x01\u2028 «й»'


def test_a_record_written_as_text_is_the_record_dumped() -> None:
    """format.card_line (a card record whose values are JSON text already) writes the
    bytes format.dumps writes for the whole record: a package and its re-export agree."""
    values = {"surname": 'Ә"\\ \x1f', "fine_imposed": 1500, "without_protocol": True}
    reasons = {"status": {"code": "09", "text": "қате \"x\"\n"}, "surname": ["a", None]}
    for rec in ({"uid": "B:1", "version": 3, "action": "register", "status": "dispatched",
                 "edition": "2024", "values": values},
                {"uid": 'B:"2', "version": 2**40, "base_version": 1, "action": "remove",
                 "edition": "", "status": "removed", "person": "B:P7", "reason": reasons["status"],
                 "reasons": reasons, "values": {}},
                {"uid": "B:3", "version": 2, "base_version": 0, "action": "correct",
                 "edition": "2014", "status": "corrected", "reasons": {"surname": ["b", "c"]},
                 "values": {"a": None}}):
        assert fmt.card_line(rec["uid"], rec["version"], rec.get("base_version"), rec["action"],
                             rec["edition"], rec["status"], rec.get("person"), rec.get("reason"),
                             rec.get("reasons"), fmt.dumps(rec["values"])) == fmt.dumps(rec)



def test_many_rows_digest_as_one_row_does() -> None:
    """logpath.states (a dispatch's rows, OpenSSL's or Python's SHA-256) gives each row
    the digest logpath.state gives it, whatever the driver read: the data check
    (models.replay) digests the rows one at a time."""
    import datetime as dt

    from models.digest import bulk_sha256, sha256

    names = ("surname", "fine_imposed", "created_at", "at_t", "note", "flag", "born", "paid",
             "rate", "empty", "dash")
    rows = [
        ("Ерлан", 0, "2025-03-10 09:00:00.500000", "2025-03-10T09:00:00", None, True,
         dt.date(1990, 1, 2), dt.datetime(2025, 3, 10, 9, 0, 0, 120000), 12.5, "", "1234-5"),
        (None, 150000, "2025-03-10 09:00:00", "2025-03-10 09:00:00.000", "a" * 40, False,
         "1990-01-02", dt.datetime(2025, 3, 10, 9), 3.0, None, "Абай даңғылы, 2025-03-10 үй"),
        ("2025-03-10 09:00:00x", -7, None, "２０２５-03-10 09:00:00", "x", 0, None, None, None,
         "ё", "2025-13-99T99:99:99.0"),
    ]
    want = [logpath.state(dict(zip(names, row, strict=True))) for row in rows]
    assert want[0] != want[1]
    assert logpath.states(names, rows) == want
    assert logpath.states(names, rows, bulk_sha256()) == want
    # the columns among others in a row (a dispatch's rows as read back)
    wide = [(0, *row[::-1], "x") for row in rows]
    assert logpath.states(names, wide, sha256, range(len(names), 0, -1)) == want
    assert logpath.states(("surname",), [(r[0],) for r in rows], sha256) == [
        logpath.state({"surname": r[0]}) for r in rows]
