"""`apcard purge [--dry-run]`: retention (§7, §13, §14). `--dry-run` lists the cards and
journal entries due (and those held by an open request, a return, a protest or a fine
short of collected) and exits 0; without it an administrator destroys them under a numbered act (asked to confirm at a
terminal; `--yes` in scripts). `apcard print act N` prints an act."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from models.config import Config
from models.i18n import T
from tui.cli import CliError
from tui.cli.acting import session
from tui.cli.base import say

DUE = T("Жоюға жататын карточкалар: {n} (кәмелетке толмағандар {m}, сыбайлас жемқорлық {c}); "
        "ұсталғаны: {h}; журнал жазбалары: {j}",
        "К уничтожению карточек: {n} (несовершеннолетних {m}, коррупционных {c}); "
        "удержано: {h}; записей журнала: {j}")
NOTHING = T("Жоюға жататын ештеңе жоқ", "Уничтожать нечего")
CONFIRM = T("Жою қайтарылмайды. Растау үшін карточкалар санын теріңіз ({n}): ",
            "Уничтожение необратимо. Для подтверждения введите число карточек ({n}): ")
CANCELLED = T("Бас тартылды", "Отменено")
DONE = T("№ {n} акт: {c} карточка, {j} журнал жазбасы жойылды",
         "Акт № {n}: уничтожено карточек {c}, записей журнала {j}")
HEAD = (T("карточка", "карточка"), T("орындалды", "исполнена"), T("сақтау мерзімі", "хранить до"),
        T("санат", "категория"), T("ұсталды", "удержана"))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("purge", help=say(T(
        "сақтау мерзімі біткенді нөмірлі акт бойынша жою (13, 14-т.); --dry-run тізімін береді",
        "уничтожить то, чей срок хранения истёк (пп. 13, 14), по нумерованному акту; "
        "--dry-run выводит список")))
    p.add_argument("--dry-run", action="store_true", help=say(T(
        "жоюға жататынын көрсету, ештеңе өзгертпеу", "показать, что подлежит, ничего не менять")))
    p.add_argument("--yes", action="store_true", help=say(T("растауды сұрамау",
                                                            "не спрашивать подтверждения")))
    p.set_defaults(handler=cmd_purge)


def cmd_purge(ns: argparse.Namespace, cfg: Config) -> int:
    from rich.console import Console
    from rich.table import Table

    from models.purge import PurgeConflict
    from models.retention import CATEGORY_LABELS, CORRUPTION, HOLD_LABELS, MINOR, plan, purge

    lang = cfg.language
    with session(cfg) as user:
        p = plan(user, cfg.retention)
        table = Table(*(h(lang) for h in HEAD), box=None)
        for item in p.cards + p.held:
            table.add_row(str(item.card_id), f"{item.executed:%d.%m.%Y}",
                          f"{item.keep_until:%d.%m.%Y}", CATEGORY_LABELS[item.category](lang),
                          HOLD_LABELS[item.held](lang) if item.held else "")
        if table.rows:
            Console(width=120).print(table)
        summary = DUE(lang).format(n=len(p.cards), m=sum(c.category == MINOR for c in p.cards),
                                   c=sum(c.category == CORRUPTION for c in p.cards),
                                   h=len(p.held), j=p.journal_count)
        print(summary)
        if ns.dry_run:
            return 0
        if not p.cards and not p.journal_count:
            print(NOTHING(lang))
            return 0
        if not ns.yes:
            if not sys.stdin.isatty():
                raise CliError(T("purge деректерді жояды: --yes арқылы растаңыз (не терминалда "
                                 "іске қосыңыз)",
                                 "purge уничтожает данные: подтвердите через --yes (или "
                                 "запустите в терминале)"))
            typed = input(CONFIRM(lang).format(n=len(p.cards))).strip()
            if typed != str(len(p.cards)):
                print(CANCELLED(lang))
                return 1
        try:
            act = purge(user, cfg.retention)
        except PurgeConflict as exc:
            raise CliError(exc.message) from None
    if act is None:
        print(NOTHING(lang))
        return 0
    print(DONE(lang).format(n=act.number, c=act.cards, j=act.journal_entries))
    return 0


def print_act(ns: argparse.Namespace, cfg: Config, user: Any, at: dt.datetime) -> Any:
    from models.permissions import Action, require
    from models.printing.act import act_document
    from models.register_tables import DestructionAct

    require(user, Action.READ_RETENTION)
    key = str(ns.id).strip()  # the act's number as printed ("2026/001") or its row
    act = DestructionAct.get_or_none(DestructionAct.number == key)
    if act is None and key.isascii() and key.isdigit() and len(key) < 10:
        act = DestructionAct.get_or_none(DestructionAct.id == int(key))
    if act is None:
        raise CliError(T(f"№ {ns.id} жою актісі жоқ", f"нет акта уничтожения № {ns.id}"))
    return act_document(act, cfg.language, user.login, at)


