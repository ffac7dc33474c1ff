"""Core commands: `apcard init`, `apcard db upgrade|version`, `apcard demo`, and the bare
`apcard` that opens the card screen for the user behind the OS account."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

from models.config import Config
from models.db import DatabaseError, is_database_error, one_line, safe_url, small_cache
from tui.cli.base import CliError, open_db

DEMO_CARDS = 2500


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create or upgrade the database; the first run makes "
                       "the OS account running it an administrator")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("db", help="database schema")
    dbsub = p.add_subparsers(dest="db_command", required=True, metavar="{upgrade,version}")
    q = dbsub.add_parser("upgrade", help="bring the schema to this apcard's version")
    q.set_defaults(handler=cmd_db_upgrade)
    q = dbsub.add_parser("version", help="show the schema version")
    q.set_defaults(handler=cmd_db_version)

    p = sub.add_parser("demo", help="fill the register with realistic demo cards")
    p.add_argument("--cards", type=_positive, default=DEMO_CARDS,
                   help=f"how many cards (default {DEMO_CARDS})")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same cards)")
    p.add_argument("--if-empty", action="store_true",
                   help="do nothing when the register already holds cards")
    p.set_defaults(handler=cmd_demo)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError(f"must be between 1 and 1000000, got {value}")
    return value


# --- database errors as one line ---------------------------------------------------

def db_error_line(exc: BaseException, url: str | None = None) -> str | None:
    """One line for a database failure after the database was opened (a read-only
    file, a vanished folder, a server gone away); None if `exc` is not one."""
    if not is_database_error(exc):
        return None
    text = one_line(exc)
    where = f" ({safe_url(url)})" if url else ""
    low = text.lower()
    if "readonly database" in low or "read-only" in low:
        return f"the database is read-only{where}: check the file's and its folder's permissions"
    if "unable to open database file" in low:
        return f"cannot open the database file{where}: check that its folder exists and is writable"
    if "database is locked" in low:
        return f"the database is busy (locked by another apcard){where}: try again"
    if "disk is full" in low or "disk i/o error" in low:
        return f"cannot write the database{where}: {text}"
    if "connection" in low or "server" in low or "terminat" in low:
        return f"lost the database server{where}: {text}"
    return f"database error{where}: {text}"


@contextlib.contextmanager
def db_errors(cfg: Config) -> Iterator[None]:
    try:
        yield
    except (DatabaseError, CliError):
        raise
    except Exception as exc:
        line = db_error_line(exc, cfg.db_url)
        if line is None:
            raise
        raise CliError(line) from None


# --- commands ------------------------------------------------------------------------

def _console():  # rich imported when printing, not on the way to the TUI
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def cmd_init(ns: argparse.Namespace, cfg: Config) -> int:
    from models import migrations
    from models.db import open_database

    out = _console()
    with db_errors(cfg):
        db = open_database(cfg.db_url, cfg.pool_size, cfg.busy_timeout_ms)
        before = migrations.current_version(db)
        _refuse_newer(before)
        _schema_administrator(cfg)
        migrations.upgrade(db, waiting=_upgrade_waiting)
        after = migrations.current_version(db)
        out.print(_schema_news(cfg, before, after))
        out.print(_first_admin(cfg))
    return 0


def _schema_administrator(cfg: Config) -> None:
    """Schema commands on a register with users are an administrator's."""
    from models.permissions import Action
    from tui.cli.identity import administrator_or_bootstrap

    administrator_or_bootstrap(cfg, Action.UPGRADE_SCHEMA)


def _upgrade_waiting() -> None:
    _console_err().print("another `apcard db upgrade` is running: waiting for it to finish",
                         highlight=False, markup=False)


def _refuse_newer(version: int) -> None:
    from models import migrations

    if version > migrations.LATEST:
        raise CliError(f"database schema version {version} is newer than this apcard "
                       f"({migrations.LATEST}): upgrade apcard")


def _schema_news(cfg: Config, before: int, after: int) -> str:
    where = safe_url(cfg.db_url)
    if before == 0:
        return f"created the database {where} (schema version {after})"
    if before < after:
        return f"upgraded the database {where} from schema version {before} to {after}"
    return f"database {where} is already at schema version {after}"


def _os_account() -> str:
    """The OS account of the real uid (never an environment variable)."""
    from models.auth import os_account
    from models.text import find_control

    name = os_account()
    if not name:
        raise CliError("cannot tell which OS account is running apcard: the uid has no name")

    if not name or find_control(name) is not None or len(name) > 64:
        raise CliError(f"OS account name {name!r} cannot be an apcard login")
    return name


def _full_name(account: str) -> str:
    """The account's real name from the password database (GECOS), if any."""
    try:
        import pwd

        gecos = pwd.getpwnam(account).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError):
        return ""
    from models.text import clean, find_control

    return clean(gecos)[:150] if gecos and find_control(gecos) is None else ""


