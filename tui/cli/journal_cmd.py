"""`apcard journal list|add|set`: the registration journal (§7, Appendix 2). `list`
prints the entries of a period (filters: status, body, article); `add` keys a
proceeding without a card (terminated, sent to court, ...); `set` fills a card's
journal-only columns 3 and 9. `apcard print journal` prints it as the appendix."""

from __future__ import annotations

import argparse
import datetime as dt

from models.config import Config
from models.i18n import T
from tui.cli import CliError
from tui.cli.acting import date_arg, number_arg, refused, session

COUNT = T("Жазба: {n}", "Записей: {n}")
ADDED = T("Журналға жазылды: № {n}, {d}", "Записано в журнал: № {n}, {d}")
SAVED = T("{card} карточкасының журнал жазбасы сақталды", "Запись журнала карточки {card} сохранена")


def filter_arguments(q: argparse.ArgumentParser) -> None:
    q.add_argument("--from", dest="date_from", type=date_arg, help="registered on or after")
    q.add_argument("--to", dest="date_to", type=date_arg, help="registered on or before")
    q.add_argument("--status", help="card status (registered, dispatched, ...) or no_card")
    q.add_argument("--body", help="authority code (line 1 or 3)")
    q.add_argument("--article", help="article of the Code (line 9)")


def journal_filter(ns: argparse.Namespace):
    from models.registration_journal import JournalFilter

    if ns.date_from and ns.date_to and ns.date_from > ns.date_to:
        raise CliError("--from is after --to")
    return JournalFilter(ns.date_from, ns.date_to, ns.status, ns.body, ns.article)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("journal", help="registration journal of administrative cases "
                       "(Appendix 2): list, add an entry without a card, set columns 3 and 9")
    js = p.add_subparsers(dest="journal_command", required=True, metavar="{list,add,set}")
    q = js.add_parser("list", help="entries of a period, oldest first")
    filter_arguments(q)
    q.set_defaults(handler=cmd_list)
    q = js.add_parser("add", help="a proceeding without a card (terminated, sent to court...)")
    q.add_argument("--number", help="registration number (default: the next one)")
    q.add_argument("--date", type=date_arg, help="registration date (default: today)")
    q.add_argument("--result", required=True, help="proceeding_result code (02 terminated, "
                   "03 sent to court, 04 by jurisdiction, 05 released)")
    q.add_argument("--result-date", type=date_arg, help="date of consideration (column 7)")
    q.add_argument("--offender", default="", help="column 4: name, birth date, position, work")
    q.add_argument("--legal", default="", help="column 5: legal entity, address")
    q.add_argument("--article", required=True)
    q.add_argument("--part", default="")
    q.add_argument("--paragraph", default="")
    q.add_argument("--filing-body", default="", help="column 2")
    q.add_argument("--court-body", default="", help="column 3")
    q.add_argument("--decision-no", default="", help="column 9")
    q.add_argument("--in-force", type=date_arg, help="column 9: date in force")
    q.add_argument("--penalty", default="", help="column 10")
    q.add_argument("--filled-by", default="", help="column 8")
    q.set_defaults(handler=cmd_add)
    q = js.add_parser("set", help="a card's columns 3 and 9 (court body, decision no., in force)")
    q.add_argument("card", type=number_arg)
    q.add_argument("--court-body")
    q.add_argument("--decision-no")
    q.add_argument("--in-force", type=date_arg)
    q.set_defaults(handler=cmd_set)


def cmd_list(ns: argparse.Namespace, cfg: Config) -> int:
    from rich.console import Console
    from rich.table import Table

    from models.registration_journal import COLUMNS, journal

    lang = cfg.language
    with session(cfg) as user:
        rows = journal(user, journal_filter(ns), lang)
    table = Table(*(c(lang) for c in COLUMNS), box=None, show_lines=False)
    for r in rows:
        table.add_row(*r.columns)
    Console(width=200).print(table)
    print(COUNT(lang).format(n=len(rows)))
    return 0


def cmd_add(ns: argparse.Namespace, cfg: Config) -> int:
    from models.registration_journal import JournalRefused, add_entry

    values = {"number": ns.number, "registered_on": ns.date, "result": ns.result,
              "result_date": ns.result_date, "offender": ns.offender, "legal": ns.legal,
              "article": ns.article, "part": ns.part, "paragraph": ns.paragraph,
              "filing_body": ns.filing_body, "court_body": ns.court_body,
              "decision_no": ns.decision_no, "in_force_on": ns.in_force, "penalty": ns.penalty,
              "filled_by": ns.filled_by}
    with session(cfg) as user:
        try:
            e = add_entry(values, user)
        except JournalRefused as exc:
            raise refused(exc, cfg.language) from None
    print(ADDED(cfg.language).format(n=e.number, d=f"{e.registered_on:%d.%m.%Y}"))
    return 0


def cmd_set(ns: argparse.Namespace, cfg: Config) -> int:
    from models.registration_journal import JournalRefused, set_details

    with session(cfg) as user:
        try:
            set_details(ns.card, user, ns.court_body, ns.decision_no, ns.in_force)
        except JournalRefused as exc:
            raise refused(exc, cfg.language) from None
    print(SAVED(cfg.language).format(card=ns.card))
    return 0


def print_journal(ns: argparse.Namespace, cfg: Config, user, at: dt.datetime):
    from models.printing.journal import journal_document
    from models.registration_journal import journal

    flt = journal_filter(ns)
    rows = journal(user, flt, cfg.language)
    return journal_document(rows, flt, cfg.language, cfg.organisation_name, user.login, at)
