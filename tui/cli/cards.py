"""`apcard card ...`: a registered card's life from the command line (§11, §12, §34-2):
show its status, dispatch the cards due, return one for correction, remove one, mark
its penalty executed. Every step goes through models.corrections (role, state, reason,
log row), exactly as the screens do; the user is the OS account's apcard user."""

from __future__ import annotations

import argparse
import datetime as dt

from models.config import Config
from tui.cli import CliError, open_db

STEPS = ("return", "remove", "execute")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("card", help="a card's life: status, dispatch, return, remove, execute")
    cs = p.add_subparsers(dest="card_command", required=True,
                          metavar="{status,dispatch,return,remove,execute,returned}")
    q = cs.add_parser("status", help="status, version and return deadline of a card")
    q.add_argument("card", type=_card_id)
    q.set_defaults(handler=cmd_status)
    q = cs.add_parser("dispatch", help="send every registered or corrected card (on a "
                      "dispatch day of config.toml)")
    q.set_defaults(handler=cmd_dispatch)
    for step, text in zip(STEPS, ("return a card to its body for correction (reason needed)",
                                  "remove a card: soft deletion with a reason",
                                  "mark the penalty executed"), strict=True):
        q = cs.add_parser(step, help=text)
        q.add_argument("card", type=_card_id)
        q.add_argument("--reason", help="reason code (codebook correction_reason)")
        q.add_argument("--text", help="reason text (required with --reason)")
        q.set_defaults(handler=cmd_step, step=step)
    q = cs.add_parser("returned", help="cards returned for correction, with deadlines "
                      "(3 working days, §12); overdue ones marked")
    q.set_defaults(handler=cmd_returned)


def _card_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a card number: {text[:20]!r}")
    return int(text)


def _user(cfg: Config):  # noqa: ANN202
    from models.auth import AuthError, require_os_user

    try:
        return require_os_user()
    except AuthError as exc:
        raise CliError(exc.message(cfg.language)) from None


def _refused(exc: Exception, lang: str) -> CliError:
    message = getattr(exc, "message", None)
    text = message(lang) if message is not None else str(exc)
    issues = getattr(exc, "issues", None) or []
    if issues:
        text += ": " + "; ".join(f"{i.line} {i.message(lang)}" for i in issues[:5])
    return CliError(text)


def cmd_status(ns: argparse.Namespace, cfg: Config) -> int:
    from models import lifecycle
    from models.tables import Card
    from tui.cli.core import db_errors

    with db_errors(cfg):
        open_db(cfg)
        card = Card.get_or_none(Card.id == ns.card)
        if card is None:
            raise CliError(f"no card {ns.card}")
        line = f"card {card.id}: {lifecycle.status_label(card.status)(cfg.language)}, " \
               f"version {card.version}"
        if card.status == "returned" and card.returned_at:
            due = lifecycle.return_deadline(card.returned_at.date(), cfg.return_working_days)
            late = lifecycle.is_overdue(card.status, card.returned_at, dt.date.today(),
                                        cfg.return_working_days)
            line += f", correct by {due:%d.%m.%Y}" + (" (OVERDUE)" if late else "")
    print(line)
    return 0


def cmd_dispatch(ns: argparse.Namespace, cfg: Config) -> int:
    from models.corrections import CorrectionRefused, dispatch_due
    from models.permissions import PermissionDenied
    from tui.cli.core import db_errors

    with db_errors(cfg):
        open_db(cfg)
        try:
            n = dispatch_due(_user(cfg), cfg.dispatch_days)
        except (CorrectionRefused, PermissionDenied) as exc:
            raise _refused(exc, cfg.language) from None
    print(f"dispatched {n} card(s)")
    return 0


def cmd_step(ns: argparse.Namespace, cfg: Config) -> int:
    from models.corrections import CorrectionRefused, change_status
    from models.lifecycle import Event
    from models.permissions import PermissionDenied
    from tui.cli.core import db_errors

    with db_errors(cfg):
        open_db(cfg)
        try:
            saved = change_status(ns.card, Event(ns.step), _user(cfg), reason_code=ns.reason,
                                  reason_text=ns.text)
        except (CorrectionRefused, PermissionDenied) as exc:
            raise _refused(exc, cfg.language) from None
    print(f"card {saved.card_id}: {saved.status} (version {saved.version})")
    return 0


def cmd_returned(ns: argparse.Namespace, cfg: Config) -> int:
    from rich.console import Console
    from rich.table import Table

    from models import lifecycle
    from models.tables import Card
    from tui.cli.core import db_errors

    today = dt.date.today()
    table = Table("card", "returned", "correct by", "overdue", "surname / name", box=None)
    late_count = 0
    with db_errors(cfg):
        open_db(cfg)
        for card in Card.select().where(Card.status == "returned").order_by(Card.returned_at):
            if card.returned_at is None:
                continue
            due = lifecycle.return_deadline(card.returned_at.date(), cfg.return_working_days)
            late = lifecycle.is_overdue(card.status, card.returned_at, today,
                                        cfg.return_working_days)
            late_count += late
            table.add_row(str(card.id), f"{card.returned_at:%d.%m.%Y}", f"{due:%d.%m.%Y}",
                          "OVERDUE" if late else "", card.surname or card.legal_name or "",
                          style="reverse" if late else None)
    Console().print(table)
    print(f"{len(table.rows)} returned, {late_count} overdue")
    return 0
