"""The log cannot be rewritten unnoticed. The database writes it (triggers) and refuses
UPDATE and DELETE on both databases; whoever can switch the triggers off (a database
owner, the PostgreSQL superuser, a writer of the SQLite file) is found out by
`apcard audit verify`: a log row edited, deleted, inserted or moved breaks the chain; a
card, person, legal entity or user changed, added or deleted around the log no longer
matches the log; a log rewritten with recomputed hashes no longer leads to a seal kept
outside the database."""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator

import peewee as pw
import pytest

from models import audit, seal
from models.audit import Correction, verify, verify_chain
from models.auth import add_user, os_account, set_role
from models.corrections import correct_card, remove_card
from models.db import database_proxy, is_postgres
from models.migrations import v0010_logged_path as logged_path
from models.migrations import v0013_shared_log_writer as log_writer
from models.migrations.v0004_corrections import SQLITE_TRIGGERS
from models.tables import Card, Person, Role, User
from tests.test_cli import one_line, run
from tests.test_corrections import ADMIN_DAY, make_card, people  # noqa: F401


def sql(statement: str, *params: object) -> None:
    db = database_proxy.obj
    with db.atomic():
        db.execute_sql(statement.replace("?", db.param), params)


@contextlib.contextmanager
def log_triggers_off() -> Iterator[None]:
    """What a database owner can do to the log: switch its triggers off, edit, on again."""
    db = database_proxy.obj
    if is_postgres(db):
        sql("ALTER TABLE correction DISABLE TRIGGER correction_no_change")
        try:
            yield
        finally:
            sql("ALTER TABLE correction ENABLE TRIGGER correction_no_change")
    else:
        sql("DROP TRIGGER correction_no_update")
        sql("DROP TRIGGER correction_no_delete")
        try:
            yield
        finally:
            for statement in SQLITE_TRIGGERS:
                sql(statement)


@contextlib.contextmanager
def all_triggers_off() -> Iterator[None]:
    """The superuser (PostgreSQL: session_replication_role) or the file's writer
    (SQLite: drops the triggers) changes the data without the log knowing."""
    db = database_proxy.obj
    if is_postgres(db):
        sql("SET session_replication_role = replica")
        try:
            yield
        finally:
            sql("SET session_replication_role = DEFAULT")
        return
    names = [r[0] for r in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'apcard%'")]
    for name in names:
        sql(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        for table in logged_path.LOGGED:
            log_writer.attach(db, table)
        logged_path.guard(db)


def recompute_chain() -> None:
    """Rewrite every hash from the first row, as someone who knows the algorithm would."""
    prev = audit.GENESIS
    for row in Correction.select().order_by(Correction.id):
        data = dict(row.__data__)
        data["prev_hash"] = prev
        new = audit.row_hash(data, prev)
        sql("UPDATE correction SET prev_hash = ?, row_hash = ? WHERE id = ?", prev, new, row.id)
        prev = new


@pytest.fixture
def logged(people) -> list[Correction]:  # noqa: F811
    """The users, two cards with their persons, three corrections and a removal."""
    admin = people["administrator"]
    a = make_card(people["operator"])
    b = make_card(people["operator"], journal_no="00777")
    correct_card(a.id, {"protocol_no": "000123999", "surname": "Қасымова"}, admin, "04",
                 "опечатка", expected_version=1, today=ADMIN_DAY)
    correct_card(a.id, {"guilt": "2"}, admin, "02", "ошибка субъекта", expected_version=2,
                 today=ADMIN_DAY)
    correct_card(b.id, {"official_name": "Серіков Т."}, admin, "04", "ФИО", expected_version=1,
                 today=ADMIN_DAY)
    remove_card(b.id, admin, "06", "дубль", today=ADMIN_DAY)
    rows = list(Correction.select().order_by(Correction.id))
    assert [r.id for r in rows] == list(range(1, len(rows) + 1))
    return rows


def row_where(**match: object) -> Correction:
    return next(r for r in Correction.select().order_by(Correction.id)
                if all(getattr(r, k) == v for k, v in match.items()))


def test_an_untouched_log_verifies_with_its_data(logged) -> None:
    verdict = verify([seal.make("test")])
    assert verdict.ok and verdict.chain.rows == len(logged)
    assert verdict.data_rows == 4 + 2 + 2 + 1  # users, persons, cards, the §38 history row
    assert verdict.chain.head == logged[-1].row_hash == audit.head().hash


def test_the_log_names_who_when_and_why(logged, backend) -> None:
    row = row_where(field_name="surname", entity="card")
    assert (row.event, row.line, row.old_value, row.new_value, row.reason_code,
            row.reason_text) == ("correct", "14", "Қасымов", "Қасымова", "04", "опечатка")
    assert row.user.login == "admin" and row.card_version == 2 and row.fmt == 2
    assert row.db_user == ("postgres" if backend == "postgres" else os_account())
    person = row_where(entity="person", field_name="surname")
    assert (person.old_value, person.new_value, person.event) == ("Қасымов", "Қасымова",
                                                                 "identify")


# --- the triggers ---------------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    "UPDATE correction SET new_value = 'X' WHERE id = 5",
    "UPDATE correction SET reason_text = ''",
    "DELETE FROM correction WHERE id = 5",
    "DELETE FROM correction",
    "UPDATE seal SET hash = 'x'",
    "DELETE FROM seal",
    "UPDATE person_history SET old_value = 'X'",
    "DELETE FROM person_history",
    "DELETE FROM card",
])
def test_the_database_refuses_rewriting(logged, statement: str) -> None:
    seal.make("test")
    with pytest.raises(pw.DatabaseError, match="append-only|never deleted"):
        sql(statement)
    assert [(r.id, r.new_value, r.reason_text, r.row_hash) for r in
            Correction.select().order_by(Correction.id)] == [
        (r.id, r.new_value, r.reason_text, r.row_hash) for r in logged]


