"""Core commands: `apcard init`, `apcard db upgrade|version`, `apcard demo`, and the bare
`apcard` that opens the card screen for the user behind the OS account."""

from __future__ import annotations

import argparse
import contextlib
import gc
import re
from collections.abc import Callable, Iterator
from typing import Any

from models.config import Config
from models.db import DatabaseError, is_database_error, one_line, safe_url, small_cache
from models.i18n import T, patterns, translated
from tui.cli.base import CliError, open_db, require_database_file, say

DEMO_CARDS = 2500


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help=say(T(
        "дерекқорды құру немесе жаңарту", "создать или обновить базу")))
    p.add_argument("--admin", metavar="ACCOUNT", help=say(T(
        "бос тізілімде осы ОЖ есептік жазбасы бірінші әкімші болады (PostgreSQL: init-ті "
        "дерекқордың суперпайдаланушысы іске қосқанда)",
        "в пустом реестре первым администратором становится эта учётная запись ОС "
        "(PostgreSQL: когда init запускает суперпользователь базы)")))
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("db", help=say(T("дерекқор схемасы", "схема базы")))
    dbsub = p.add_subparsers(dest="db_command", required=True,
                             metavar="{upgrade,version,roles}")
    q = dbsub.add_parser("upgrade", help=say(T("схеманы осы нұсқаға жеткізу",
                                               "привести схему к этой версии")))
    q.set_defaults(handler=cmd_db_upgrade)
    q = dbsub.add_parser("version", help=say(T("схема нұсқасы", "версия схемы")))
    q.set_defaults(handler=cmd_db_version)
    q = dbsub.add_parser("roles", help=say(T(
        "PostgreSQL: көп операторға рөлдер мен құқықтар (суперпайдаланушы; қайталауға болады); "
        "pg_hba.conf жолдары", "PostgreSQL: роли и права для многих операторов "
        "(суперпользователь; повторяемо); строки pg_hba.conf")))
    q.set_defaults(handler=_db_roles)

    p = sub.add_parser("demo", help=say(T("демо-карточкалар", "демонстрационные карточки")))
    p.add_argument("--cards", type=_positive, default=DEMO_CARDS, help=say(T(
        f"неше карточка (әдепкі {DEMO_CARDS})", f"сколько карточек (по умолчанию {DEMO_CARDS})")))
    p.add_argument("--seed", type=_whole, default=1, help=say(T(
        "кездейсоқ сан тұқымы (бірдей тұқым, бірдей карточкалар)",
        "зерно случайных чисел (то же зерно — те же карточки)")))
    p.add_argument("--if-empty", action="store_true", help=say(T(
        "тізілімде карточкалар болса, ештеңе істемеу", "ничего не делать, если в реестре есть "
        "карточки")))
    p.set_defaults(handler=cmd_demo)


def _whole(text: str) -> int:
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 18:
        raise argparse.ArgumentTypeError(say(T(f"бүтін сан емес: {text[:20]!r}",
                                               f"не целое число: {text[:20]!r}")))
    return int(text)


def _positive(text: str) -> int:
    value = _whole(text)
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError(say(T(f"1..1000000 аралығында болуы керек, {value} емес",
                                               f"должно быть от 1 до 1000000, а не {value}")))
    return value


# --- database errors as one line ---------------------------------------------------

def db_error_line(exc: BaseException, url: str | None = None) -> T | None:
    """One line for a database failure after the database was opened (a read-only
    file, a vanished folder, a server gone away); None if `exc` is not one."""
    if not is_database_error(exc):
        return None
    return _driver_words(one_line(exc), f" ({safe_url(url)})" if url else "")


