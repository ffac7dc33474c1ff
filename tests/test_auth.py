"""Users and roles: OS-account identification, password sign-in with scrypt and a
lock after 5 failures, the permission table, user upkeep logged, `apcard user`."""

from __future__ import annotations

import datetime as dt
import io
import os
import pwd
import subprocess
import sys

import pytest

from models import auth
from models.audit import Correction, verify_chain
from models.auth import AuthError, add_user, login, os_account, set_password, set_role
from models.permissions import ALLOWED, Action, PermissionDenied, allowed, require
from models.tables import Role, User
from tests.test_cli import one_line, run

# --- passwords -------------------------------------------------------------------------


def test_password_hash_is_salted_scrypt() -> None:
    a, b = auth.hash_password("Құпия-сөз 2025"), auth.hash_password("Құпия-сөз 2025")
    assert a != b and a.startswith("scrypt$16384$8$1$")
    assert auth.verify_password("Құпия-сөз 2025", a) and auth.verify_password("Құпия-сөз 2025", b)
    assert not auth.verify_password("құпия-сөз 2025", a)
    for broken in (None, "", "plain", "scrypt$x$8$1$AA==$AA==", "md5$1$1$1$AA==$AA=="):
        assert not auth.verify_password("anything", broken)


def test_password_rules() -> None:
    with pytest.raises(AuthError):
        auth.check_password_rules("short")
    with pytest.raises(AuthError):
        auth.check_password_rules("long enough\x1b[0m")
    auth.check_password_rules("long enough")


# --- the permission table ----------------------------------------------------------------

