"""`apcard notice execution|release|list`: notices made from a card. `execution` (§35,
Appendix 3) adds the payment to line 13 (logged); `release` (§36, Appendix 4) names the
Code's ground; `list` shows them with their deadlines, late ones marked.
`apcard print notice ID` prints one."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from models.config import Config
from models.i18n import T
from tui.cli import CliError
from tui.cli.acting import date_arg, number_arg, refused, session
from tui.cli.base import say

MADE = T("№ {id} хабарлама жасалды; мерзімі {due}{late}; 13-жол: {total}",
         "Извещение № {id} составлено; срок {due}{late}; строка 13: {total}")
MADE_RELEASE = T("№ {id} хабарлама жасалды; мерзімі {due}{late}",
                 "Извещение № {id} составлено; срок {due}{late}")
LATE = T(" (МЕРЗІМІ ӨТКЕН)", " (ПРОСРОЧЕНО)")
HEAD = (T("№", "№"), T("түрі", "вид"), T("карточка", "карточка"), T("күні", "дата"),
        T("мерзімі", "срок"), T("кеш", "поздно"), T("сома / негіз", "сумма / основание"))
CARD_NO = T("карточка нөмірі", "номер карточки")
RESPONSIBLE = T("жауапты лауазымды адам (әдепкі: сіз)", "ответственное лицо (по умолчанию вы)")
COUNT = T("Хабарлама: {n}, кеш: {late}", "Извещений: {n}, с опозданием: {late}")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("notice", help=say(T(
        "орындау (3-қосымша) және босату (4-қосымша) туралы хабарламалар",
        "уведомления об исполнении (приложение 3) и об освобождении (приложение 4)")))
    ns = p.add_subparsers(dest="notice_command", required=True,
                          metavar="{execution,release,list}")
    q = ns.add_parser("execution", help=say(T(
        "төлем: орындау туралы хабарлама, 13-жол өседі",
        "платёж: уведомление об исполнении, строка 13 растёт")))
    q.add_argument("card", type=number_arg, metavar=say(T("КАРТОЧКА", "КАРТОЧКА")),
                   help=say(CARD_NO))
    q.add_argument("--amount", required=True, help=say(T("төленген теңге", "уплачено тенге")))
    q.add_argument("--paid-on", required=True, type=date_arg,
                   help=say(T("төлем күні", "дата платежа")))
    q.add_argument("--proof-on", type=date_arg, help=say(T(
        "төлем туралы растау алынған күн (әдепкі бүгін)",
        "дата получения подтверждения платежа (по умолчанию сегодня)")))
    q.add_argument("--responsible", default="", help=say(RESPONSIBLE))
    q.set_defaults(handler=cmd_execution)
    q = ns.add_parser("release", help=say(T(
        "жауаптылықтан не жазадан босату (Кодекс негізі)",
        "освобождение от ответственности или взыскания (основание по Кодексу)")))
    q.add_argument("card", type=number_arg, metavar=say(T("КАРТОЧКА", "КАРТОЧКА")),
                   help=say(CARD_NO))
    q.add_argument("--from", dest="release_kind", choices=("liability", "penalty"), required=True,
                   help=say(T("liability: жауаптылықтан, penalty: жазадан",
                              "liability: от ответственности, penalty: от взыскания")))
    q.add_argument("--date", required=True, type=date_arg,
                   help=say(T("босату күні", "дата освобождения")))
    q.add_argument("--ground", required=True, help=say(T(
        "бап (release_ground анықтамалығы)", "статья (справочник release_ground)")))
    q.add_argument("--ground-text", default="", help=say(T(
        "негізделген акт не шешім", "акт или решение, на котором основано")))
    q.add_argument("--ground-date", type=date_arg, help=say(T(
        "актінің не шешімнің күні", "дата акта или решения")))
    q.add_argument("--responsible", default="", help=say(RESPONSIBLE))
    q.set_defaults(handler=cmd_release)
    q = ns.add_parser("list", help=say(T(
        "хабарламалар, жаңасы бірінші; кештері белгіленеді",
        "уведомления, сначала новые; просроченные отмечены")))
    q.add_argument("--kind", choices=("execution", "release"), help=say(T(
        "execution: орындау, release: босату", "execution: исполнение, release: освобождение")))
    q.add_argument("--late", action="store_true", help=say(T(
        "тек мерзімінен кейін жасалғандары", "только составленные после срока")))
    q.set_defaults(handler=cmd_list)


def _who(user: Any, given: str) -> str:
    return given or " ".join(x for x in (user.full_name, user.position) if x) or user.login


def cmd_execution(ns: argparse.Namespace, cfg: Config) -> int:
    from models.notices import NoticeRefused, add_execution, is_late

    lang = cfg.language
    with session(cfg) as user:
        try:
            n = add_execution(ns.card, ns.amount, ns.paid_on, user, proof_on=ns.proof_on,
                              sender=cfg.organisation_name,
                              responsible=_who(user, ns.responsible), cal=cfg.calendar)
        except NoticeRefused as exc:
            raise refused(exc, lang) from None
        total = n.card.__class__.get_by_id(n.card_id).fine_collected
    print(MADE(lang).format(id=n.id, due=f"{n.due_on:%d.%m.%Y}",
                            late=LATE(lang) if is_late(n) else "", total=total))
    return 0


def cmd_release(ns: argparse.Namespace, cfg: Config) -> int:
    from models.notices import NoticeRefused, add_release, is_late

    lang = cfg.language
    with session(cfg) as user:
        try:
            n = add_release(ns.card, ns.release_kind, ns.date, ns.ground, user,
                            ground_text=ns.ground_text, ground_date=ns.ground_date,
                            sender=cfg.organisation_name, responsible=_who(user, ns.responsible))
        except NoticeRefused as exc:
            raise refused(exc, lang) from None
    print(MADE_RELEASE(lang).format(id=n.id, due=f"{n.due_on:%d.%m.%Y}",
                                    late=LATE(lang) if is_late(n) else ""))
    return 0


def cmd_list(ns: argparse.Namespace, cfg: Config) -> int:
    from rich.console import Console
    from rich.table import Table

    from models.notices import KIND_LABELS, is_late, list_notices

    lang = cfg.language
    table = Table(*(h(lang) for h in HEAD), box=None)
    late = 0
    with session(cfg) as user:
        for n in list_notices(user, kind=ns.kind, late_only=ns.late):
            late += is_late(n)
            what = f"{n.amount_paid}" if n.kind == "execution" else f"{n.ground}"
            table.add_row(str(n.id), KIND_LABELS[n.kind](lang), str(n.card_id),
                          f"{n.issued_on:%d.%m.%Y}", f"{n.due_on:%d.%m.%Y}",
                          "!" if is_late(n) else "", what)
    Console(width=160).print(table)
    print(COUNT(lang).format(n=len(table.rows), late=late))
    return 0


def print_notice(ns: argparse.Namespace, cfg: Config, user: Any, at: dt.datetime) -> Any:
    from models.permissions import Action, require
    from models.printing.notices import notice_document
    from models.register_tables import Notice

    require(user, Action.READ_CARD)
    notice = Notice.get_or_none(Notice.id == ns.id)
    if notice is None:
        raise CliError(T(f"№ {ns.id} хабарлама жоқ", f"нет уведомления № {ns.id}"))
    return notice_document(notice, cfg.language, user.login, at)
