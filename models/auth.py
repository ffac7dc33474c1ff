"""Who is working, and the users table's upkeep (add, role, password), each change logged.

Who: on PostgreSQL with personal login roles, the database session itself
(session_user, peer authentication maps the OS account to its role); otherwise the
operating-system account of the process's real uid (`pwd.getpwuid(os.getuid())`).
No environment variable and no option changes it. An OS account mapped to no user
may sign in with a password on a shared terminal.

Every change of a user is logged by the database (models/audit.py), the password hash
as a digest only. Passwords are stored as salted scrypt hashes. Five failed sign-ins in a row lock the
login for LOCK_MINUTES, counted per login typed (known or not) in the `sign_in` table,
so a shared terminal cannot be used to guess a password or to learn which logins exist.
"""

from __future__ import annotations

import base64
import datetime as dt
import re

import peewee as pw

from models import logpath
from models.db import database_proxy, is_postgres
from models.i18n import T
from models.permissions import Action, require, role_label
from models.tables import Role, SignIn, User, now
from models.text import clean, find_control, strip_control

__all__ = ["AuthError", "add_user", "ensure_first_admin", "identify_os_user", "identity",
           "list_users", "lock_state", "login", "os_account", "require_os_user", "role_label",
           "set_password", "set_role"]

LOCK_AFTER = 5  # wrong passwords in a row
LOCK_MINUTES = 15
MIN_PASSWORD = 8
# scrypt cost: ~50 ms and 16 MiB per check on a small server; slow enough for guessing.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1

_LOGIN = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")


class AuthError(Exception):
    """Sign-in or user-management refusal; `message` is shown as is."""

    def __init__(self, message: T) -> None:
        super().__init__(message.ru)
        self.message = message


# --- passwords ----------------------------------------------------------------------

def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# hashlib's scrypt, hmac and secrets load OpenSSL (~3.5 MiB): imported by the two
# functions that need them, not by every start of the card screen.

def hash_password(password: str) -> str:
    import hashlib
    import secrets

    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                            p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    import hashlib
    import hmac

    try:
        scheme, n, r, p, salt, digest = (stored or "").split("$")
        if scheme != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n),
                             r=int(r), p=int(p), dklen=len(want))
    except (ValueError, TypeError):  # a malformed hash in the table never matches
        return False
    return hmac.compare_digest(got, want)


def check_password_rules(password: str) -> None:
    if find_control(password) is not None:
        raise AuthError(T("Құпиясөзде басқару таңбалары болмауы керек",
                          "Пароль не должен содержать управляющих символов"))
    if len(password) < MIN_PASSWORD:
        raise AuthError(T("Құпиясөз кемінде {n} таңба болуы керек",
                          "Пароль должен быть не короче {n} символов").format(n=MIN_PASSWORD))


# --- identification and sign-in ----------------------------------------------------

def os_account() -> str:
    """The operating-system account running apcard: the name of the real uid in the
    password database ('' when the uid has no name). Never LOGNAME, USER or any other
    variable: whoever starts a process sets those to anything."""
    return logpath.os_account()


def session_role() -> str | None:
    """PostgreSQL: the role the database session signed in as (session_user), which a
    SET ROLE cannot change; None on SQLite."""
    db = database_proxy.obj
    if not is_postgres(db):
        return None
    return str(db.execute_sql("SELECT session_user").fetchone()[0])


def personal_role(role: str) -> bool:
    """A login role of one person (a member of an apcard group role): the session then
    says who is working, and nothing else may."""
    db = database_proxy.obj
    return bool(db.execute_sql(
        "SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = %s AND g.rolname IN "
        "('apcard_operator', 'apcard_administrator', 'apcard_auditor'))", (role,)
    ).fetchone()[0])


def identity() -> tuple[str, bool]:
    """(account name, from the database session?): on PostgreSQL a personal login role
    is the identity; otherwise the operating-system account."""
    role = session_role()
    if role is not None and personal_role(role):
        return role, True
    return os_account(), False


def identify_os_user(account: str | None = None) -> User | None:
    """The active apcard user mapped to this OS account (or, on PostgreSQL, to the
    personal login role of the session): SSH needs no second password."""
    account = identity()[0] if account is None else account
    if not account:
        return None
    return User.get_or_none((User.os_account == account) & (User.active == True))  # noqa: E712