def _driver_words(text: str, where: str) -> T:
    low = text.lower()
    missing = re.search(r'no such table: (\w+)|relation "(\w+)" does not exist', text)
    if missing:
        table = missing[1] or missing[2]
        return T(f"дерекқорда {table} кестесі жоқ{where}: дерекқор бүлінген не оны басқа "
                 "бағдарлама өзгерткен (`apcard db version`)",
                 f"в базе нет таблицы {table}{where}: база повреждена или изменена не "
                 "apcard (`apcard db version`)")
    if "readonly database" in low or "read-only" in low:
        return T(f"дерекқор тек оқуға арналған{where}: файл мен қалтаның құқықтарын тексеріңіз",
                 f"база только для чтения{where}: проверьте права на файл и его папку")
    if "unable to open database file" in low:
        return T(f"дерекқор файлы ашылмады{where}: қалтасы бар ма, жазуға бола ма, тексеріңіз",
                 f"не открыть файл базы{where}: проверьте, что папка есть и доступна для записи")
    if "database is locked" in low:
        return T(f"дерекқор бос емес (басқа apcard құлыптаған){where}: қайталаңыз",
                 f"база занята (заблокирована другим apcard){where}: повторите")
    if "disk is full" in low or "disk i/o error" in low:
        return T(f"дерекқорға жазылмады{where}: {text}", f"не записать базу{where}: {text}")
    if "connection" in low or "server" in low or "terminat" in low:
        return T(f"дерекқор серверімен байланыс үзілді{where}: {text}",
                 f"потеряна связь с сервером базы{where}: {text}")
    return T(f"дерекқор қатесі{where}: {text}", f"ошибка базы{where}: {text}")


_DATABASE_ERRORS = patterns((
    (r"^cannot create database folder (.+): (.*)$",
     T("дерекқор қалтасы {0} құрылмады: {1}", "не создать папку базы {0}: {1}")),
    (r"^database file (.+) is read-only$",
     T("дерекқор файлы {0} тек оқуға арналған", "файл базы {0} только для чтения")),
    (r"^unsupported database URL (.+) \(sqlite:/// or postgresql://\)$",
     T("{0} деген дерекқор URL-і қолданылмайды (sqlite:/// не postgresql://)",
       "URL базы {0} не поддерживается (sqlite:/// или postgresql://)")),
    (r"^cannot open database (\S+): (.*)$",
     T("{0} дерекқоры ашылмады: {1}", "не открыть базу {0}: {1}")),
))
_FILE_TROUBLE = ("readonly database", "unable to open database file", "database is locked")


def database_error(exc: DatabaseError) -> T:
    """models.db's one-line DatabaseError in both languages (the driver's own words, such
    as the server's reply, stay as they are)."""
    text = one_line(exc)
    found = translated(_DATABASE_ERRORS, text)
    if found is None:
        return T(text, text)
    words, m = found
    if m.re.groups == 2 and any(k in m[2].lower() for k in _FILE_TROUBLE):
        return _driver_words(m[2], f" ({m[1]})")
    return words


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
    """The one command that creates a database."""
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
        out.print(say(_schema_news(cfg, before, after)))
        out.print(say(_first_admin(cfg, ns.admin)))
        _roles_for_superuser(db, out)
    return 0


def _roles_for_superuser(db, out) -> None:
    """PostgreSQL's superuser running init also sets up the roles (`apcard db roles`)."""
    from models import pgroles
    from models.db import is_postgres

    if is_postgres(db) and pgroles.is_superuser(db):
        with db.atomic():
            mapped = pgroles.apply(db)
        names = ", ".join(mapped) or "—"
        out.print(say(T(f"PostgreSQL рөлдері мен құқықтары орнатылды; кіру рөлдері: {names}. "
                        "pg_hba.conf-қа басқа `local` жолдарының алдына қосып, PostgreSQL-ды "
                        "қайта жүктеңіз:",
                        f"роли и права PostgreSQL установлены; роли входа: {names}. Добавьте "
                        "в pg_hba.conf перед другими строками `local` и перезагрузите "
                        "PostgreSQL:")), markup=False)
        out.print(pgroles.hba_lines(db).rstrip(), markup=False)


def _schema_administrator(cfg: Config) -> None:
    """Schema commands on a register with users are an administrator's."""
    from models.permissions import Action
    from tui.cli.identity import administrator_or_bootstrap

    administrator_or_bootstrap(cfg, Action.UPGRADE_SCHEMA)


def _upgrade_waiting() -> None:
    _console_err().print(say(T("басқа `apcard db upgrade` жүріп жатыр: аяқталуын күтеміз",
                               "идёт другой `apcard db upgrade`: ждём его окончания")),
                         highlight=False, markup=False)