# The operator enters cards (with their persons) and reads; the administrator corrects,
# deletes, returns, manages users, the schema and the codebooks; the auditor reads
# everything including logs, verifies and seals the log, and changes nothing.
SPEC = {
    Role.OPERATOR: {Action.READ_CARD, Action.ENTER_CARD, Action.DISPATCH_CARD,
                    Action.READ_HISTORY, Action.CREATE_PERSON,
                    # the documents an operator keys: journal, notices, protests, requests
                    Action.READ_REGISTER, Action.KEEP_REGISTER, Action.ENTER_NOTICE,
                    Action.ENTER_PROTEST, Action.READ_REQUESTS, Action.KEEP_REQUESTS},
    Role.ADMINISTRATOR: set(Action),
    Role.AUDITOR: {Action.READ_CARD, Action.READ_HISTORY, Action.READ_JOURNAL,
                   Action.EXPORT_JOURNAL, Action.LIST_USERS, Action.READ_REGISTER,
                   Action.READ_REQUESTS, Action.READ_RETENTION, Action.VERIFY_LOG,
                   Action.SEAL_LOG},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_permission_table(role: Role, action: Action) -> None:
    user = User(login="x", role=role.value, active=True)
    assert allowed(user, action) == (action in SPEC[role])
    if action in SPEC[role]:
        require(user, action)
    else:
        with pytest.raises(PermissionDenied) as exc:
            require(user, action)
        assert exc.value.message.kk != exc.value.message.ru


def test_no_user_inactive_user_and_unknown_role_may_do_nothing() -> None:
    for user in (None, User(login="x", role="administrator", active=False),
                 User(login="x", role="superuser", active=True)):
        for action in Action:
            assert not allowed(user, action)
            with pytest.raises(PermissionDenied):
                require(user, action)
    assert set(ALLOWED) == set(Action)


# --- identification and sign-in ----------------------------------------------------------

@pytest.fixture
def admin(db) -> User:
    return add_user("admin", Role.ADMINISTRATOR, by=None, os_account_name="root-like",
                    full_name="Әкімші")


def test_os_account_identifies_the_user(admin, monkeypatch) -> None:
    monkeypatch.setattr(auth, "os_account", lambda: "ivanova")
    assert auth.identify_os_user() is None
    with pytest.raises(AuthError) as exc:
        auth.require_os_user()
    assert "ivanova" in exc.value.message.ru and "ivanova" in exc.value.message.kk
    assert "не привязана" in exc.value.message.ru
    user = add_user("ivanova", Role.OPERATOR, by=admin, os_account_name="ivanova")
    assert auth.identify_os_user().id == user.id
    User.update(active=False).where(User.id == user.id).execute()
    assert auth.identify_os_user() is None


def test_the_os_account_is_the_real_uid_not_the_environment() -> None:
    """LOGNAME, USER and friends are whatever the caller sets: never the identity."""
    real = pwd.getpwuid(os.getuid()).pw_name
    code = "from models.auth import os_account, identity; print(os_account(), identity()[0])"
    env = {**os.environ, "LOGNAME": "root-admin", "USER": "root-admin", "USERNAME": "x",
           "LNAME": "x", "SUDO_USER": "x", "PGUSER": "x"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == [real, real] and os_account() == real


def test_password_login_and_lock_after_five_failures(admin) -> None:
    add_user("kassa", Role.OPERATOR, by=admin, password="терминал-1")
    t0 = dt.datetime(2025, 3, 3, 9, 0)
    assert login("kassa", "терминал-1", at=t0).login == "kassa"
    for left in (4, 3, 2, 1):
        with pytest.raises(AuthError) as exc:
            login("kassa", "wrong-one", at=t0)
        assert f"Осталось попыток до блокировки: {left}" in exc.value.message.ru
    with pytest.raises(AuthError) as exc:
        login("kassa", "wrong-one", at=t0)
    assert "заблокирована до 09:15" in exc.value.message.ru
    with pytest.raises(AuthError) as exc:  # the right password does not help while locked
        login("kassa", "терминал-1", at=t0 + dt.timedelta(minutes=14))
    assert "09:15" in exc.value.message.kk
    user = login("kassa", "терминал-1", at=t0 + dt.timedelta(minutes=16))
    assert user.login == "kassa" and auth.lock_state("kassa") is None


def test_success_resets_the_failure_count(admin) -> None:
    add_user("kassa", Role.OPERATOR, by=admin, password="терминал-1")
    for _ in range(4):
        with pytest.raises(AuthError):
            login("kassa", "nope-nope")
    login("kassa", "терминал-1")
    with pytest.raises(AuthError) as exc:
        login("kassa", "nope-nope")
    assert "4" in exc.value.message.ru  # counting starts again


def _answer(name: str, password: str) -> str:
    try:
        login(name, password)
    except AuthError as exc:
        return exc.message.ru
    return "signed in"


def test_unknown_login_answers_like_a_wrong_password(admin) -> None:
    """Same message, same count, same lock for a login that does not exist, one without
    a password and a wrong password: the answer does not tell which logins exist."""
    add_user("kassa", Role.OPERATOR, by=admin, password="терминал-1")
    for name in ("kassa", "nobody", "admin"):  # admin: OS account only, no password
        answers = [_answer(name, "wrong-one") for _ in range(6)]
        assert answers[0] == "Неверный логин или пароль. Осталось попыток до блокировки: 4"
        assert "заблокирована до" in answers[4] and answers[5] == answers[4]
    assert _answer("nobody\x1b[31m", "x") .startswith("Неверный логин или пароль")
    add_user("gone", Role.OPERATOR, by=admin, password="password-1")
    User.update(active=False).where(User.login == "gone").execute()
    assert _answer("gone", "wrong-pass").startswith("Неверный логин или пароль")
    assert "отключена" in _answer("gone", "password-1")  # only the password's holder learns it


def test_unknown_login_takes_as_long_as_a_known_one(admin) -> None:
    import time

    add_user("kassa", Role.OPERATOR, by=admin, password="терминал-1")

    def took(name: str) -> float:
        start = time.perf_counter()
        _answer(name, "wrong-one")
        return time.perf_counter() - start

    known = min(took("kassa") for _ in range(3))
    unknown = min(took(f"nobody{i}") for i in range(3))
    assert unknown > known * 0.5, (known, unknown)  # both pay for one scrypt


GUESS = """
import sys
from models import auth
from models.db import open_database
open_database(sys.argv[1])
real = auth.verify_password
def counting(password, stored):
    print("checked", flush=True)
    return real(password, stored)
auth.verify_password = counting
try:
    auth.login("kassa", "wrong-one")
except auth.AuthError as exc:
    print(exc.message.ru)
"""


def test_parallel_guesses_never_exceed_the_lock(admin, db_url) -> None:
    """Sixteen sign-in processes at once: at most five passwords are ever checked."""
    from tests.conftest import ROOT

    add_user("kassa", Role.OPERATOR, by=admin, password="терминал-1")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", GUESS, db_url], stdout=subprocess.PIPE,
                              text=True, env=env, cwd=ROOT) for _ in range(16)]
    outs = [p.communicate(timeout=60)[0] for p in procs]
    assert sum(o.count("checked") for o in outs) == auth.LOCK_AFTER
    assert sum("заблокирована" in o for o in outs) == 16 - auth.LOCK_AFTER + 1


# --- user upkeep -----------------------------------------------------------------------

def test_first_user_only_without_an_administrator(db) -> None:
    first = auth.ensure_first_admin("boss")
    assert (first.login, first.os_account, first.role) == ("boss", "boss", "administrator")
    assert auth.ensure_first_admin("other") is None
    with pytest.raises(AuthError):
        add_user("sneaky", Role.ADMINISTRATOR, by=None)


