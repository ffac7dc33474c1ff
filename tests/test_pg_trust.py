"""PostgreSQL as the trust boundary: after `apcard db roles` each person signs in as their
own login role, and what the application does not let a role do, psql does not either.
The attacker is an operator (or an administrator) with a shell and psql."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest

from models import audit, auth, pgroles
from models.audit import Correction, verify
from models.db import close_database, open_database
from models.tables import Card, User
from tests.test_cli import one_line, run
from tests.test_corrections import make_card, people  # noqa: F401

pytestmark = pytest.mark.postgres
TAG = f"t{os.getpid()}"
ACCOUNTS = {"operator": f"{TAG}_op", "administrator": f"{TAG}_admin", "auditor": f"{TAG}_aud"}


@pytest.fixture
def backend() -> str:
    return "postgres"


@pytest.fixture(scope="session")
def _drop_login_roles(pg_server) -> Iterator[None]:
    yield
    if pg_server is None:
        return
    with contextlib.closing(pg_server.connect()) as conn, conn.cursor() as cur:
        for name in (*ACCOUNTS.values(), f"{TAG}_new"):
            cur.execute(f'DROP ROLE IF EXISTS "{name}"')


@pytest.fixture
def roles(people, db, _drop_login_roles):  # noqa: F811
    """The register's people mapped to their own login roles, the grants in force."""
    for role, account in ACCOUNTS.items():
        User.update(os_account=account).where(User.id == people[role].id).execute()
    mapped = pgroles.apply(db)
    assert sorted(mapped) == sorted(ACCOUNTS.values())
    return people


def url_as(cfg_url: str, role: str) -> str:
    return cfg_url.replace("://postgres@", f"://{ACCOUNTS[role]}@")


@contextlib.contextmanager
def psql(db_url: str, role: str, **settings: str) -> Iterator[object]:
    """A psql-like session of `role`, in one transaction, with SET LOCAL `settings`."""
    import psycopg2

    from tests.conftest import _server_from_url

    server = _server_from_url(db_url)
    conn = psycopg2.connect(host=server.host, port=server.port, user=ACCOUNTS[role],
                            dbname=server.maintenance_db, connect_timeout=5)
    with in_transaction(conn, settings) as cur:
        yield cur


@contextlib.contextmanager
def in_transaction(conn: Any, settings: dict[str, str]) -> Iterator[Any]:
    """A cursor of `conn` in one transaction (committed at the end of the block, rolled
    back on an exception) with SET LOCAL `settings`; the connection closed after it."""
    try:
        with conn, conn.cursor() as cur:
            for name, value in settings.items():
                cur.execute("SELECT set_config(%s, %s, true)", (f"apcard.{name}", value))
            yield cur
    finally:
        conn.close()


def refused(db_url: str, role: str, statement: str, **settings: str) -> str:
    import psycopg2

    with pytest.raises(psycopg2.Error) as exc, psql(db_url, role, **settings) as cur:
        cur.execute(statement)
    return str(exc.value)


BYPASS = [  # what would change the data or the log without the log knowing
    "TRUNCATE correction",
    "TRUNCATE card CASCADE",
    "UPDATE correction SET new_value = 'X'",
    "DELETE FROM correction",
    "INSERT INTO correction (id, entity, event, line, field_name, reason_text, created_at, "
    "prev_hash, row_hash) VALUES (99999, 'card', 'x', '', 'x', '', now(), '', '')",
    "ALTER TABLE card DISABLE TRIGGER ALL",
    "ALTER TABLE correction DISABLE TRIGGER correction_no_change",
    "DROP TABLE correction",
    "DROP TRIGGER apcard_log ON card",
    "SET session_replication_role = replica",
    "CREATE TABLE shadow (i integer)",
    "CREATE TEMP TABLE shadow (i integer)",
    "DELETE FROM card",
    "DELETE FROM \"user\"",
    "UPDATE seal SET hash = 'x'",
    "INSERT INTO seal (row, hash, at) VALUES (1, 'x', now())",
    "SELECT apcard_chain('card', 1, 1, 1, 'x', '', 'x', NULL, NULL, NULL, '', NULL, NULL, NULL)",
    "SELECT apcard_append('card', 1, 1, 1, '', 'surname', 'a', 'b', NULL)",
    "UPDATE person_history SET old_value = 'x'",
]


@pytest.mark.parametrize("role", ["operator", "administrator", "auditor"])
def test_no_login_role_can_bypass_the_log(roles, db_url, role: str) -> None:
    make_card(roles["operator"])
    for statement in BYPASS:
        text = refused(db_url, role, statement)
        assert ("permission denied" in text or "must be owner" in text
                or "append-only" in text or "never deleted" in text), (statement, text)
    assert verify().ok


