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
from tui.cli import CliError
from tui.cli.acting import number_arg, session, write_out

# kind -> (help, builder module, builder function); each builder takes
# (namespace, lang, user, printed_at) and returns a models.printing Document.
KINDS: dict[str, tuple[str, str, str]] = {
    "card": ("a card as on paper (Appendix 1)", "tui.cli.printing", "_card"),
    "journal": ("the registration journal of a period (Appendix 2)", "tui.cli.journal_cmd",
                "print_journal"),
    "notice": ("a notice of execution or of release (Appendix 3, 4)", "tui.cli.notice_cmd",
               "print_notice"),
    "answer": ("the answer to a liability request (Appendix 5)", "tui.cli.requests_cmd",
               "print_answer"),
    "act": ("a destruction act (§14)", "tui.cli.purge_cmd", "print_act"),
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print", help="printouts: card, journal, notice, answer, act "
                       "(text for 80/132-column printers, or HTML for A4)")
    ps = p.add_subparsers(dest="print_kind", required=True, metavar="{" + ",".join(KINDS) + "}")
    for kind, (text, _, _) in KINDS.items():
        q = ps.add_parser(kind, help=text)
        _arguments(kind, q)
        q.add_argument("--format", choices=("text", "html"), default="text")
        q.add_argument("--width", type=int, choices=(80, 132), default=80,
                       help="text: characters per line (80 or 132)")
        q.add_argument("--out", help="write to this file instead of stdout")
        q.set_defaults(handler=cmd_print, kind=kind)


def _arguments(kind: str, q: argparse.ArgumentParser) -> None:
    extra = ARGUMENTS.get(kind)
    if extra is not None:
        extra(q)


def _id_argument(q: argparse.ArgumentParser) -> None:
    q.add_argument("id", type=number_arg, help="its number")


def _journal_arguments(q: argparse.ArgumentParser) -> None:
    from tui.cli.journal_cmd import filter_arguments

    filter_arguments(q)


ARGUMENTS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "card": _id_argument, "journal": _journal_arguments, "notice": _id_argument,
    "answer": _id_argument, "act": _id_argument}


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
        raise CliError(f"no card {ns.id}")
    return card_document(card, cfg.language, user.login, at, link_notes(card.id, cfg.language))
