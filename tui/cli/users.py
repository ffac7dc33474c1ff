"""`apcard user add|list|set-role|passwd`: the users table, run by an administrator
identified by the operating-system account (the very first user needs none)."""

from __future__ import annotations

import argparse
import getpass
import sys

from rich.console import Console
from rich.table import Table

from models.config import Config
from models.i18n import T
from models.tables import Role
from tui.cli import EXIT_USAGE, CliError, open_db
from tui.cli.base import say

ROLES = [r.value for r in Role]
ROLE_HELP = T("operator (оператор) | administrator (әкімші) | auditor (аудитор)",
              "operator (оператор) | administrator (администратор) | auditor (аудитор)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("user", help=say(T("пайдаланушылар мен рөлдер", "пользователи и роли")))
    us = p.add_subparsers(dest="user_command", required=True,
                          metavar="{add,list,set-role,passwd}")
    q = us.add_parser("add", help=say(T("пайдаланушы қосу", "добавить пользователя")))
    q.add_argument("login", metavar=say(T("ЛОГИН", "ЛОГИН")), help=say(T("apcard логині", "логин apcard")))
    q.add_argument("--role", required=True, help=say(ROLE_HELP))
    q.add_argument("--name", default="", help=say(T("аты-жөні", "ФИО")))
    q.add_argument("--os-account", help=say(T("осы пайдаланушы ретінде кіретін ОЖ есептік жазбасы",
                                   "учётная запись ОС, входящая как этот пользователь")))
    q.add_argument("--password-stdin", action="store_true",
                   help=say(T("терминалдан кіру құпиясөзін стандартты кірістен оқу",
                              "прочитать пароль для входа с терминала со стандартного ввода")))
    q.set_defaults(handler=cmd_add)

    q = us.add_parser("list", help=say(T("пайдаланушылар тізімі", "список пользователей")))
    q.set_defaults(handler=cmd_list)

    q = us.add_parser("set-role", help=say(T("пайдаланушы рөлін өзгерту", "сменить роль пользователя")))
    q.add_argument("login", metavar=say(T("ЛОГИН", "ЛОГИН")), help=say(T("apcard логині", "логин apcard")))
    q.add_argument("role", help=say(ROLE_HELP))
    q.set_defaults(handler=cmd_set_role)

    q = us.add_parser("passwd", help=say(T(
        "құпиясөз орнату (өзіңіздікін, әкімші кез келгеннің)",
        "задать пароль (свой, администратор — любой)")))
    q.add_argument("login", metavar=say(T("ЛОГИН", "ЛОГИН")), help=say(T("apcard логині", "логин apcard")))
    q.add_argument("--password-stdin", action="store_true", help=say(T("стандартты кірістен оқу", "прочитать со стандартного ввода")))
    q.set_defaults(handler=cmd_passwd)


def _role(text: str) -> str:
    if text not in ROLES:
        raise CliError(T(f"{text[:32]!r} деген рөл жоқ: operator, administrator не auditor",
                         f"нет роли {text[:32]!r}: operator, administrator или auditor"),
                       EXIT_USAGE)
    return text


def _say(cfg: Config, message: T) -> str:
    return message(cfg.language)


def _actor(cfg: Config, bootstrap: bool = False):
    """The user running the command (rights are checked by models.auth); None when the
    table is empty and this is the first user being added."""
    from tui.cli.identity import acting_user, users_exist

    if bootstrap and not users_exist():
        return None
    return acting_user(cfg, None)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not sys.stdin.isatty():
        raise CliError(T("құпиясөзді сұрайтын терминал жоқ: --password-stdin қолданыңыз",
                         "нет терминала, чтобы спросить пароль: используйте --password-stdin"),
                       EXIT_USAGE)
    first = getpass.getpass(say(T("құпиясөз: ", "пароль: ")))
    if getpass.getpass(say(T("тағы бір рет: ", "ещё раз: "))) != first:
        raise CliError(T("екі құпиясөз әртүрлі", "пароли не совпадают"), EXIT_USAGE)
    return first


def _run(cfg: Config, fn):
    """Model refusals (rights, rules) become one line with exit 1."""
    from models.auth import AuthError
    from models.permissions import PermissionDenied
    from tui.cli.core import db_errors

    with db_errors(cfg):
        try:
            return fn()
        except (AuthError, PermissionDenied) as exc:
            raise CliError(_say(cfg, exc.message)) from None


def cmd_add(ns: argparse.Namespace, cfg: Config) -> int:
    from models.auth import add_user, role_label

    role = _role(ns.role)
    password = _password(True) if ns.password_stdin else None
    open_db(cfg)
    user = _run(cfg, lambda: add_user(ns.login, role, by=_actor(cfg, bootstrap=True),
                                      full_name=ns.name, os_account_name=ns.os_account,
                                      password=password))
    Console(highlight=False, markup=False).print(_say(cfg, T("Қосылды: {login} ({role})",
                                               "Добавлен: {login} ({role})").format(
        login=user.login, role=role_label(user.role)(cfg.language))))
    return 0


def cmd_set_role(ns: argparse.Namespace, cfg: Config) -> int:
    from models.auth import role_label, set_role

    role = _role(ns.role)
    open_db(cfg)
    user = _run(cfg, lambda: set_role(ns.login, role, by=_actor(cfg)))
    Console(highlight=False, markup=False).print(_say(cfg, T("{login}: рөлі {role}", "{login}: роль {role}")
                                        .format(login=user.login,
                                                role=role_label(user.role)(cfg.language))))
    return 0


def cmd_passwd(ns: argparse.Namespace, cfg: Config) -> int:
    from models.auth import set_password

    password = _password(ns.password_stdin)
    open_db(cfg)
    user = _run(cfg, lambda: set_password(ns.login, password, by=_actor(cfg)))
    Console(highlight=False, markup=False).print(_say(cfg, T("{login}: құпиясөз орнатылды",
                                               "{login}: пароль установлен").format(
        login=user.login)))
    return 0


def cmd_list(ns: argparse.Namespace, cfg: Config) -> int:
    from models.auth import list_users, lock_state, role_label
    from models.tables import now

    open_db(cfg)
    users = _run(cfg, lambda: list_users(_actor(cfg)))
    lang = cfg.language
    table = Table(box=None, pad_edge=False, header_style="bold")
    for head in (T("Логин", "Логин"), T("Аты-жөні", "ФИО"), T("Рөлі", "Роль"),
                 T("ОЖ есептік жазбасы", "Учётная запись ОС"), T("Құпиясөз", "Пароль"),
                 T("Күйі", "Состояние")):
        table.add_column(head(lang))
    at = now()
    for u in users:
        locked = lock_state(u.login, at)
        if not u.active:
            state = T("өшірілген", "отключён")
        elif locked is not None:
            state = T("бұғатталған {t} дейін", "заблокирован до {t}").format(
                t=locked.strftime("%H:%M"))
        else:
            state = T("белсенді", "активен")
        table.add_row(u.login, u.full_name, role_label(u.role)(lang), u.os_account or "",
                      "+" if u.password_hash else "-", state(lang))
    Console(highlight=False, markup=False).print(table)
    return 0