def _first_admin(cfg: Config) -> str:
    """With no user yet, the OS account running `init` becomes the first administrator."""
    from models.auth import AuthError, ensure_first_admin
    from models.tables import Role, User

    account = _os_account()
    try:
        created = ensure_first_admin(account, _full_name(account))
    except AuthError as exc:
        raise CliError(f"cannot register {account!r} as administrator: "
                       f"{exc.message(cfg.language)}") from None
    if created is not None:
        return (f"registered the OS account {account!r} as the first administrator "
                "(add others with `apcard user add`)")
    count = User.select().count()
    admins = [u.login for u in User.select(User.login)
              .where(User.role == Role.ADMINISTRATOR.value).order_by(User.login)]
    return (f"users: {count} already registered; administrators: "
            f"{', '.join(admins) if admins else 'none'}")


def cmd_db_upgrade(ns: argparse.Namespace, cfg: Config) -> int:
    from models import migrations
    from models.db import open_database

    out = _console()
    with db_errors(cfg):
        db = open_database(cfg.db_url, cfg.pool_size, cfg.busy_timeout_ms)
        before = migrations.current_version(db)
        _refuse_newer(before)
        _schema_administrator(cfg)
        applied = migrations.upgrade(db, waiting=_upgrade_waiting)
        after = migrations.current_version(db)
    if not applied:
        out.print(f"already at version {after}")
    else:
        names = {m.VERSION: m.DESCRIPTION for m in migrations.MIGRATIONS}
        out.print(f"upgraded from version {before} to {after}")
        for v in applied:
            out.print(f"  v{v:04d} {names[v]}")
    return 0


def cmd_db_version(ns: argparse.Namespace, cfg: Config) -> int:
    from models import migrations
    from models.db import open_database
    from tui.cli.identity import reader

    with db_errors(cfg):
        db = open_database(cfg.db_url, cfg.pool_size, cfg.busy_timeout_ms)
        version = migrations.current_version(db)
        reader(cfg)
    if version == migrations.LATEST:
        state = "up to date"
    elif version < migrations.LATEST:
        state = "run `apcard db upgrade`" if version else "empty: run `apcard init`"
    else:
        state = "newer than this apcard"
    _console().print(f"schema version {version} (this apcard: {migrations.LATEST}; {state})")
    return 0 if version == migrations.LATEST else 1


def cmd_demo(ns: argparse.Namespace, cfg: Config) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from models import codebook, demo
    from models.permissions import Action
    from models.tables import Card

    out = _console()
    with db_errors(cfg):
        open_db(cfg)
        user = _identify(cfg, Action.LOAD_DEMO)
        codebook.reload()
        have = Card.select().count()
        if have and ns.if_empty:
            out.print(f"the register already holds {have} cards: demo not loaded")
            return 0
        missing = demo.missing_codebooks()
        if missing:
            raise CliError(f"codebooks not loaded ({', '.join(missing)}): "
                           "run `apcard codebooks load` first")
        with Progress("demo cards", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=_console_err(), transient=True) as bar:
            task = bar.add_task("demo", total=ns.cards)
            stats = demo.load_demo(ns.cards, ns.seed, user,
                                   progress=lambda n: bar.update(task, completed=n))
    out.print(stats.summary())
    return 0


# --- the card screen ---------------------------------------------------------------

def _identify(cfg: Config, action=None):
    """The active apcard user running this process (models.auth.identity), allowed
    `action` (None: any registered user); CliError otherwise."""
    from tui.cli.identity import acting_user

    return acting_user(cfg, action)


def run_tui(ns: argparse.Namespace, cfg: Config) -> int:
    """Bare `apcard`: open the database, identify the user, run the card screen. An OS
    account mapped to no user signs in with a password when some user has one."""
    with db_errors(cfg):
        small_cache(open_db(cfg))
        user = _signed_in(cfg)
    from tui.cli.base import hidden

    # asyncio imports Python's ssl module (OpenSSL's libssl: 5 MiB of every start) for
    # TLS connections the card screen never makes: it goes on without it.
    with hidden("ssl"):
        from tui.app import run_app

    with db_errors(cfg):
        return int(run_app(cfg, user) or 0)


def _signed_in(cfg: Config):
    from tui.cli.identity import NOT_REGISTERED, acting_user

    try:
        return acting_user(cfg, None)
    except CliError:
        from models.auth import identity
        from models.tables import User

        account, from_session = identity()
        if from_session or not User.select().where(User.password_hash.is_null(False)).exists():
            raise
    from tui.screens.login import sign_in

    user = sign_in(cfg)
    if user is None:
        raise CliError(NOT_REGISTERED.format(acc=account)(cfg.language))
    return user


def _console_err():
    from rich.console import Console

    return Console(stderr=True)
