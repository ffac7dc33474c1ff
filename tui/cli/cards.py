"""`apcard card ...`: a registered card's life from the command line (§11, §12, §34-2):
show its status, dispatch the cards due, return one for correction, remove one, mark
its penalty executed. Every step goes through models.corrections (role, state, reason,
log row), exactly as the screens do; the user is the OS account's apcard user."""

from __future__ import annotations

import argparse
import datetime as dt

from models.config import Config
from models.i18n import T
from tui.cli import CliError, open_db
from tui.cli.base import say

STEPS = ("return", "remove", "execute")
CARD_MV = T("КАРТОЧКА", "КАРТОЧКА")
CARD_NO = T("карточка нөмірі (id)", "номер карточки (id)")
STEP_HELP = (T("карточканы түзетуге органына қайтару (себебі керек)",
               "вернуть карточку органу на исправление (нужна причина)"),
             T("карточканы алып тастау: себебімен жұмсақ жою",
               "удалить карточку: мягкое удаление с причиной"),
             T("жаза орындалды деп белгілеу", "отметить исполнение взыскания"))

RETURN_BY = T("Басқарма қайтаратын соңғы күн {d}", "Управление возвращает до {d}")
RETURNED_LATE = T("мерзімінен кеш қайтарылды", "возвращена с опозданием")
RESEND_BY = T("{d} жіберумен қайта жіберу", "отправить заново с отправкой {d}")
OVERDUE = T("МЕРЗІМІ ӨТКЕН", "ПРОСРОЧЕНА")
RETURNED_HEAD = (T("карточка", "карточка"), T("түсті (7)", "поступила (7)"),
                 T("қайтару мерзімі", "вернуть до"), T("қайтарылды", "возвращена"),
                 T("кеш", "поздно"), T("қайта жіберу", "отправить с"),
                 T("өтті", "просроч."), T("тегі / атауы", "фамилия / наименование"))
RETURNED_SUMMARY = T("қайтарылғаны {n}, мерзімі өткені {late}",
                     "возвращено {n}, просрочено {late}")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("card", help=say(T(
        "карточка өмірі: күйі, жіберу, қайтару, алып тастау, орындау",
        "жизнь карточки: состояние, отправка, возврат, удаление, исполнение")))
    cs = p.add_subparsers(dest="card_command", required=True,
                          metavar="{status,dispatch,return,remove,execute,protest,returned}")
    q = cs.add_parser("status", help=say(T("карточканың күйі, нұсқасы және қайтару мерзімі",
                                           "состояние, версия и срок возврата карточки")))
    q.add_argument("card", type=_card_id, metavar=say(CARD_MV), help=say(CARD_NO))
    q.set_defaults(handler=cmd_status)
    q = cs.add_parser("dispatch", help=say(T(
        "әр тіркелген не түзетілген карточканы жіберу (config.toml жіберу күнінде)",
        "отправить все зарегистрированные и исправленные карточки (в день отправки "
        "по config.toml)")))
    q.set_defaults(handler=cmd_dispatch)
    for step, text in zip(STEPS, STEP_HELP, strict=True):
        q = cs.add_parser(step, help=say(text))
        q.add_argument("card", type=_card_id, metavar=say(CARD_MV), help=say(CARD_NO))
        q.add_argument("--reason", help=say(T("себеп коды (correction_reason анықтамалығы)",
                                              "код причины (справочник correction_reason)")))
        q.add_argument("--text", help=say(T("себеп мәтіні (--reason-мен міндетті)",
                                            "текст причины (обязателен с --reason)")))
        if step == "execute":
            q.add_argument("--on", help=say(T(
                "жаза толық орындалған күн (КК.АА.ЖЖЖЖ; әдепкі бүгін): сақтау мерзімі "
                "осы күннен есептеледі",
                "день полного исполнения взыскания (ДД.ММ.ГГГГ; по умолчанию сегодня): "
                "срок хранения считается от него")))
        q.set_defaults(handler=cmd_step, step=step)
    q = cs.add_parser("protest", help=say(T(
        "наразылық нәтижесі (19, 19.1-жолдар, 33-т.): өзгерген шешім осы карточкаға "
        "байланысты жаңа карточка береді",
        "результат протеста (строки 19, 19.1, п. 33): изменённое решение даёт новую "
        "карточку, связанную с этой")))
    q.add_argument("card", type=_card_id, metavar=say(CARD_MV), help=say(CARD_NO))
    q.add_argument("--date", required=True, help=say(T(
        "19-жол: наразылық күні (КК.АА.ЖЖЖЖ)", "строка 19: дата протеста (ДД.ММ.ГГГГ)")))
    q.add_argument("--result", required=True, help=say(T(
        "19.1-жол: protest_result анықтамалығының коды",
        "строка 19.1: код справочника protest_result")))
    q.add_argument("--set", action="append", default=[], metavar=say(T("ӨРІС=МӘН", "ПОЛЕ=ЗНАЧ")),
                   help=say(T("шешім өзгерткен жаңа карточканың жолы (мысалы main_penalty=01)",
                              "строка новой карточки, изменённая решением (например "
                              "main_penalty=01)")))
    q.set_defaults(handler=cmd_protest)
    q = cs.add_parser("returned", help=say(T(
        "түзетуге қайтарылған карточкалар: Басқарманың 3 жұмыс күндік мерзімі (12-т.) және "
        "қайта жіберілетін күн; мерзімі өткендері белгіленеді",
        "возвращённые на исправление карточки: 3 рабочих дня Управления (п. 12) и день "
        "отправки, с которым они уходят обратно; просроченные отмечены")))
    q.set_defaults(handler=cmd_returned)


