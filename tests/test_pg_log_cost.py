"""PostgreSQL's log trigger since v16 (context read once per row, the pending row written
by the trigger itself, its helpers in PL/pgSQL) writes the log exactly as v10/v11's
functions did: the same changes, made once through each set of functions in a
transaction rolled back afterwards, leave the same log rows (all but the time and the
hashes made of it), and each log verifies against its data. The changes include those
of people's own login roles (the acting user taken from the session's role)."""

from __future__ import annotations

import json

import pytest

from models import audit
from models.migrations import v0010_logged_path as v10
from models.migrations import v0016_log_row_cost as v16
from models.migrations.pg_log_sql import CHAIN_LOCK, POSTGRES_FUNCTIONS
from tests.test_audit import logged  # noqa: F401
from tests.test_corrections import people  # noqa: F401
from tests.test_pg_trust import ACCOUNTS, _drop_login_roles, roles  # noqa: F401

pytestmark = pytest.mark.postgres

COMPARED = [c for c in v10.LOG_COLUMNS if c not in ("created_at", "prev_hash", "row_hash")]
REPLACED = ("apcard_is", "apcard_personal", "apcard_state", "apcard_log_row")


@pytest.fixture
def backend() -> str:
    return "postgres"


def _v10(name: str) -> str:
    """v10's text of one function, as v10's upgrade made it."""
    sql = next(s for s in POSTGRES_FUNCTIONS if f"FUNCTION {name}(" in s)
    return sql.replace("CHAIN_LOCK", str(CHAIN_LOCK)).replace(
        "CARD_LINES", v10._card_lines_json()).replace("CARD_POS", v10._card_pos_json())


def _install_v10(db) -> None:
    for name in REPLACED:
        db.execute_sql(_v10(name))


def _install_v16(db) -> None:
    v16.upgrade(db, None)


def _one(db, sql: str, params: tuple = ()) -> object:
    return db.execute_sql(sql, params).fetchone()[0]


def _columns(db, table: str, skip: tuple[str, ...] = ()) -> list[str]:
    return [f'"{c.name}"' for c in db.get_columns(table) if c.name != "id" and c.name not in skip]


def _context(db, **values: str) -> None:
    """The transaction's settings for the triggers (those not named: empty)."""
    for key in ("user_id", "event", "reason_code", "reason", "reasons"):
        db.execute_sql("SELECT set_config(%s, %s, true)", (f"apcard.{key}", values.get(key, "")))


def _changes(db, people) -> None:  # noqa: F811
    """Every kind of log row: insert, each column, quiet, delete, a snapshot, a secret,
    a purge, several columns of one card in one UPDATE, reasons per column (and a text
    of reasons that is no JSON), no event at all, and people's own login roles."""
    admin, operator = people["administrator"].id, people["operator"].id
    first, second = (r[0] for r in db.execute_sql("SELECT id FROM card ORDER BY id LIMIT 2"))
    pid = _one(db, "SELECT person_id FROM card WHERE id = %s", (first,))
    top = _one(db, "SELECT max(id) FROM person")
    for table in v10.LOGGED:  # sequences are not rolled back: the same ids
        db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                       f'(SELECT max(id) FROM "{table}"))')
    why = {"reason_code": "04", "reason": "опечатка"}
    _context(db, user_id=str(admin), event="correct", **why)
    db.execute_sql("UPDATE card SET surname = 'Сейтова', guilt = '2', fine_imposed = 12.5, "
                   "protocol_no = '000123', version = version + 1 WHERE id = %s", (first,))
    db.execute_sql("UPDATE person SET surname = 'Сейтова', birth_date = '1990-02-03' "
                   "WHERE id = %s", (pid,))
    db.execute_sql("UPDATE person SET surname_key = 'zz' WHERE id = %s", (pid,))  # quiet only
    cols = ", ".join(_columns(db, "person"))
    db.execute_sql(f"INSERT INTO person ({cols}) SELECT {cols} FROM person WHERE id = %s", (pid,))
    cols = ", ".join(_columns(db, "person_history"))
    db.execute_sql(f"INSERT INTO person_history ({cols}) SELECT {cols} FROM person_history "
                   "WHERE id = (SELECT min(id) FROM person_history)")
    db.execute_sql("UPDATE \"user\" SET password_hash = 'x', full_name = 'Жаңа' WHERE id = %s",
                   (operator,))
    cols = _columns(db, "user")
    values = ["login || '3'" if c == '"login"' else "NULL" if c == '"os_account"' else c
              for c in cols]
    db.execute_sql(f'INSERT INTO "user" ({", ".join(cols)}) SELECT {", ".join(values)} '
                   'FROM "user" WHERE id = %s', (operator,))
    _context(db, user_id=str(admin), event="correct", reason_code="04", reason="общая",
             reasons=json.dumps({"surname": ["02", "своя"], "*": ["05", "вся"]},
                                ensure_ascii=False))
    db.execute_sql("UPDATE card SET surname = 'Әлиева', official_name = 'Серіков Т.', "
                   "version = version + 1 WHERE id = %s", (first,))
    db.execute_sql("UPDATE person SET updated_at = updated_at + interval '1 day' "
                   "WHERE id = %s", (pid,))  # quiet only, with the reason of '*'
    _context(db, user_id=str(admin), event="correct", reasons="{no json", **why)
    db.execute_sql("UPDATE card SET official_name = 'Қ', version = version + 1 WHERE id = %s",
                   (first,))
    _context(db)  # no event, no user: the triggers' own events
    db.execute_sql("DELETE FROM person WHERE id = %s", (top + 1,))
    db.execute_sql("UPDATE person SET address = 'Алматы' WHERE id = %s", (pid,))
    db.execute_sql("UPDATE person SET name_key = 'yy' WHERE id = %s", (pid,))
    _context(db, event="purge", reason_code="04", reason="срок", user_id=str(admin))
    db.execute_sql("UPDATE card SET official_name = NULL, status = 'purged', "
                   "version = version + 1 WHERE id = %s", (second,))
    # People's own roles: the acting user is the role's, whatever apcard.user_id says.
    _context(db, user_id=str(admin))
    db.execute_sql(f'SET LOCAL SESSION AUTHORIZATION "{ACCOUNTS["operator"]}"')
    db.execute_sql("INSERT INTO card (status, version, koap_edition, created_at, surname, "
                   "without_protocol) VALUES ('registered', 1, '2014', '2025-01-02 03:04:05.60', 'Ручной', "
                   "false)")
    db.execute_sql("RESET SESSION AUTHORIZATION")
    db.execute_sql(f'SET LOCAL SESSION AUTHORIZATION "{ACCOUNTS["administrator"]}"')
    _context(db, user_id=str(operator), event="correct", **why)
    db.execute_sql("UPDATE card SET place = 'Астана', version = version + 1 WHERE id = %s",
                   (first,))
    db.execute_sql("RESET SESSION AUTHORIZATION")


