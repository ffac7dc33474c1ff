"""Users and roles: OS-account identification, password sign-in with scrypt and a
lock after 5 failures, the permission table, user upkeep logged, `apcard user`."""

from __future__ import annotations

import datetime as dt
import getpass
import io

import pytest

from models import auth
from models.audit import Correction, verify_chain
from models.auth import AuthError, add_user, login, set_password, set_role
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

# §34-2: operator enters cards and reads; administrator corrects, deletes, returns,
# manages users; auditor reads everything including logs and changes nothing.
SPEC = {
    Role.OPERATOR: {Action.READ_CARD, Action.ENTER_CARD, Action.DISPATCH_CARD,
                    Action.READ_HISTORY,
                    # the documents an operator keys: journal, notices, protests, requests
                    Action.READ_REGISTER, Action.KEEP_REGISTER, Action.ENTER_NOTICE,
                    Action.ENTER_PROTEST, Action.READ_REQUESTS, Action.KEEP_REQUESTS},
    Role.ADMINISTRATOR: set(Action),
    Role.AUDITOR: {Action.READ_CARD, Action.READ_HISTORY, Action.READ_JOURNAL,
                   Action.EXPORT_JOURNAL, Action.LIST_USERS, Action.READ_REGISTER,
                   Action.READ_REQUESTS, Action.READ_RETENTION},
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
    monkeypatch.setattr(getpass, "getuser", lambda: "ivanova")
    assert auth.identify_os_user() is None
    with pytest.raises(AuthError) as exc:
        auth.require_os_user()
    assert "ivanova" in exc.value.message.ru and "ivanova" in exc.value.message.kk
    assert "не привязана" in exc.value.message.ru
    user = add_user("ivanova", Role.OPERATOR, by=admin, os_account_name="ivanova")
    assert auth.identify_os_user().id == user.id
    User.update(active=False).where(User.id == user.id).execute()
    assert auth.identify_os_user() is None


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
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_success_resets_the_failure_count(admin) -> None:
    add_user("kassa", Role.OPERATOR, by=admin, password="терминал-1")
    for _ in range(4):
        with pytest.raises(AuthError):
            login("kassa", "nope-nope")
    login("kassa", "терминал-1")
    with pytest.raises(AuthError) as exc:
        login("kassa", "nope-nope")
    assert "4" in exc.value.message.ru  # counting starts again


def test_unknown_passwordless_and_disabled_accounts_refused_clearly(admin) -> None:
    with pytest.raises(AuthError) as exc:
        login("nobody\x1b[31m", "whatever")
    assert "не зарегистрирован" in exc.value.message.ru and "тіркелмеген" in exc.value.message.kk
    assert "\x1b" not in exc.value.message.ru
    with pytest.raises(AuthError) as exc:
        login("admin", "whatever1")  # OS-account user without a password
    assert "пароль не задан" in exc.value.message.ru
    add_user("gone", Role.OPERATOR, by=admin, password="password-1")
    User.update(active=False).where(User.login == "gone").execute()
    with pytest.raises(AuthError) as exc:
        login("gone", "password-1")
    assert "отключена" in exc.value.message.ru


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


def test_user_changes_are_logged_without_secrets(admin) -> None:
    add_user("op", Role.OPERATOR, by=admin, password="first-pass")
    set_role("op", Role.AUDITOR, by=admin)
    set_password("op", "second-pass", by=admin)
    rows = [(r.event, r.field_name, r.old_value, r.new_value, r.user_id, r.target_user_id)
            for r in Correction.select().order_by(Correction.id)]
    op = User.get(User.login == "op")
    assert rows == [
        ("user", "user", None, "admin:administrator", admin.id, admin.id),
        ("user", "user", None, "op:operator", admin.id, op.id),
        ("user", "role", "operator", "auditor", admin.id, op.id),
        ("user", "password", None, "***", admin.id, op.id),
    ]
    assert "second-pass" not in str(rows) and verify_chain().ok


# --- `apcard user` -----------------------------------------------------------------------

def test_cli_user_commands(cfg, db, capsys, monkeypatch) -> None:
    me = getpass.getuser()
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
    add_user("me", Role.OPERATOR, by=boss, os_account_name=getpass.getuser())
    code, out, err = run(cfg, ["user", "add", "x", "--role", "operator"], capsys)
    assert code == 1 and "администратор" not in out
    assert "Роли «оператор» не разрешено" in one_line(err)
    code, out, err = run(cfg, ["user", "set-role", "nobody", "operator"], capsys)
    assert code == 1 and one_line(err)
    assert User.select().count() == 2
