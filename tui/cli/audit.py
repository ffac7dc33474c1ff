"""`apcard audit verify` (walk the correction log's hash chain) and
`apcard audit export --csv FILE` (the correction journal, filtered, as CSV)."""

from __future__ import annotations

import argparse
import datetime as dt

from rich.console import Console

from models.config import Config
from models.i18n import T
from tui.cli import EXIT_USAGE, CliError, open_db


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="correction log: verify the chain, export the journal")
    au = p.add_subparsers(dest="audit_command", required=True, metavar="{verify,export}")
    q = au.add_parser("verify", help="check that no log row was edited, deleted, inserted "
                      "or moved; exit 1 naming the first broken row")
    q.set_defaults(handler=cmd_verify)

    q = au.add_parser("export", help="write the correction journal as CSV")
    q.add_argument("--csv", required=True, metavar="FILE", help="output file")
    q.add_argument("--from", dest="date_from", metavar="DD.MM.YYYY", help="from this day")
    q.add_argument("--to", dest="date_to", metavar="DD.MM.YYYY", help="up to this day")
    q.add_argument("--user", help="made by this login")
    q.add_argument("--reason", help="reason code (codebook correction_reason)")
    q.add_argument("--card", type=_card_id, help="card number (id)")
    q.add_argument("--line", help="card line, as printed: 9, 14.3")
    q.set_defaults(handler=cmd_export)


def _card_id(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a card number: {text[:20]!r}")
    return int(text)


def _date(text: str | None, option: str) -> dt.date | None:
    from models.validation import parse_date

    if text is None:
        return None
    day = parse_date(text.strip())
    if day is None:
        raise CliError(f"{option}: not a date {text[:20]!r} (DD.MM.YYYY)", EXIT_USAGE)
    return day


def cmd_verify(ns: argparse.Namespace, cfg: Config) -> int:
    from models.audit import verify_chain
    from models.permissions import Action
    from tui.cli.core import db_errors
    from tui.cli.identity import acting_user

    with db_errors(cfg):
        open_db(cfg)
        acting_user(cfg, Action.VERIFY_LOG)
        result = verify_chain()
    lang = cfg.language
    if not result.ok:
        assert result.problem is not None
        where = (f"first broken row {result.broken_id}" if result.broken_id is not None
                 else f"card {result.card_id}")
        raise CliError(f"{where}: {result.problem(lang)}", 1)
    Console(highlight=False, markup=False).print(
        f"{result.rows} rows verified; " + T("тізбек бүтін, соңғы хэш {h}",
                                             "цепочка цела, последний хэш {h}")
        .format(h=result.head[:16])(lang))
    return 0


def cmd_export(ns: argparse.Namespace, cfg: Config) -> int:
    from models.journal import JournalFilter, write_csv
    from models.permissions import PermissionDenied
    from models.text import find_control
    from tui.cli.core import db_errors
    from tui.cli.identity import acting_user

    flt = JournalFilter(date_from=_date(ns.date_from, "--from"), date_to=_date(ns.date_to, "--to"),
                        user_login=ns.user, reason_code=ns.reason, card_id=ns.card, line=ns.line)
    for value in (ns.user, ns.reason, ns.line):
        if value is not None and find_control(value) is not None:
            raise CliError("filters must not contain control characters", EXIT_USAGE)
    with db_errors(cfg):
        open_db(cfg)
        try:
            n = write_csv(acting_user(cfg, None), flt, ns.csv, cfg.language)
        except PermissionDenied as exc:
            raise CliError(exc.message(cfg.language)) from None
        except OSError as exc:
            raise CliError(f"cannot write {ns.csv}: {exc.strerror}") from None
    Console(highlight=False, markup=False).print(
        T("{n} жазба {f} файлына жазылды", "Записей выгружено: {n} в {f}")
        .format(n=n, f=ns.csv)(cfg.language))
    return 0
