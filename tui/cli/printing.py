"""`apcard print KIND ID --format text|html [--width 80|132] [--out FILE]`: the card
(Appendix 1), the registration journal (App. 2), a notice (App. 3, 4), the answer to a
liability request (App. 5) and a destruction act (§14). Written to stdout, or to FILE.
Reading needs the role that may read cards; the printout names who printed it."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any

from models.config import Config
from models.i18n import T
from tui.cli import CliError
from tui.cli.acting import number_arg, session, write_out
from tui.cli.base import say

# kind -> (help, builder module, builder function); each builder takes
# (namespace, lang, user, printed_at) and returns a models.printing Document.
KINDS: dict[str, tuple[T, str, str]] = {
    "card": (T("қағаздағыдай карточка (1-қосымша)", "карточка как на бумаге (приложение 1)"),
             "tui.cli.printing", "_card"),
    "journal": (T("кезеңнің тіркеу журналы (2-қосымша)",
                  "журнал регистрации за период (приложение 2)"),
                "tui.cli.journal_cmd", "print_journal"),
    "notice": (T("орындау не босату туралы хабарлама (3, 4-қосымша)",
                 "уведомление об исполнении или освобождении (приложения 3, 4)"),
               "tui.cli.notice_cmd", "print_notice"),
    "answer": (T("жауаптылыққа тарту туралы сұрауға жауап (5-қосымша)",
                 "ответ на запрос о привлечении к ответственности (приложение 5)"),
               "tui.cli.requests_cmd", "print_answer"),
    "act": (T("жою актісі (14-т.)", "акт уничтожения (п. 14)"), "tui.cli.purge_cmd",
            "print_act"),
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print", help=say(T(
        "басып шығару: карточка, журнал, хабарлама, жауап, акт (80/132 бағанды принтерге "
        "мәтін, не A4-ке HTML)",
        "печать: карточка, журнал, уведомление, ответ, акт (текст для принтеров на 80/132 "
        "колонки или HTML для A4)")))
    ps = p.add_subparsers(dest="print_kind", required=True, metavar="{" + ",".join(KINDS) + "}")
    for kind, (text, _, _) in KINDS.items():
        q = ps.add_parser(kind, help=say(text))
        _arguments(kind, q)
        q.add_argument("--format", choices=("text", "html"), default="text",
                       help=say(T("мәтін не HTML", "текст или HTML")))
        q.add_argument("--width", type=int, choices=(80, 132), default=80,
                       help=say(T("мәтін: жолдағы таңба саны (80 не 132)",
                                  "текст: символов в строке (80 или 132)")))
        q.add_argument("--out", help=say(T("stdout орнына осы файлға жазу",
                                                "записать в этот файл вместо stdout")))
        q.set_defaults(handler=cmd_print, kind=kind)


def _arguments(kind: str, q: argparse.ArgumentParser) -> None:
    extra = ARGUMENTS.get(kind)
    if extra is not None:
        extra(q)


def _id_argument(q: argparse.ArgumentParser) -> None:
    q.add_argument("id", type=number_arg, help=say(T("нөмірі", "номер")))


def _journal_arguments(q: argparse.ArgumentParser) -> None:
    from tui.cli.journal_cmd import filter_arguments

    filter_arguments(q)


def _act_argument(q: argparse.ArgumentParser) -> None:
    q.add_argument("id", metavar=say(T("НӨМІР", "НОМЕР")),
                   help=say(T("актінің нөмірі (2026/001)", "номер акта (2026/001)")))


ARGUMENTS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "card": _id_argument, "journal": _journal_arguments, "notice": _id_argument,
    "answer": _id_argument, "act": _act_argument}


def cmd_print(ns: argparse.Namespace, cfg: Config) -> int:
    from importlib import import_module

    from models.printing import render

    _, module, name = KINDS[ns.kind]
    build = getattr(import_module(module), name)
    with session(cfg) as user:
        doc = build(ns, cfg, user, dt.datetime.now().replace(microsecond=0))
        text = render(doc, ns.format, ns.width)
    write_out(text, ns.out)
    return 0


def _card(ns: argparse.Namespace, cfg: Config, user: Any, at: dt.datetime) -> Any:
    from models.permissions import Action, require
    from models.printing.card import card_document
    from models.protests import link_notes
    from models.tables import Card

    require(user, Action.READ_CARD)
    card = Card.get_or_none(Card.id == ns.id)
    if card is None:
        raise CliError(T(f"{ns.id} карточкасы жоқ", f"нет карточки {ns.id}"))
    return card_document(card, cfg.language, user.login, at, link_notes(card.id, cfg.language))
