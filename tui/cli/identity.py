"""Who runs an apcard command, and may they: every command asks here.

The acting user is the one models.auth.identity() names (the personal PostgreSQL login
role of the session, or the OS account of the real uid); nothing on the command line or
in the environment changes it. A refusal is one line and exit code 1.
"""

from __future__ import annotations

from models.config import Config
from models.i18n import T
from models.permissions import Action
from models.tables import User
from tui.cli.base import CliError

NOT_REGISTERED = T(
    "«{acc}» apcard-та тіркелмеген: әкімшіге хабарласыңыз (apcard user add)",
    "«{acc}» не зарегистрирован в apcard: обратитесь к администратору (apcard user add)")


def acting_user(cfg: Config, action: Action | None = Action.READ_CARD, *,
                seal: bool = True) -> User:
    """The registered, active apcard user running this command, allowed `action`
    (None: any registered user). Raises CliError otherwise. With `seal`, the log's head
    is sealed when the last seal is a day old (models/seal.py)."""
    from models.auth import identify_os_user, identity
    from models.permissions import PermissionDenied, require
    from models.text import strip_control

    account, _ = identity()
    user = identify_os_user(account) if account else None
    if user is None:
        raise CliError(NOT_REGISTERED.format(acc=strip_control(account or "?")[:64])(
            cfg.language))
    if action is not None:
        try:
            require(user, action)
        except PermissionDenied as exc:
            raise CliError(exc.message(cfg.language)) from None
    if seal:
        daily_seal()
    return user


def daily_seal() -> None:
    """A seal a day at least, whoever starts apcard first. A database this account may
    only read (a read-only file) is not sealed: nothing else is written either. The
    log's models (models.seal, models.auditlog: a fortieth of the card screen's start)
    are imported only when the day's seal is not made yet."""
    import contextlib

    import peewee as pw

    from models.seal_table import sealed_within_a_day

    with contextlib.suppress(pw.DatabaseError, pw.InterfaceError):
        if sealed_within_a_day():
            return
        from models.seal import seal_if_due

        seal_if_due()


def users_exist() -> bool:
    """Whether the register has any user yet (False on a database without tables)."""
    from models.db import database_proxy

    db = database_proxy.obj
    if "user" not in db.get_tables():
        return False
    return User.select().exists()


def administrator_or_bootstrap(cfg: Config, action: Action) -> User | None:
    """An administrator's command that also sets up a new register: while the register
    has no user at all there is nobody to ask, and it runs for whoever may write the
    database (None); on PostgreSQL the database superuser (who owns everything anyway)
    runs it too. Otherwise only a user allowed `action` runs it."""
    from models import pgroles
    from models.db import database_proxy, is_postgres

    if not users_exist():
        return None
    db = database_proxy.obj
    if is_postgres(db) and pgroles.is_superuser(db):
        return None
    return acting_user(cfg, action)


def reader(cfg: Config) -> User | None:
    """Reading commands: a registered user, once the register has any user."""
    return acting_user(cfg, None) if users_exist() else None