def require_os_user(account: str | None = None) -> User:
    account = identity()[0] if account is None else account
    user = identify_os_user(account)
    if user is None:
        raise AuthError(T(
            "«{acc}» ОЖ есептік жазбасы apcard пайдаланушысына байланыстырылмаған. "
            "Құпиясөзбен кіріңіз немесе әкімшіге хабарласыңыз.",
            "Учётная запись ОС «{acc}» не привязана к пользователю apcard. "
            "Войдите по паролю или обратитесь к администратору.",
        ).format(acc=strip_control(account)[:64]))
    return user


# A hash of no password at all, with the real parameters: an unknown login costs the
# same scrypt as a known one, so the answer's time does not tell which logins exist.
_NOBODY = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(bytes(16))}${_b64(bytes(32))}"
_WRONG = T("Логин немесе құпиясөз қате. Бұғатталғанға дейін қалған әрекет: {n}",
           "Неверный логин или пароль. Осталось попыток до блокировки: {n}")


def login(login_name: str, password: str, at: dt.datetime | None = None) -> User:
    """Password sign-in. Raises AuthError. An unknown login, a user without a password
    and a wrong password get the same answer in the same time; the attempt is counted
    before the password is checked, in one statement, so parallel attempts never get
    more than LOCK_AFTER guesses checked before the lock."""
    at = at or now()
    name = strip_control(clean(login_name or ""))[:64]
    if not name:
        raise AuthError(_WRONG.format(n=LOCK_AFTER))
    left = _claim_attempt(name, at)
    user = User.get_or_none(User.login == name)
    stored = user.password_hash if user is not None and user.password_hash else _NOBODY
    good = verify_password(password or "", stored) and stored != _NOBODY
    if not good:
        if left == 0:
            raise _locked(at + dt.timedelta(minutes=LOCK_MINUTES))
        raise AuthError(_WRONG.format(n=left))
    SignIn.update(failures=0, locked_until=None).where(SignIn.login == name).execute()
    if not user.active:
        raise AuthError(T("«{login}» есептік жазбасы бұғатталған",
                          "Учётная запись «{login}» отключена").format(login=name))
    return User.get_by_id(user.id)


def _claim_attempt(name: str, at: dt.datetime) -> int:
    """Count one attempt for `name` (known or not) before checking it: how many are
    left after this one. The attempt that uses the last one locks the login until it
    succeeds; AuthError when the login is locked."""
    SignIn.insert(login=name, failures=0).on_conflict_ignore().execute()
    SignIn.update(failures=0, locked_until=None).where(
        (SignIn.login == name) & (SignIn.locked_until <= at)).execute()
    until = at + dt.timedelta(minutes=LOCK_MINUTES)
    # RETURNING: the count this very attempt made (SQLite 3.35+, PostgreSQL).
    claimed = list(SignIn.update(
        failures=SignIn.failures + 1,
        locked_until=pw.Case(None, [(SignIn.failures + 1 >= LOCK_AFTER, until)], None),
    ).where((SignIn.login == name) & (SignIn.failures < LOCK_AFTER)
            & SignIn.locked_until.is_null()).returning(SignIn.failures).tuples().execute())
    if not claimed:
        row = SignIn.get_or_none(SignIn.login == name)
        raise _locked(row.locked_until if row is not None and row.locked_until else until)
    return max(LOCK_AFTER - claimed[0][0], 0)


def lock_state(login_name: str, at: dt.datetime | None = None) -> dt.datetime | None:
    """Until when the login is locked against password sign-in (None: it is not)."""
    row = SignIn.get_or_none(SignIn.login == login_name)
    at = at or now()
    if row is None or row.locked_until is None or row.locked_until <= at:
        return None
    return row.locked_until


def _locked(until: dt.datetime) -> AuthError:
    return AuthError(T("Есептік жазба {time} дейін бұғатталған: {n} рет қате құпиясөз",
                       "Учётная запись заблокирована до {time}: {n} неверных паролей подряд"
                       ).format(time=until.strftime("%H:%M"), n=LOCK_AFTER))


# --- user management (administrator) ------------------------------------------------

def parse_role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise AuthError(T("Белгісіз рөл «{r}»: operator, administrator, auditor",
                          "Неизвестная роль «{r}»: operator, administrator, auditor"
                          ).format(r=strip_control(text)[:32])) from None


def _check_login(name: str, what: T) -> str:
    if not _LOGIN.match(name or ""):
        raise AuthError(T(f"{what.kk} қате «{{v}}»: латын әріптері, цифрлар, . _ - @, 64 таңбаға дейін",
                          f"{what.ru}: недопустимое значение «{{v}}»: латиница, цифры, . _ - @, "
                          "до 64 символов").format(v=strip_control(name or "")[:64]))
    return name