@pytest.mark.parametrize("statement", [
    "UPDATE card SET surname = 'X', version = version + 1",
    "UPDATE card SET status = 'removed', version = version + 1",
    "UPDATE card SET surname = 'X'",  # no version raised either
    "UPDATE card SET version = version + 1",
])
def test_a_card_change_without_a_reason_is_refused(logged, statement: str) -> None:
    with pytest.raises(pw.DatabaseError, match="apcard: a c"):
        sql(statement)
    assert Card.select().where(Card.surname == "X").count() == 0


def test_a_change_made_outside_apcard_is_logged(logged) -> None:
    """psql with a reason: the database writes the log row itself, with its own user."""
    db = database_proxy.obj
    card = Card.get(Card.journal_no == "00451")
    with audit.writing(event=None, reason_code="04", reason="исправлено вручную"):
        db.execute_sql(f"UPDATE card SET surname = 'Қасым', version = version + 1 "
                       f"WHERE id = {card.id}")
    row = Correction.select().order_by(Correction.id.desc()).first()
    assert (row.field_name, row.new_value, row.event, row.reason_code) == (
        "surname", "Қасым", "sql", "04")
    assert row.user is None and row.db_user
    assert verify().ok


# --- the log edited by its owner: the chain ---------------------------------------------

def test_edited_row_detected(logged) -> None:
    with log_triggers_off():
        sql("UPDATE correction SET new_value = ? WHERE id = 7", "000000001")
    result = verify_chain()
    assert (result.ok, result.broken_id, result.rows) == (False, 7, 6)
    assert "7" in result.problem.ru and "7" in result.problem.kk


@pytest.mark.parametrize("column,value", [("reason_code", "07"), ("user_id", 2),
                                          ("created_at", "2020-01-01 00:00:00"),
                                          ("state", "sha256:" + "0" * 64),
                                          ("db_user", "someone")])
def test_any_column_edit_detected(logged, column: str, value: object) -> None:
    with log_triggers_off():
        sql(f"UPDATE correction SET {column} = ? WHERE id = 8", value)
    assert verify_chain().broken_id == 8


def test_deleted_row_detected(logged) -> None:
    with log_triggers_off():
        sql("DELETE FROM correction WHERE id = 4")
    result = verify_chain()
    assert (result.ok, result.broken_id) == (False, 5)


def test_inserted_row_in_the_middle_detected_even_with_a_valid_hash(logged) -> None:
    """Someone who knows the algorithm renumbers rows 5.. and slips a row in as 5, its
    hash correctly chained to row 4: the next row no longer fits."""
    with log_triggers_off():
        sql("UPDATE correction SET id = id + 1000 WHERE id >= 5")
        sql("UPDATE correction SET id = id - 999 WHERE id > 1000")
        forged = dict(logged[4].__data__, id=5, new_value="Иванов",
                      prev_hash=logged[3].row_hash)
        forged["row_hash"] = audit.row_hash(forged, logged[3].row_hash)
        cols = ", ".join(Correction._meta.fields[k].column_name for k in forged)
        sql(f"INSERT INTO correction ({cols}) VALUES ({', '.join('?' * len(forged))})",
            *forged.values())
    assert verify_chain().broken_id == 6


def test_reordered_rows_detected(logged) -> None:
    with log_triggers_off():
        sql("UPDATE correction SET id = 100 WHERE id = 3")
        sql("UPDATE correction SET id = 3 WHERE id = 4")
        sql("UPDATE correction SET id = 4 WHERE id = 100")
    assert verify_chain().broken_id == 3