def _card_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(say(T(f"карточка нөмірі емес: {text[:20]!r}",
                                                f"не номер карточки: {text[:20]!r}")))
    return int(text)


def _user(cfg: Config, action=None):
    """The user running the command; with `action`, refused unless allowed it."""
    from tui.cli.identity import acting_user

    return acting_user(cfg, action)


def cmd_status(ns: argparse.Namespace, cfg: Config) -> int:
    from models import lifecycle
    from models.permissions import Action
    from models.tables import Card
    from tui.cli.core import db_errors

    with db_errors(cfg):
        open_db(cfg)
        _user(cfg, Action.READ_CARD)
        card = Card.get_or_none(Card.id == ns.card)
        if card is None:
            raise CliError(T(f"{ns.card} карточкасы жоқ", f"нет карточки {ns.card}"))
        lang = cfg.language
        line = T("{id} карточка: {s}, {v}-нұсқа", "карточка {id}: {s}, версия {v}").format(
            id=card.id, s=lifecycle.status_label(card.status)(lang), v=card.version)(lang)
        due = lifecycle.card_deadlines(card, cfg)
        if due.return_by is not None and card.status in ("dispatched", "returned"):
            line += ", " + RETURN_BY(lang).format(d=f"{due.return_by:%d.%m.%Y}")
            if due.returned_late:
                line += " (" + RETURNED_LATE(lang) + ")"
        if due.resend_by is not None:
            line += ", " + RESEND_BY(lang).format(d=f"{due.resend_by:%d.%m.%Y}")
            if due.overdue:
                line += " (" + OVERDUE(lang) + ")"
    print(line)
    return 0


def cmd_dispatch(ns: argparse.Namespace, cfg: Config) -> int:
    from models.corrections import CorrectionRefused, dispatch_due
    from models.permissions import PermissionDenied
    from tui.cli.acting import refused
    from tui.cli.core import db_errors

    with db_errors(cfg):
        open_db(cfg)
        try:
            n = dispatch_due(_user(cfg), cfg.dispatch_days, cal=cfg.calendar)
        except (CorrectionRefused, PermissionDenied) as exc:
            raise refused(exc, cfg.language) from None
    print(say(T(f"жіберілген карточкалар: {n}", f"отправлено карточек: {n}")))
    return 0