def _log(db, people, install) -> list[tuple]:  # noqa: F811
    """The log rows of `_changes` made through the functions `install` puts in place,
    in a transaction rolled back afterwards (the functions with it)."""
    with db.atomic() as txn:
        install(db)
        first = _one(db, "SELECT max(id) FROM correction")
        _changes(db, people)
        audit.flush()
        assert audit.verify().ok, install.__name__
        rows = db.execute_sql(f"SELECT {', '.join(COMPARED)} FROM correction WHERE id > %s "
                              "ORDER BY id", (first,)).fetchall()
        txn.rollback()
    return rows


def test_the_cheaper_trigger_logs_as_the_one_before_it(logged, roles, db) -> None:  # noqa: F811
    old, new = _log(db, roles, _install_v10), _log(db, roles, _install_v16)
    assert new == old
    at = {c: i for i, c in enumerate(COMPARED)}
    assert len(new) > 20
    assert {r[at["entity"]] for r in new} == set(v10.LOGGED) - {"legal_entity"}
    assert {r[at["event"]] for r in new} >= {"correct", "purge", "sql", "insert", "delete"}
    assert {r[at["reason_code"]] for r in new} >= {"02", "04", "05", None}
    users = {r[at["user_id"]] for r in new}
    assert {roles["administrator"].id, roles["operator"].id, None} <= users
    last = new[-1]  # the administrator's own role, not the operator apcard.user_id names
    assert (last[at["field_name"]], last[at["user_id"]]) == ("place", roles["administrator"].id)
    assert new[-2][at["user_id"]] == roles["operator"].id  # the operator's psql insert


STATES = [
    {}, {"a": None}, {"b": True, "a": False}, {"n": 12.5, "m": 0, "k": -3, "big": 1e21},
    {"t": "2024-05-06T07:08:09", "u": "2024-05-06 07:08:09.120000", "v": "2024-05-06T07:08:09."
     "000", "w": "2024-05-06 07:08:09x", "x": "2024-05-06 07:08", "y": "1234567890123456789"},
    {"text": "Қасымова Әсел ‘кавычки’ ; 3:x;", "Z": "z", "ä": "", "e": "  "},
    {"nested": {"a": [1, "2"]}, "list": [None, True]},
]


def test_a_row_state_is_the_same_digest(db) -> None:
    with db.atomic() as txn:
        db.execute_sql(_v10("apcard_state").replace("apcard_state(", "apcard_state_v10(", 1))
        _install_v16(db)
        for value in STATES:
            text = json.dumps(value, ensure_ascii=False)
            old, new = db.execute_sql("SELECT apcard_state_v10(%s::jsonb), "
                                      "apcard_state(%s::jsonb)", (text, text)).fetchone()
            assert new == old and new.startswith("sha256:"), value
        txn.rollback()
