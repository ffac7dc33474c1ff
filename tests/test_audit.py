"""The correction log cannot be rewritten: triggers refuse UPDATE and DELETE on both
databases, and a row edited, deleted, inserted or moved by a database owner who
dropped the triggers breaks the hash chain that `apcard audit verify` walks."""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator

import peewee as pw
import pytest

from models import audit
from models.audit import Correction, verify_chain
from models.auth import add_user, os_account
from models.corrections import correct_card, remove_card
from models.db import database_proxy, is_postgres
from models.migrations.v0004_corrections import SQLITE_TRIGGERS
from models.tables import Card, Role, User
from tests.test_cli import one_line, run
from tests.test_corrections import ADMIN_DAY, make_card, people  # noqa: F401


def sql(statement: str, *params: object) -> None:
    db = database_proxy.obj
    with db.atomic():
        db.execute_sql(statement.replace("?", db.param), params)


@contextlib.contextmanager
def owner_hand_edit() -> Iterator[None]:
    """What a database owner can do: switch the triggers off, edit, switch them on."""
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


@pytest.fixture
def logged(people) -> list[Correction]:  # noqa: F811
    """A log of 4 user rows, then 5 rows of corrections and a removal on two cards."""
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
    assert [r.id for r in rows] == list(range(1, 10))
    return rows


def test_chain_of_an_untouched_log_verifies(logged) -> None:
    result = verify_chain()
    assert result.ok and result.rows == 9 and result.head == logged[-1].row_hash


# --- triggers ------------------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    "UPDATE correction SET new_value = 'X' WHERE id = 5",
    "UPDATE correction SET reason_text = ''",
    "DELETE FROM correction WHERE id = 5",
    "DELETE FROM correction",
])
def test_triggers_refuse_update_and_delete(logged, statement: str) -> None:
    with pytest.raises(pw.DatabaseError, match="append-only"):
        sql(statement)
    assert [(r.id, r.new_value, r.reason_text, r.row_hash) for r in
            Correction.select().order_by(Correction.id)] == [
        (r.id, r.new_value, r.reason_text, r.row_hash) for r in logged]


def test_orm_cannot_change_the_log_either(logged) -> None:
    db = database_proxy.obj
    for attempt in (lambda: Correction.update(new_value="X").execute(),
                    lambda: Correction.delete().where(Correction.id == 1).execute(),
                    lambda: logged[0].delete_instance()):
        with pytest.raises(pw.DatabaseError, match="append-only"), db.atomic():
            attempt()
    assert verify_chain().ok


# --- tampering by hand ---------------------------------------------------------------

def test_edited_row_detected(logged) -> None:
    with owner_hand_edit():
        sql("UPDATE correction SET new_value = ? WHERE id = 5", "000000001")
    result = verify_chain()
    assert (result.ok, result.broken_id, result.rows) == (False, 5, 4)
    assert "5" in result.problem.ru and "5" in result.problem.kk


@pytest.mark.parametrize("column,value", [("reason_code", "07"), ("user_id", 2),
                                          ("created_at", "2020-01-01 00:00:00")])
def test_any_column_edit_detected(logged, column: str, value: object) -> None:
    with owner_hand_edit():
        sql(f"UPDATE correction SET {column} = ? WHERE id = 6", value)
    assert verify_chain().broken_id == 6


def test_deleted_row_detected(logged) -> None:
    with owner_hand_edit():
        sql("DELETE FROM correction WHERE id = 4")
    result = verify_chain()
    assert (result.ok, result.broken_id) == (False, 5)


def test_deleted_last_rows_detected_through_the_card_version(logged) -> None:
    with owner_hand_edit():
        sql("DELETE FROM correction WHERE id = 9")  # the removal of card b
    result = verify_chain()
    assert not result.ok and result.broken_id is None
    assert result.card_id == logged[8].card_id


def _copy(row: Correction, **change: object) -> dict[str, object]:
    data = {k: row.__data__[k] for k in (*audit.HASHED, "row_hash")}
    data.update(change)
    return data


def _insert(data: dict[str, object]) -> None:
    cols = ", ".join(f"{Correction._meta.fields[k].column_name}" for k in data)
    sql(f"INSERT INTO correction ({cols}) VALUES ({', '.join('?' * len(data))})",
        *data.values())


def test_inserted_row_at_the_end_detected(logged) -> None:
    last = logged[-1]
    forged = _copy(last, id=10, new_value="registered", prev_hash=last.row_hash,
                   row_hash="f" * 64)
    with owner_hand_edit():
        _insert(forged)
    assert verify_chain().broken_id == 10


def test_inserted_row_in_the_middle_detected_even_with_a_valid_hash(logged) -> None:
    """Someone who knows the algorithm renumbers rows 5.. and slips a row in as 5, its
    hash correctly chained to row 4: the next row no longer fits."""
    with owner_hand_edit():
        sql("UPDATE correction SET id = id + 1000 WHERE id >= 5")
        sql("UPDATE correction SET id = id - 999 WHERE id > 1000")
        forged = _copy(logged[4], id=5, new_value="Иванов", prev_hash=logged[3].row_hash)
        forged["row_hash"] = audit.row_hash(forged, logged[3].row_hash)
        _insert(forged)
    result = verify_chain()
    assert (result.ok, result.broken_id) == (False, 6)


def test_reordered_rows_detected(logged) -> None:
    with owner_hand_edit():
        sql("UPDATE correction SET id = 100 WHERE id = 3")
        sql("UPDATE correction SET id = 3 WHERE id = 4")
        sql("UPDATE correction SET id = 4 WHERE id = 100")
    assert verify_chain().broken_id == 3


# --- the CLI ---------------------------------------------------------------------------

def test_cli_verify_passes_then_fails_after_a_hand_edit(logged, cfg, capsys) -> None:
    admin = User.get(User.login == "admin")
    add_user("me", Role.AUDITOR, by=admin, os_account_name=os_account())
    code, out, err = run(cfg, ["audit", "verify"], capsys)
    assert (code, err) == (0, "") and out.startswith("10 rows verified")
    with owner_hand_edit():
        sql("UPDATE correction SET old_value = ? WHERE id = 4", "000000000")
    code, out, err = run(cfg, ["audit", "verify"], capsys)
    assert code == 1 and "first broken row 4" in one_line(err)


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
    code, out, err = run(cfg, ["audit", "export", "--csv", str(path), "--from", "31.02.2025"],
                         capsys)
    assert code == 2 and "--from" in one_line(err)


def test_card_lines_never_change_without_a_log_row(logged) -> None:
    """Every card at version V has log rows for each of its versions 2..V."""
    for card in Card.select():
        versions = {r.card_version for r in Correction.select().where(Correction.card == card.id)}
        assert versions == set(range(2, card.version + 1))