def test_an_operator_may_not_correct_in_psql(roles, db_url) -> None:
    card = make_card(roles["operator"])
    bump = f"version = version + 1 WHERE id = {card.id}"
    why = {"reason_code": "04", "reason": "сам исправил"}
    assert "permission denied" in refused(db_url, "operator",
                                          f"UPDATE card SET surname = 'X', {bump}", **why)
    assert "needs a reason" in refused(db_url, "operator",
                                       f"UPDATE card SET fine_collected = 1, {bump}")
    assert "only an administrator" in refused(
        db_url, "operator", f"UPDATE card SET status = 'removed', {bump}", **why)
    assert "permission denied" in refused(
        db_url, "operator", f"UPDATE \"user\" SET role = 'administrator' "
        f"WHERE id = {roles['operator'].id}")
    assert "only an administrator" in refused(
        db_url, "operator", f"UPDATE \"user\" SET password_hash = 'x' "
        f"WHERE id = {roles['administrator'].id}")
    # what an operator does: dispatch, logged under the operator's own name
    with psql(db_url, "operator") as cur:
        cur.execute(f"UPDATE card SET status = 'dispatched', dispatched_at = now(), {bump}")
        cur.execute("SELECT apcard_seal('manual', 'psql')")
    row = Correction.get((Correction.card == card.id) & (Correction.field_name == "status"))
    assert (row.db_user, row.user_id, row.event) == (ACCOUNTS["operator"],
                                                     roles["operator"].id, "sql")
    assert Card.get_by_id(card.id).status == "dispatched" and verify().ok


def test_an_administrator_corrects_in_psql_only_with_a_reason(roles, db_url) -> None:
    card = make_card(roles["operator"])
    change = f"UPDATE card SET surname = 'Иванов', version = version + 1 WHERE id = {card.id}"
    assert "needs a reason" in refused(db_url, "administrator", change)
    assert "unknown reason code" in refused(db_url, "administrator", change,
                                            reason_code="99", reason="x")
    with psql(db_url, "administrator", reason_code="04", reason="по паспорту",
              user_id=str(roles["operator"].id)) as cur:  # naming another user: ignored
        cur.execute(change)
    row = Correction.get((Correction.card == card.id) & (Correction.field_name == "surname"))
    assert (row.db_user, row.user_id, row.reason_code, row.reason_text) == (
        ACCOUNTS["administrator"], roles["administrator"].id, "04", "по паспорту")
    assert verify().ok


def test_the_session_is_the_identity(roles, cfg, make_cfg, db_url, monkeypatch) -> None:
    """Signed in as the operator's role, nothing on this machine makes one the
    administrator: not the OS account, not apcard.user_id."""
    monkeypatch.setattr(auth, "os_account", lambda: ACCOUNTS["administrator"])
    close_database()
    open_database(url_as(db_url, "operator"))
    try:
        assert auth.identity() == (ACCOUNTS["operator"], True)
        assert auth.identify_os_user().id == roles["operator"].id
    finally:
        close_database()
        open_database(db_url)


def test_cli_as_personal_roles(roles, make_cfg, db_url, capsys) -> None:
    as_admin = make_cfg(url_as(db_url, "administrator"))
    code, out, err = run(as_admin, ["user", "add", "newbie", "--role", "operator",
                                    "--os-account", f"{TAG}_new"], capsys)
    assert (code, err) == (0, ""), err
    open_database(db_url)
    members = db_scalar("SELECT string_agg(g.rolname, ',') FROM pg_auth_members m "
                        "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON "
                        "r.oid = m.member WHERE r.rolname = %s", (f"{TAG}_new",))
    assert members == "apcard_operator"
    as_operator = make_cfg(url_as(db_url, "operator"))
    code, _, err = run(as_operator, ["user", "add", "sneak", "--role", "administrator"], capsys)
    assert code == 1 and "не разрешено" in one_line(err)
    code, _, err = run(as_operator, ["db", "roles"], capsys)
    assert code == 1 and "суперпользователь" in one_line(err)
    code, _, err = run(as_operator, ["db", "upgrade"], capsys)
    assert code == 1 and one_line(err)
    code, out, err = run(make_cfg(url_as(db_url, "auditor")), ["audit", "verify"], capsys)
    assert (code, err) == (0, ""), err


def test_db_roles_is_idempotent_and_prints_pg_hba(roles, cfg, capsys) -> None:
    for _ in range(2):
        code, out, err = run(cfg, ["db", "roles"], capsys)
        assert (code, err) == (0, ""), err
        assert "+apcard_operator,+apcard_administrator,+apcard_auditor   peer" in out
        assert ACCOUNTS["operator"] in out
    assert verify().ok


def db_scalar(query: str, params: tuple = ()) -> object:
    from models.db import database_proxy

    return database_proxy.obj.execute_sql(query, params).fetchone()[0]


def test_sqlite_has_no_roles(make_cfg, tmp_path, capsys) -> None:
    cfg = make_cfg(f"sqlite:///{tmp_path / 'one.db'}")
    assert run(cfg, ["init"], capsys)[0] == 0
    code, _, err = run(cfg, ["db", "roles"], capsys)
    assert code == 1 and "SQLite" in one_line(err)


def test_dates_and_log_of_a_psql_insert(roles, db_url) -> None:
    """A card typed into psql by an operator is logged too (not refused: registering is
    the operator's) and verify still holds."""
    card = make_card(roles["operator"])
    with psql(db_url, "operator") as cur:
        cur.execute("INSERT INTO card (status, version, koap_edition, created_at, surname, "
                    "without_protocol) VALUES ('registered', 1, '2014', now(), 'Ручной', false)")
    row = Correction.select().order_by(Correction.id.desc()).first()
    assert (row.entity, row.field_name, row.db_user, row.event) == (
        "card", "*", ACCOUNTS["operator"], "insert")
    assert row.card_id != card.id and audit.verify().ok
    assert dt.date.today().year >= 2024