def cmd_step(ns: argparse.Namespace, cfg: Config) -> int:
    from models.corrections import CorrectionRefused, change_status
    from models.lifecycle import Event, status_label
    from models.permissions import PermissionDenied
    from models.validation import parse_date
    from tui.cli.acting import refused
    from tui.cli.core import db_errors

    on = getattr(ns, "on", None)
    executed_on = parse_date(on.strip()) if on and on.isascii() else None
    if on and executed_on is None:
        raise CliError(T(f"--on: күн емес (КК.АА.ЖЖЖЖ): {on[:20]!r}",
                         f"--on: не дата (ДД.ММ.ГГГГ): {on[:20]!r}"))
    with db_errors(cfg):
        open_db(cfg)
        try:
            saved = change_status(ns.card, Event(ns.step), _user(cfg), reason_code=ns.reason,
                                  reason_text=ns.text, executed_on=executed_on,
                                  cal=cfg.calendar)
        except (CorrectionRefused, PermissionDenied) as exc:
            raise refused(exc, cfg.language) from None
    print(T("{id} карточка: {s} ({v}-нұсқа)", "карточка {id}: {s} (версия {v})").format(
        id=saved.card_id, s=status_label(saved.status)(cfg.language), v=saved.version)(
        cfg.language))
    return 0


PROTEST_ONLY = T("{card} карточкасында 19/19.1-жолдар белгіленді; жаңа карточка қажет емес",
                 "В карточке {card} отмечены строки 19/19.1; новая карточка не нужна")
PROTEST_NEW = T("{card} карточкасында 19/19.1-жолдар белгіленді; жаңа карточка № {new}",
                "В карточке {card} отмечены строки 19/19.1; новая карточка № {new}")


def cmd_protest(ns: argparse.Namespace, cfg: Config) -> int:
    from models.card_schema import FIELDS
    from models.protests import ProtestRefused, file_protest
    from models.validation import errors, parse_date, parse_field
    from tui.cli.acting import refused, session

    day = parse_date(ns.date.strip()) if ns.date.isascii() else None
    if day is None:
        raise CliError(T(f"--date: күн емес (КК.АА.ЖЖЖЖ): {ns.date[:20]!r}",
                         f"--date: не дата (ДД.ММ.ГГГГ): {ns.date[:20]!r}"))
    changes = {}
    for item in ns.set:
        name, sep, text = item.partition("=")
        if not sep or name.strip() not in FIELDS:
            raise CliError(T(f"--set {item[:40]!r}: ӨРІС=МӘН керек (карточка өрісінің атауы)",
                             f"--set {item[:40]!r}: нужно ПОЛЕ=ЗНАЧ (имя поля карточки)"))
        value, issues = parse_field(FIELDS[name.strip()], text)
        if errors(issues):
            raise CliError(f"--set {name}: {issues[0].message(cfg.language)}")
        changes[name.strip()] = value
    with session(cfg) as user:
        try:
            filed = file_protest(ns.card, day, ns.result, user, changes=changes,
                                 filled_by=user.full_name or user.login)
        except ProtestRefused as exc:
            raise refused(exc, cfg.language) from None
    text = PROTEST_NEW if filed.new else PROTEST_ONLY
    print(text(cfg.language).format(card=ns.card, new=filed.new.id if filed.new else ""))
    return 0


def cmd_returned(ns: argparse.Namespace, cfg: Config) -> int:
    from rich.console import Console
    from rich.table import Table

    from models import lifecycle
    from models.permissions import Action
    from models.tables import Card
    from tui.cli.core import db_errors

    lang = cfg.language
    today = dt.date.today()
    table = Table(*(h(lang) for h in RETURNED_HEAD), box=None)
    late_count = 0
    with db_errors(cfg):
        open_db(cfg)
        _user(cfg, Action.READ_CARD)
        for card in Card.select().where(Card.status == "returned").order_by(Card.returned_at):
            due = lifecycle.card_deadlines(card, cfg, today)
            late_count += due.overdue
            table.add_row(str(card.id), _d(due.received), _d(due.return_by), _d(due.returned),
                          "L" if due.returned_late else "", _d(due.resend_by),
                          "!" if due.overdue else "", card.surname or card.legal_name or "",
                          style="reverse" if due.overdue else None)
    Console().print(table)
    print(RETURNED_SUMMARY(lang).format(n=len(table.rows), late=late_count))
    return 0


def _d(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""