def _check_name(full_name: str) -> str:
    if find_control(full_name) is not None:
        raise AuthError(T("Атында басқару таңбалары болмауы керек",
                          "ФИО не должно содержать управляющих символов"))
    text = clean(full_name)
    if len(text) > 150:
        raise AuthError(T("Аты ең көбі 150 таңба", "ФИО: не более 150 символов"))
    return text


def _user(login_name: str) -> User:
    user = User.get_or_none(User.login == login_name)
    if user is None:
        raise AuthError(T("«{login}» пайдаланушысы жоқ", "Пользователя «{login}» нет"
                          ).format(login=strip_control(login_name)[:64]))
    return user


def add_user(login_name: str, role: Role | str, *, by: User | None, full_name: str = "",
             os_account_name: str | None = None, password: str | None = None) -> User:
    """Create a user. `by` is the administrator; None only for the very first user of an
    empty database (who then becomes the author of their own creation)."""
    role = parse_role(role.value if isinstance(role, Role) else role)
    name = _check_login(login_name, T("Логин", "Логин"))
    account = _check_login(os_account_name, T("ОЖ есептік жазбасы", "Учётная запись ОС")) \
        if os_account_name else None
    full = _check_name(full_name)
    if password is not None:
        check_password_rules(password)
    from models import audit  # the log's writer: user changes only, not a sign-in

    with audit.writing(by, "user"):
        if by is None:
            if User.select().exists():
                raise AuthError(T("Пайдаланушы қосу үшін әкімші болу керек",
                                  "Добавлять пользователей может только администратор"))
        else:
            require(by, Action.MANAGE_USERS)
        if User.select().where(User.login == name).exists():
            raise AuthError(T("«{login}» логині бос емес", "Логин «{login}» уже занят"
                              ).format(login=name))
        if account and User.select().where(User.os_account == account).exists():
            raise AuthError(T("«{acc}» ОЖ есептік жазбасы басқа пайдаланушыға байланыстырылған",
                              "Учётная запись ОС «{acc}» уже привязана к другому пользователю"
                              ).format(acc=account))
        user = User.create(login=name, role=role.value, full_name=full, os_account=account,
                           password_hash=hash_password(password) if password else None)
        _sync_login(account, role.value)
    return user


def _sync_login(account: str | None, role: str | None) -> None:
    """PostgreSQL with apcard roles: the OS account's own login role follows its user."""
    db = database_proxy.obj
    if account and is_postgres(db):
        from models import pgroles

        pgroles.sync_login(db, account, role)


def ensure_first_admin(account: str | None = None, full_name: str = "") -> User | None:
    """`apcard init` on an empty users table: the OS account running it becomes the
    first administrator. Returns None when users already exist."""
    account = os_account() if account is None else account
    if User.select().exists() or not account:
        return None
    return add_user(account, Role.ADMINISTRATOR, by=None, full_name=full_name,
                    os_account_name=account)


def set_role(login_name: str, role: Role | str, *, by: User) -> User:
    role = parse_role(role.value if isinstance(role, Role) else role)
    from models import audit  # the log's writer: user changes only, not a sign-in

    with audit.writing(by, "user"):
        require(by, Action.MANAGE_USERS)
        user = _user(login_name)
        if user.role == role.value:
            return user
        if user.id == by.id and role != Role.ADMINISTRATOR and _last_admin(user):
            raise AuthError(T("Соңғы әкімші өз рөлін ауыстыра алмайды",
                              "Последний администратор не может сменить себе роль"))
        User.update(role=role.value).where(User.id == user.id).execute()
        _sync_login(user.os_account, role.value if user.active else None)
    return User.get_by_id(user.id)


def _last_admin(user: User) -> bool:
    return not User.select().where((User.role == Role.ADMINISTRATOR.value)
                                   & (User.active == True)  # noqa: E712
                                   & (User.id != user.id)).exists()


def set_password(login_name: str, password: str, *, by: User) -> User:
    """An administrator sets anyone's password; a user may set their own."""
    check_password_rules(password)
    from models import audit  # the log's writer: user changes only, not a sign-in

    with audit.writing(by, "user"):
        user = _user(login_name)
        if by.id != user.id:
            require(by, Action.MANAGE_USERS)
        User.update(password_hash=hash_password(password)).where(User.id == user.id).execute()
        SignIn.delete().where(SignIn.login == user.login).execute()
        # The log keeps a digest of the hash, never the hash itself.
    return User.get_by_id(user.id)


def list_users(by: User | None) -> list[User]:
    require(by, Action.LIST_USERS)
    return list(User.select().order_by(User.login))