# --- the data changed around the log ------------------------------------------------------

def _data_fault(verdict: audit.Verdict) -> tuple[str, int]:
    assert verdict.chain.ok and verdict.data_problems, verdict
    first = verdict.data_problems[0]
    return first.table, first.row_id


def test_a_card_changed_around_the_log(logged) -> None:
    card = Card.get(Card.journal_no == "00451")
    with all_triggers_off():
        sql("UPDATE card SET surname = 'X' WHERE id = ?", card.id)
    assert _data_fault(verify()) == ("card", card.id)


def test_a_person_hidden_from_matching_around_the_log(logged) -> None:
    """Only a match key changed: the person no longer turns up as a duplicate."""
    person = Person.select().first()
    with all_triggers_off():
        sql("UPDATE person SET surname_key = 'zzz' WHERE id = ?", person.id)
    assert _data_fault(verify()) == ("person", person.id)


def test_a_user_made_administrator_around_the_log(logged, people) -> None:  # noqa: F811
    with all_triggers_off():
        sql("UPDATE \"user\" SET role = 'administrator' WHERE id = ?", people["operator"].id)
    assert _data_fault(verify()) == ("user", people["operator"].id)


def test_rows_added_and_deleted_around_the_log(logged, people) -> None:  # noqa: F811
    with all_triggers_off():
        sql("INSERT INTO \"user\" (login, full_name, position, role, failed_logins, active, "
            "created_at) VALUES ('ghost', '', '', 'administrator', 0, ?, ?)", True, ADMIN_DAY)
    problems = verify().data_problems
    assert [(p.table, p.log_row) for p in problems] == [("user", None)]
    with all_triggers_off():
        sql("DELETE FROM person_history")
    problems = verify().data_problems
    assert {p.table for p in problems} == {"user", "person_history"}


def test_the_last_user_changes_cut_off_the_log(logged, people) -> None:  # noqa: F811
    """The tail of the log (the last rights given) deleted: the chain still holds, the
    users no longer match it, and the seal says the log was cut."""
    mark = seal.make("test")
    before = audit.head().row
    set_role("ivanova", Role.AUDITOR, by=people["administrator"])
    sealed = seal.make("test")
    with log_triggers_off():
        sql("DELETE FROM correction WHERE id > ?", before)
    verdict = verify([mark, sealed])
    assert verdict.chain.ok
    assert _data_fault(verdict) == ("user", people["operator"].id)
    assert verdict.seal_problem is not None and verdict.seal_problem[0] == sealed


def test_a_recomputed_chain_is_found_by_the_seal(logged) -> None:
    """The owner rewrites a reason and recomputes every hash: the chain and the data
    hold, the seal kept outside does not."""
    mark = seal.make("test")
    text = mark.text("outside")
    manifest = f'{{"kind": "cards", "audit_seal": "{mark.hash}"}}'  # an export package's
    assert verify(seal.parse(manifest)).ok
    with log_triggers_off():
        sql("UPDATE correction SET reason_text = 'ничего не было' WHERE reason_code = '06'")
        recompute_chain()
    verdict = verify(seal.parse(text))
    assert verdict.chain.ok and not verdict.data_problems
    assert not verdict.ok and "переписан" in verdict.seal_problem[1].ru
    assert "переписан" in verify(seal.parse(manifest)).seal_problem[1].ru


def test_the_whole_log_emptied(logged, backend) -> None:
    """TRUNCATE (PostgreSQL's superuser) or DELETE without triggers (SQLite): every
    card, person and user is now a row the log never saw."""
    with all_triggers_off(), log_triggers_off():
        sql("TRUNCATE correction" if backend == "postgres" else "DELETE FROM correction")
    verdict = verify()
    assert verdict.chain.ok and verdict.chain.rows == 0
    assert {p.table for p in verdict.data_problems} >= {"user", "card", "person"}


# --- the CLI ---------------------------------------------------------------------------

