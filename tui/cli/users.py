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

ROLES = [r.value for r in Role]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("user", help="users and roles")
    us = p.add_subparsers(dest="user_command", required=True,
                          metavar="{add,list,set-role,passwd}")
    q = us.add_parser("add", help="add a user")
    q.add_argument("login")
    q.add_argument("--role", required=True, help="operator | administrator | auditor")
    q.add_argument("--name", default="", help="full name")
    q.add_argument("--os-account", help="operating-system account that signs in as this user")
    q.add_argument("--password-stdin", action="store_true",
                   help="read a password for terminal sign-in from standard input")
    q.set_defaults(handler=cmd_add)

    q = us.add_parser("list", help="list users")
    q.set_defaults(handler=cmd_list)

    q = us.add_parser("set-role", help="change a user's role")
    q.add_argument("login")
    q.add_argument("role", help="operator | administrator | auditor")
    q.set_defaults(handler=cmd_set_role)

    q = us.add_parser("passwd", help="set a user's password (own, or anyone's as administrator)")
    q.add_argument("login")
    q.add_argument("--password-stdin", action="store_true", help="read it from standard input")
    q.set_defaults(handler=cmd_passwd)


def _role(text: str) -> str:
    if text not in ROLES:
        raise CliError(f"unknown role {text[:32]!r}: choose operator, administrator or auditor",
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
        raise CliError("no terminal to ask the password on: use --password-stdin", EXIT_USAGE)
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise CliError("the two passwords differ", EXIT_USAGE)
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
    from models.auth import add_user

    role = _role(ns.role)
    password = _password(True) if ns.password_stdin else None
    open_db(cfg)
    user = _run(cfg, lambda: add_user(ns.login, role, by=_actor(cfg, bootstrap=True),
                                      full_name=ns.name, os_account_name=ns.os_account,
                                      password=password))
    Console(highlight=False, markup=False).print(_say(cfg, T("Қосылды: {login} ({role})",
                                               "Добавлен: {login} ({role})").format(
        login=user.login, role=user.role)))
    return 0


def cmd_set_role(ns: argparse.Namespace, cfg: Config) -> int:
    from models.auth import set_role

    role = _role(ns.role)
    open_db(cfg)
    user = _run(cfg, lambda: set_role(ns.login, role, by=_actor(cfg)))
    Console(highlight=False, markup=False).print(_say(cfg, T("{login}: рөлі {role}", "{login}: роль {role}")
                                        .format(login=user.login, role=user.role)))
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