def test_user_changes_refused_for_bad_input_and_roles(admin) -> None:
    op = add_user("op", Role.OPERATOR, by=admin)
    for kwargs in ({"login_name": "bad login"}, {"login_name": "x" * 65},
                   {"login_name": "ok", "role": "root"}, {"login_name": "op"},
                   {"login_name": "ok", "os_account_name": "root-like"},
                   {"login_name": "ok", "full_name": "A\x07B"},
                   {"login_name": "ok", "password": "short"}):
        args = {"role": Role.OPERATOR, **kwargs}
        with pytest.raises(AuthError):
            add_user(args.pop("login_name"), args.pop("role"), by=admin, **args)
    with pytest.raises(PermissionDenied):
        add_user("ok", Role.OPERATOR, by=op)
    with pytest.raises(PermissionDenied):
        set_role("op", Role.ADMINISTRATOR, by=op)
    with pytest.raises(PermissionDenied):
        set_password("admin", "new-password", by=op)
    set_password("op", "own-password", by=op)  # one's own password: allowed
    with pytest.raises(AuthError):  # the last administrator keeps the role
        set_role("admin", Role.AUDITOR, by=admin)
    assert User.select().count() == 2


def test_user_changes_are_logged_without_secrets(admin, backend) -> None:
    add_user("op", Role.OPERATOR, by=admin, password="first-pass")
    set_role("op", Role.AUDITOR, by=admin)
    set_password("op", "second-pass", by=admin)
    from models.journal import journal

    op = User.get(User.login == "op")
    rows = [(r.event, r.field_name, r.user_id, r.target_user_id)
            for r in Correction.select().order_by(Correction.id)]
    assert rows == [  # written by the database: the first administrator created nobody
        ("user", "*", None, admin.id), ("user", "*", admin.id, op.id),
        ("user", "role", admin.id, op.id), ("user", "password_hash", admin.id, op.id)]
    logged = " ".join(str(r.__data__) for r in Correction.select())
    assert "scrypt$" not in logged and "first-pass" not in logged and verify_chain().ok
    seen = [(r.label.ru, r.old, r.new, r.user_login, r.reason_text)
            for r in journal(admin, lang="ru")]
    assert seen == [("Пароль", "***", "***", "admin", "op"),
                    ("Роль", "оператор", "аудитор", "admin", "op"),
                    ("Пользователь", "", "op:operator", "admin", "op"),
                    ("Пользователь", "", "admin:administrator", "admin", "admin")]
    first = Correction.get_by_id(1)  # made by `init`: the log keeps who ran it
    assert first.db_user == ("postgres" if backend == "postgres" else os_account())


# --- `apcard user` -----------------------------------------------------------------------

def test_cli_user_commands(cfg, db, capsys, monkeypatch) -> None:
    me = os_account()
    code, out, err = run(cfg, ["user", "add", "chief", "--role", "administrator",
                               "--os-account", me, "--name", "Бастық Б."], capsys)
    assert (code, err) == (0, "") and "chief" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("терминал-пароль\n"))
    code, out, err = run(cfg, ["user", "add", "kassa", "--role", "operator",
                               "--password-stdin"], capsys)
    assert (code, err) == (0, "")
    assert login("kassa", "терминал-пароль").role == "operator"
    code, out, err = run(cfg, ["user", "set-role", "kassa", "auditor"], capsys)
    assert (code, err) == (0, "") and User.get(User.login == "kassa").role == "auditor"
    monkeypatch.setattr("sys.stdin", io.StringIO("жаңа-құпиясөз\n"))
    code, out, err = run(cfg, ["user", "passwd", "kassa", "--password-stdin"], capsys)
    assert (code, err) == (0, "") and login("kassa", "жаңа-құпиясөз")
    code, out, err = run(cfg, ["user", "list"], capsys)
    assert code == 0 and "chief" in out and "kassa" in out and "Бастық Б." in out


@pytest.mark.parametrize("args", [["user", "add", "x", "--role", "root"],
                                  ["user", "set-role", "x", "superuser"],
                                  ["user", "add", "x"]])
def test_cli_unknown_role_is_one_line_exit_2(cfg, db, capsys, args) -> None:
    code, out, err = run(cfg, args, capsys)
    assert code == 2 and one_line(err)


def test_cli_refuses_a_non_administrator(cfg, db, capsys) -> None:
    boss = add_user("boss", Role.ADMINISTRATOR, by=None)
    add_user("me", Role.OPERATOR, by=boss, os_account_name=os_account())
    code, out, err = run(cfg, ["user", "add", "x", "--role", "operator"], capsys)
    assert code == 1 and "администратор" not in out
    assert "Роли «оператор» не разрешено" in one_line(err)
    code, out, err = run(cfg, ["user", "set-role", "nobody", "operator"], capsys)
    assert code == 1 and one_line(err)
    assert User.select().count() == 2