def _refuse_newer(version: int) -> None:
    from models import migrations

    latest = migrations.LATEST
    if version > latest:
        raise CliError(T(f"дерекқор схемасы ({version}) бұл apcard-тан жаңа ({latest}): "
                         "apcard-ты жаңартыңыз",
                         f"схема базы ({version}) новее этого apcard ({latest}): "
                         "обновите apcard"))


def _schema_news(cfg: Config, before: int, after: int) -> T:
    where = safe_url(cfg.db_url)
    if before == 0:
        return T(f"дерекқор құрылды: {where} (схема {after})",
                 f"создана база {where} (схема {after})")
    if before < after:
        return T(f"дерекқор жаңартылды: {where}, схема {before} → {after}",
                 f"база {where} обновлена: схема {before} → {after}")
    return T(f"дерекқор {where} схемасы қазірдің өзінде {after}",
             f"база {where} уже на схеме {after}")


def _os_account() -> str:
    """The OS account of the real uid (never an environment variable)."""
    from models.auth import os_account
    from models.text import find_control

    name = os_account()
    if not name:
        raise CliError(T("apcard-ты қай ОЖ есептік жазбасы іске қосқаны белгісіз: uid-тің аты жоқ",
                         "не узнать, какая учётная запись ОС запустила apcard: у uid нет имени"))
    if find_control(name) is not None or len(name) > 64:
        raise CliError(T(f"{name[:64]!r} ОЖ есептік жазбасы apcard логині бола алмайды",
                         f"имя учётной записи ОС {name[:64]!r} не может быть логином apcard"))
    return name


def _named_account(name: str) -> str:
    """An OS account given by name: it must exist in the password database."""
    import pwd

    from models.text import strip_control

    try:
        return pwd.getpwnam(name).pw_name
    except KeyError:
        shown = strip_control(name)[:64]
        raise CliError(T(f"бұл машинада {shown!r} ОЖ есептік жазбасы жоқ",
                         f"на этой машине нет учётной записи ОС {shown!r}")) from None


def _full_name(account: str) -> str:
    """The account's real name from the password database (GECOS), if any."""
    try:
        import pwd

        gecos = pwd.getpwnam(account).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError):
        return ""
    from models.text import clean, find_control

    return clean(gecos)[:150] if gecos and find_control(gecos) is None else ""


def _first_admin(cfg: Config, named: str | None = None) -> T:
    """With no user yet, the OS account running `init` (or the one `--admin` names: the
    database superuser sets up a register for its administrator) becomes the first
    administrator."""
    from models.auth import AuthError, ensure_first_admin
    from models.tables import Role, User

    account = _named_account(named) if named else _os_account()
    if named and User.select().exists():
        raise CliError(T("--admin бос тізілімнің бірінші әкімшісін атайды; мұнда "
                         "пайдаланушылар бар (apcard user add)",
                         "--admin называет первого администратора пустого реестра; здесь "
                         "уже есть пользователи (apcard user add)"))
    try:
        created = ensure_first_admin(account, _full_name(account))
    except AuthError as exc:
        raise CliError(T(f"{account!r} әкімші ретінде тіркелмеді: {exc.message('kk')}",
                         f"не удалось зарегистрировать {account!r} администратором: "
                         f"{exc.message('ru')}")) from None
    if created is not None:
        return T(f"ОЖ есептік жазбасы {account!r} бірінші әкімші болып тіркелді "
                 "(басқаларын `apcard user add` қосады)",
                 f"учётная запись ОС {account!r} зарегистрирована первым администратором "
                 "(остальных добавляет `apcard user add`)")
    count = User.select().count()
    admins = ", ".join(u.login for u in User.select(User.login)
                       .where(User.role == Role.ADMINISTRATOR.value).order_by(User.login))
    return T(f"пайдаланушылар тіркелген: {count}; әкімшілер: {admins or 'жоқ'}",
             f"пользователей уже зарегистрировано: {count}; администраторы: {admins or 'нет'}")


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
        out.print(say(T(f"схема қазірдің өзінде {after}", f"схема уже версии {after}")))
    else:
        out.print(say(T(f"схема жаңартылды: {before} → {after}",
                        f"схема обновлена: {before} → {after}")))
    return 0