def test_cli_verify_seal_and_tampering(logged, cfg, capsys, tmp_path) -> None:
    admin = User.get(User.login == "admin")
    add_user("me", Role.AUDITOR, by=admin, os_account_name=os_account())
    seals = tmp_path / "seals.txt"
    code, out, err = run(cfg, ["audit", "seal", "--out", str(seals), "--note", "month end"],
                         capsys)
    assert (code, err) == (0, "") and out.startswith("apcard seal: log row ")
    assert seals.read_text(encoding="utf-8") == out
    code, out, err = run(cfg, ["audit", "verify", "--seal", str(seals)], capsys)
    assert (code, err) == (0, "") and "цепочка цела" in out and "печатей: 1" in out
    code, out, err = run(cfg, ["audit", "verify", "--seal", "latest"], capsys)
    assert (code, err) == (0, "")
    card = Card.get(Card.journal_no == "00451")
    with all_triggers_off():
        sql("UPDATE card SET surname = 'X' WHERE id = ?", card.id)
    code, out, err = run(cfg, ["audit", "verify"], capsys)
    # One line in the session's language, naming the table and the row once.
    line = one_line(err)
    assert code == 1 and line.startswith(
        f"apcard: Строка card {card.id} отличается от последнего состояния в журнале "
        "(запись ") and line.endswith("): изменена в обход журнала")
    with all_triggers_off():
        sql("UPDATE card SET surname = 'Қасымова' WHERE id = ?", card.id)
    with log_triggers_off():
        sql("UPDATE correction SET old_value = ? WHERE id = 7", "000000000")
    code, out, err = run(cfg, ["audit", "verify"], capsys)
    assert code == 1 and "запись журнала 7" in one_line(err)
    with log_triggers_off():
        recompute_chain()
    code, out, err = run(cfg, ["audit", "verify", "--seal", str(seals)], capsys)
    assert code == 1 and "печать записи" in one_line(err)
    (tmp_path / "empty.txt").write_text("nothing here", encoding="utf-8")
    code, out, err = run(cfg, ["audit", "verify", "--seal", str(tmp_path / "empty.txt")],
                         capsys)
    assert code == 2 and "нет строки печати" in one_line(err)


def test_cli_export_csv_for_the_os_user(logged, cfg, capsys, tmp_path) -> None:
    path = tmp_path / "j.csv"
    code, out, err = run(cfg, ["audit", "export", "--csv", str(path)], capsys)
    assert code == 1 and "не зарегистрирован" in one_line(err)  # OS account not a user
    admin = User.get(User.login == "admin")
    add_user("me", Role.AUDITOR, by=admin, os_account_name=os_account())
    code, out, err = run(cfg, ["audit", "export", "--csv", str(path), "--reason", "04",
                               "--from", "01.01.2020"], capsys)
    assert (code, err) == (0, "")
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 1 + 3 and {r[11] for r in rows[1:]} == {"04"}
    assert {r[13] for r in rows[1:]} == {"опечатка", "ФИО"}


def test_a_seal_a_day_and_one_with_every_dispatch(people, cfg, capsys) -> None:  # noqa: F811
    from models.corrections import change_status
    from models.lifecycle import Event

    card = make_card(people["operator"])
    add_user("me", Role.OPERATOR, by=people["administrator"], os_account_name=os_account())
    assert seal.latest() is None
    run(cfg, ["card", "status", str(card.id)], capsys)  # anyone starting apcard
    daily = seal.Seal.select().order_by(seal.Seal.id.desc()).first()
    assert daily.source == "daily" and daily.row == audit.head().row
    run(cfg, ["card", "status", str(card.id)], capsys)
    assert seal.Seal.select().count() == 1  # not twice a day
    change_status(card.id, Event.DISPATCH, people["operator"], dispatch_days=[10],
                  today=ADMIN_DAY.replace(day=10))
    last = seal.Seal.select().order_by(seal.Seal.id.desc()).first()
    assert last.source == "dispatch" and last.row == audit.head().row


def test_a_start_on_a_day_already_sealed_leaves_the_logs_models_alone(
        people, monkeypatch) -> None:  # noqa: F811
    """Whoever starts apcard on a day already sealed: no second seal, and the log's models
    are not imported for it (a start's time); a day later the start seals."""
    import datetime as dt
    import sys

    from models import seal_table
    from tui.cli.identity import daily_seal

    make_card(people["operator"])
    assert seal.seal_if_due() is not None
    with monkeypatch.context() as m:
        m.setitem(sys.modules, "models.seal", None)  # importing it fails meanwhile
        daily_seal()
    assert seal.Seal.select().count() == 1
    tomorrow = seal_table.now() + dt.timedelta(days=1, minutes=1)
    monkeypatch.setattr(seal_table, "now", lambda: tomorrow)
    daily_seal()
    assert seal.Seal.select().count() == 2


def test_a_register_older_than_the_log_verifies_after_the_upgrade(empty_db_url) -> None:
    """Rows written before the database logged (by the old application, or by hand) get
    a baseline row each in the upgrade: from then on the log adds up to the data."""
    from models import migrations
    from models.db import open_database
    from tests.test_migrations import fill_v1

    db = open_database(empty_db_url)
    migrations.upgrade(db, target=1)
    written = fill_v1(db)
    migrations.upgrade(db)
    verdict = verify()
    assert verdict.ok, verdict
    assert verdict.data_rows >= sum(len(written[t]) for t in ("user", "person", "card"))
    assert {r.event for r in Correction.select().where(Correction.fmt == 2)} == {"baseline"}