def _db_roles(ns: argparse.Namespace, cfg: Config) -> int:
    from tui.cli.dbroles import cmd_db_roles

    return cmd_db_roles(ns, cfg)


def cmd_db_version(ns: argparse.Namespace, cfg: Config) -> int:
    from models import migrations
    from models.db import open_database
    from tui.cli.identity import reader

    require_database_file(cfg)
    with db_errors(cfg):
        db = open_database(cfg.db_url, cfg.pool_size, cfg.busy_timeout_ms)
        version = migrations.current_version(db)
        reader(cfg)
    latest = migrations.LATEST
    if version == latest:
        state = T("жаңа", "актуальна")
    elif version < latest:
        state = T("`apcard db upgrade` орындаңыз", "выполните `apcard db upgrade`") if version \
            else T("бос: `apcard init` орындаңыз", "пусто: выполните `apcard init`")
    else:
        state = T("бұл apcard-тан жаңа", "новее этого apcard")
    _console().print(say(T(f"схема нұсқасы {version} (бұл apcard: {latest}; {state.kk})",
                           f"версия схемы {version} (этот apcard: {latest}; {state.ru})")))
    return 0 if version == latest else 1


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
            out.print(say(T(f"тізілімде {have} карточка бар: демо жүктелмеді",
                            f"в реестре уже {have} карточек: демо не загружено")))
            return 0
        missing = ", ".join(demo.missing_codebooks())
        if missing:
            raise CliError(T(f"анықтамалықтар жүктелмеген ({missing}): алдымен "
                             "`apcard codebooks load` орындаңыз",
                             f"справочники не загружены ({missing}): сначала выполните "
                             "`apcard codebooks load`"))
        with Progress("demo", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=_console_err(), transient=True) as bar:
            task = bar.add_task("demo", total=ns.cards)
            stats = demo.load_demo(ns.cards, ns.seed, user,
                                   progress=lambda n: bar.update(task, completed=n))
    out.print(say(T(f"демо: {stats.cards} карточка, {stats.persons} адам, "
                    f"{stats.legal_entities} заңды тұлға ({stats.seconds:.1f} с)",
                    f"демо: {stats.cards} карточек, {stats.persons} лиц, "
                    f"{stats.legal_entities} юридических лиц ({stats.seconds:.1f} с)")))
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
    from models.config import authority_problem

    with db_errors(cfg):
        small_cache(open_db(cfg))
        problem = authority_problem(cfg)
        if problem is not None:
            raise CliError(problem, 2)
        user = _signed_in(cfg)
    run_app = card_screen()
    with db_errors(cfg):
        return int(run_app(cfg, user) or 0)


def card_screen() -> Callable[[Config, Any], int]:
    """Import the card screen (tui.app.run_app) without what it never uses. asyncio
    imports Python's ssl module (OpenSSL's libssl: 5 MiB of every start) for TLS
    connections the card screen never makes, and Textual's app imports shutil (through
    platformdirs and tempfile), which loads liblzma and libbz2 to know whether it can
    make .tar.xz and .tar.bz2 archives: they go on without them (nothing here archives
    through shutil; tarfile and lzma still import when asked). Textual's command
    palette, which it never opens, is imported only if it is ever made
    (tui.palette_deferred), and platformdirs only if a screenshot is ever saved to the
    downloads folder (tui.downloads_deferred)."""
    from tui import downloads_deferred, palette_deferred
    from tui.cli.base import hidden

    with hidden("ssl", "bz2", "lzma"), palette_deferred.deferred(), \
            downloads_deferred.deferred():
        from tui.app import run_app
    return run_app


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

    gc.enable()  # off while starting (tui.cli.main): the sign-in window is a session too
    user = sign_in(cfg)
    if user is None:
        raise CliError(NOT_REGISTERED.format(acc=account)(cfg.language))
    return user


def _console_err():
    from rich.console import Console

    return Console(stderr=True)
